/*
 * qemu_process.h: QEMU processes: starting one (in its own session, owned by
 * init), knowing which process is a domain's QEMU, stopping it, and what
 * /proc and sysfs say about it.
 *
 * A domain's QEMU is identified by what QEMU itself guarantees, not by files
 * that virtmon writes: QEMU locks its -pidfile from its first moment until it
 * exits, and its command line carries the domain's UUID and that pidfile's
 * path.  A deleted or garbled pidfile, a killed CLI, a reused pid: none of
 * them can make another process pass for the domain's QEMU, or hide it.
 */
#ifndef QEMU_PROCESS_H
#define QEMU_PROCESS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* What a domain's QEMU has on its command line. */
struct qemu_ident {
    const char *uuid;       /* "-uuid UUID" */
    const char *pidfile;    /* "-pidfile PATH" */
};

/* Starts exe with argv (argv[0] is only a name) in a new session, with its
 * output in logpath; *pid gets QEMU's pid.  Returns once QEMU runs, not once
 * it is ready.  keep_fds (nkeep of them, -1 skipped) stay open in QEMU;
 * every other descriptor of ours is close-on-exec.  -1 with an error. */
int qemu_process_spawn(const char *exe, char **argv, const char *logpath, const int *keep_fds,
                       size_t nkeep, pid_t *pid);

/* The last lines of QEMU's log (caller frees), for error messages. */
char *qemu_process_log_tail(const char *logpath);

/* The pid written in pidfile, or -1 (no error) when there is none. */
pid_t qemu_process_read_pid(const char *pidfile);

/* true when pid is alive and not a zombie (whatever it runs: a QEMU just
 * spawned may not have executed yet). */
bool qemu_process_exists(pid_t pid);

/* true when pid is alive (not a zombie), ours, and the QEMU of id. */
bool qemu_process_is(pid_t pid, const struct qemu_ident *id);

/* A snapshot of the processes that may be QEMUs of domains, so that a
 * listing of many domains reads /proc once.  Free with
 * qemu_proc_table_free(). */
struct qemu_proc_table;
struct qemu_proc_table *qemu_proc_scan(void);
void qemu_proc_table_free(struct qemu_proc_table *table);

/* The pid of id's QEMU, or -1 when none runs: the holder of the pidfile's
 * lock, else (pidfile gone or replaced) the process whose command line
 * names the UUID and pidfile, looked up in table (NULL: a fresh scan). */
pid_t qemu_process_find(const struct qemu_ident *id, const struct qemu_proc_table *table);

/* SIGTERM (and SIGCONT, so that a stopped QEMU handles it), then SIGKILL
 * after grace_ms; waits (bounded) until it is gone.  Needs no monitor. */
int qemu_process_kill(pid_t pid, const struct qemu_ident *id, int grace_ms);

/* Waits up to timeout_ms for id's QEMU (pid) to exit by itself. */
bool qemu_process_wait_gone(pid_t pid, const struct qemu_ident *id, int timeout_ms);

/* Runs argv (argv[0] an absolute path, no shell) and returns at most max
 * bytes of its standard output (caller frees); NULL with an error when it
 * fails or runs past timeout_ms (it is killed). */
char *qemu_process_output(char **argv, size_t max, int timeout_ms);

/* CPU time of the whole process (utime+stime), in ns. */
uint64_t qemu_process_cpu_ns(pid_t pid);

/* CPU time of one thread (schedstat's first field), in ns. */
uint64_t qemu_process_thread_ns(pid_t pid, int tid);

/* Asks the identified process to stop (SIGTERM) and waits up to
 * timeout_ms, never killing it: 0 when it is gone, -1 (error) when not. */
int qemu_process_term(pid_t pid, const struct qemu_ident *id, int timeout_ms);

/* The host CPU a thread of pid last ran on; -1 when unknown. */
int qemu_process_thread_cpu(pid_t pid, int tid);

/* The host CPUs thread tid may run on, into map (ncpus bits, zeroed
 * first); -1 when the kernel does not say. */
int qemu_process_thread_affinity(int tid, unsigned char *map, unsigned int ncpus);

/* pid's resident memory in KiB; VM_STAT_UNKNOWN when unknown. */
uint64_t qemu_process_rss_kib(pid_t pid);

/* Host-side counters of a tap device: *rx_* is what the host received (the
 * guest sent).  -1 (no error) when the device has none. */
int qemu_tap_counters(const char *dev, uint64_t *rx_bytes, uint64_t *rx_pkts, uint64_t *rx_errs,
                      uint64_t *rx_drop, uint64_t *tx_bytes, uint64_t *tx_pkts,
                      uint64_t *tx_errs, uint64_t *tx_drop);

/* The first existing executable called prog on PATH (or prog itself when it
 * has a '/'); NULL with an error naming it. */
char *qemu_find_binary(const char *prog);

/* The first TCP port from first up that binds on the numeric address addr
 * now (a display's port; QEMU binds it a moment later).  -1 with an error
 * when addr is not an address or no port is free. */
int qemu_free_tcp_port(const char *addr, int first);

#endif /* QEMU_PROCESS_H */
