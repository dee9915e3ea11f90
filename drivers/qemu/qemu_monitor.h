/*
 * qemu_monitor.h: a QMP client (json-c).  A QMP socket serves one client at
 * a time, so connections are short: open (greeting awaited with a timeout,
 * capabilities negotiated), a few commands, close.  Every exchange has a
 * timeout; asynchronous events are kept apart from replies, which are
 * matched by id.
 */
#ifndef QEMU_MONITOR_H
#define QEMU_MONITOR_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

struct qemu_monitor;

/* Connects to the QMP socket at path, awaits the greeting and negotiates
 * capabilities, each within timeout_ms.  NULL with an error (timeout,
 * connection-lost, protocol).  Close with qemu_monitor_close(). */
struct qemu_monitor *qemu_monitor_open(const char *path, int timeout_ms);

void qemu_monitor_close(struct qemu_monitor *mon);

/* Runs one command; args (may be NULL) is consumed.  On success *ret (if not
 * NULL) gets the "return" value (a new reference: json_object_put it).
 * QEMU's own refusal is operation-failed with its class and desc. */
int qemu_monitor_command(struct qemu_monitor *mon, const char *cmd, json_object *args,
                         json_object **ret);

/* Hands fd to QEMU under fdname (QMP getfd over SCM_RIGHTS), for an
 * "fd:FDNAME" migration: QEMU gets its own copy; the caller still closes
 * fd.  This is how a file reaches QEMU without a shell. */
int qemu_monitor_pass_fd(struct qemu_monitor *mon, int fd, const char *fdname);

/* What one line of QMP output is. */
enum qemu_msg_kind {
    QEMU_MSG_GREETING,
    QEMU_MSG_RETURN,
    QEMU_MSG_ERROR,
    QEMU_MSG_EVENT,
};

/* Parses one line from QEMU: *msg gets the object (new reference), *kind what
 * it is, *id the id it echoes (-1 when none or not ours).  -1 with a
 * protocol error for anything else. */
int qemu_monitor_parse_line(const char *line, size_t len, json_object **msg,
                            enum qemu_msg_kind *kind, long long *id);

/* Reply readers (pure: for the driver, the tests and the fuzzer). */

/* query-status -> libvirt state and reason (enum vm_domain_state). */
int qemu_monitor_read_status(json_object *ret, int *state, int *reason);

/* query-cpus-fast -> vCPU thread ids (caller frees *tids). */
int qemu_monitor_read_cpus(json_object *ret, int **tids, size_t *ntids);

/* query-balloon -> actual size in KiB. */
int qemu_monitor_read_balloon(json_object *ret, uint64_t *kib);

struct qemu_blockstat {
    char *device;           /* the format node, e.g. "drive-vda" */
    uint64_t rd_reqs, rd_bytes, wr_reqs, wr_bytes;
    /* VM_STAT_UNKNOWN when QEMU leaves them out */
    uint64_t flush_reqs, rd_total_ns, wr_total_ns, flush_total_ns;
};

/* query-blockstats -> per-drive counters (free with qemu_blockstats_free). */
int qemu_monitor_read_blockstats(json_object *ret, struct qemu_blockstat **stats, size_t *n);
void qemu_blockstats_free(struct qemu_blockstat *stats, size_t n);

/* query-migrate -> "completed" 1, "active"/"setup"/... 0, failed -1 (error). */
int qemu_monitor_read_migrate(json_object *ret);

#endif /* QEMU_MONITOR_H */
