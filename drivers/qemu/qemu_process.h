/*
 * qemu_process.h: QEMU processes: starting one (daemonized), knowing whether
 * it still runs, stopping it, and what /proc and sysfs say about it.
 */
#ifndef QEMU_PROCESS_H
#define QEMU_PROCESS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* Runs argv (QEMU with -daemonize) with its output appended to logpath and
 * waits for the daemonizing parent to exit (QEMU exits it once the monitor
 * listens).  0, or -1 with an error quoting the end of the log. */
int qemu_process_spawn(char **argv, const char *logpath, int timeout_ms);

/* The pid in pidfile, or -1 (no error) when there is none. */
pid_t qemu_process_read_pid(const char *pidfile);

/* true when pid is a live QEMU started for the domain called name (a reused
 * pid belongs to someone else). */
bool qemu_process_alive(pid_t pid, const char *name);

/* SIGTERM, then SIGKILL after grace_ms; waits (bounded) until it is gone. */
int qemu_process_kill(pid_t pid, const char *name, int grace_ms);

/* Waits up to timeout_ms for pid to exit by itself. */
bool qemu_process_wait_gone(pid_t pid, const char *name, int timeout_ms);

/* CPU time of the whole process (utime+stime), in ns. */
uint64_t qemu_process_cpu_ns(pid_t pid);

/* CPU time of one thread (schedstat's first field), in ns. */
uint64_t qemu_process_thread_ns(pid_t pid, int tid);

/* Host-side counters of a tap device: *rx_* is what the host received (the
 * guest sent).  -1 (no error) when the device has none. */
int qemu_tap_counters(const char *dev, uint64_t *rx_bytes, uint64_t *rx_pkts, uint64_t *rx_errs,
                      uint64_t *rx_drop, uint64_t *tx_bytes, uint64_t *tx_pkts,
                      uint64_t *tx_errs, uint64_t *tx_drop);

/* The first existing executable called prog on PATH (or prog itself when it
 * has a '/'); NULL with an error naming it. */
char *qemu_find_binary(const char *prog);

#endif /* QEMU_PROCESS_H */
