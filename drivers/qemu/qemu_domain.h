/*
 * qemu_domain.h: inside the QEMU driver: the connection, and one look at a
 * domain (qemu_look.c), which is where every operation starts.
 */
#ifndef QEMU_DOMAIN_H
#define QEMU_DOMAIN_H

#include <stdbool.h>
#include <sys/types.h>

#include "qemu_conf.h"
#include "qemu_monitor.h"
#include "qemu_process.h"
#include "qemu_state.h"
#include "vm_driver.h"

#define QMP_TIMEOUT_MS 5000     /* the monitor's greeting, and each exchange */
#define LOCK_TIMEOUT_MS 30000   /* another process's operation on the domain */
#define START_TIMEOUT_MS 30000  /* QEMU started until its monitor answers */
#define DESTROY_GRACE_MS 3000   /* SIGTERM until SIGKILL */
#define DESTROY_GRACEFUL_MS 10000 /* destroy --graceful: SIGTERM, no SIGKILL */
#define SAVE_TIMEOUT_MS 120000  /* a managed save or restore */

struct qemu_conn {
    struct qemu_dirs dirs;
    struct qemu_conf conf;
    bool system;
    unsigned long long version;    /* QEMU's, 0 until asked */
};

enum qemu_look_flags {
    /* ask QEMU (query-status) and keep the monitor open */
    QEMU_LOOK_MONITOR = 1 << 0,
    /* one of many in a listing: a domain whose lock stays busy past
     * QMP_TIMEOUT_MS is shown as last recorded, unresponsive, untouched */
    QEMU_LOOK_BULK = 1 << 1,
};

/* One look at a domain, taken under its lock. */
struct qemu_look {
    int lock;                      /* -1 for a bulk look at a busy domain */
    struct vm_domain_def *def;     /* live definition when active, else persistent */
    bool persistent;
    bool active;
    bool unresponsive;             /* its monitor did not answer: state is the last known */
    bool tpm_gone;                 /* it was started with a TPM whose swtpm is gone */
    struct qemu_live live;
    pid_t pid;                     /* its QEMU, -1 when inactive */
    int state, reason;
    struct qemu_monitor *mon;      /* open when asked for and answering */
    char uuid[VM_UUID_STRING_BUFLEN];
    char *pidfile;
};

/* Locks the domain called name and finds out what it is doing now, setting
 * right what crashed or interrupted processes left (see qemu_look.c).
 * procs (may be NULL) is a process table shared by a listing.  0 with *l
 * filled (release with qemu_look_release), -1 with an error (no-domain when
 * there is no such domain). */
int qemu_look(struct qemu_conn *p, const char *name, unsigned int flags,
              const struct qemu_proc_table *procs, struct qemu_look *l);
void qemu_look_release(struct qemu_look *l);

/* What identifies the looked-at domain's QEMU. */
struct qemu_ident qemu_look_ident(const struct qemu_look *l);

/* Records that the looked-at domain stopped (state, reason) and removes its
 * live files; a transient domain leaves nothing. */
void qemu_finish_stop(struct qemu_conn *p, struct qemu_look *l, int state, int reason);

/* Test-only: VIRTMON_TEST_QEMU_PAUSE=POINT:MS sleeps MS ms at a named
 * point ("recorded", "spawned", "up", "saving", "stop-recorded"), so that
 * tests can kill a start, save or stop exactly there.  Unset in
 * production; the tests also kill at random delays. */
void qemu_test_pause(const char *point);

/* Tells QEMU to quit (when the monitor is open), makes sure it is gone,
 * then qemu_finish_stop(). */
int qemu_quit_and_finish(struct qemu_conn *p, struct qemu_look *l, int state, int reason);

/* Calls gather(conn, p, look, opaque) for every domain (active ones when
 * VM_LIST_ACTIVE, inactive with VM_LIST_INACTIVE, all when neither), in
 * parallel with a monitor each, so that hung monitors cost one timeout in
 * all.  The non-NULL results, in name order, go to a new array *out (free
 * the array; the results are the caller's).  Returns how many. */
typedef void *(*qemu_gather_fn)(struct vm_connect *conn, struct qemu_conn *p,
                                struct qemu_look *l, void *opaque);
size_t qemu_for_each_domain(struct vm_connect *conn, unsigned int list_flags,
                            qemu_gather_fn gather, void *opaque, void ***out);

/* Waits (bounded) until QEMU reports status want. */
int qemu_wait_status(struct qemu_monitor *mon, const char *want, int timeout_ms);

/* How a start goes beyond booting def. */
struct qemu_start_opts {
    bool paused;            /* its vCPUs stay paused (-S) until resume */
    const char *image;      /* a vm_domain_save() file to restore (NULL: the managed
                             * save, when there is one) */
    long long image_offset; /* where the image's migration stream starts */
};

/* qemu_start.c: starts def as the domain (lock held, domain inactive);
 * opts may be NULL. */
int qemu_start_process(struct qemu_conn *p, const struct vm_domain_def *def, bool transient,
                       const struct qemu_start_opts *opts, int *id, int *reason);

/* vm_domain_save() of the looked-at running domain (monitor open) to the
 * caller's file path (a header with its definition, then QEMU's
 * migration stream), then stops it. */
int qemu_save_to_file(struct qemu_conn *p, struct qemu_look *l, const char *path);

/* Reads a vm_domain_save() file's header: its definition (caller frees),
 * where the stream starts and whether it was saved paused.  NULL with an
 * error. */
struct vm_domain_def *qemu_save_file_read(const char *path, long long *offset, bool *paused);

/* qemu_start.c: the managed save of a looked-at running domain. */
int qemu_save_process(struct qemu_conn *p, struct qemu_look *l);

/* The image a save of the looked-at domain writes (partial until
 * complete) and what it becomes: the caller's file for vm_domain_save(),
 * else the managed save.  Caller frees both. */
void qemu_save_files(struct qemu_conn *p, const struct qemu_look *l, char **partial,
                     char **final);

/* qemu_start.c: finishes or undoes a managed save whose process died
 * (looked at with the monitor, phase saving). */
int qemu_save_reconcile(struct qemu_conn *p, struct qemu_look *l);

/* qemu_stats.c: the figures of a looked-at domain (one QMP session). */
struct vm_domain_stats *qemu_stats_of(struct qemu_conn *p, struct qemu_look *l);

/* The looked-at domain's vCPU count: of def (its definition, live or
 * persistent), or, for the live current count, what its QEMU runs (its
 * monitor open).  -1 with an error. */
int qemu_vcpu_count_of(struct qemu_look *l, const struct vm_domain_def *def, bool live,
                       bool maximum);

/* Where the looked-at domain's vCPUs run (monitor open when active), or
 * its definition's pinning when off.  NULL with an error. */
struct vm_vcpu_list *qemu_vcpus_of(struct qemu_look *l);

/* The sides the affect flags name for the looked-at domain
 * (vm_domain_affected()); a live side whose monitor does not answer is a
 * timeout error.  0 with *live and *config, -1 with the error. */
int qemu_affected_sides(const struct qemu_look *l, unsigned int flags, bool *live, bool *config);

/* The looked-at domain's definition for the next boot (its file when it
 * runs, else what the look read), a copy the caller frees; NULL with an
 * error. */
struct vm_domain_def *qemu_config_def(struct qemu_conn *p, const struct qemu_look *l);

/* vm_domain_set_memory() and vm_domain_set_vcpus() of the looked-at domain
 * (monitor open when active): the balloon and vCPU hotplug live, the
 * definition file for the next boot.  -1 with an error. */
int qemu_set_memory(struct qemu_conn *p, struct qemu_look *l, uint64_t kib, unsigned int flags);
int qemu_set_vcpus(struct qemu_conn *p, struct qemu_look *l, unsigned int count,
                   unsigned int flags);

/* The looked-at domain's serial console pty (dev: an alias such as
 * "serial0", NULL for the first), opened and locked; -1 with an error
 * (operation-invalid when another session holds it). */
int qemu_open_console(struct qemu_look *l, const char *dev);

/* Up to nr memory statistics of the looked-at running domain (monitor
 * open); how many, or -1 with an error. */
int qemu_memory_stats_of(struct qemu_look *l, struct vm_memory_stat *stats, unsigned int nr);

/* qemu_stats.c: the driver's bulk stats call. */
int qemu_get_all_stats(struct vm_connect *conn, struct vm_domain_stats ***stats,
                       unsigned int flags);

#endif /* QEMU_DOMAIN_H */
