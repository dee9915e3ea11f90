/*
 * qemu_look.c: finding out what a domain is doing, and setting right what
 * crashed or interrupted processes left behind.
 *
 * virtmon keeps no daemon for QEMU: every process looks for itself, under
 * the domain's lock.  The truth is QEMU's: a domain is active exactly when
 * its QEMU runs (qemu_process_find: the pidfile's lock holder, else the
 * process table), whatever the state file says.  So a look reconciles:
 *
 *   QEMU runs, state file says "starting"  the starter died before QEMU was
 *                                          up (we hold its lock): kill QEMU,
 *                                          the domain stays as it was
 *   QEMU runs, state file gone or garbled  QEMU is the domain: write it anew
 *   QEMU runs, monitor silent              last known state, unresponsive
 *   QEMU runs, state file says "saving"    the saver died: finish the save
 *                                          or undo it (qemu_start.c)
 *   QEMU runs, status "shutdown"           the guest powered off: quit it
 *                                          (or reset it for a reboot)
 *   no QEMU, stop record names this run    its stopper died before the
 *                                          cleanup: stopped, as recorded
 *   no QEMU, state file says running       it crashed
 *   no QEMU, state file says "starting"    the start was interrupted
 *   no QEMU, no state file                 shut off, as the stop record says
 *
 * Since a started QEMU holds the domain's lock (inherited) until it
 * executes, and its command line names the domain from then on, no crash
 * point of any virtmon process leaves a QEMU that a look cannot see.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "qemu_domain.h"
#include "qemu_tpm.h"
#include "util/vm_alloc.h"
#include "util/vm_error.h"
#include "util/vm_log.h"

void qemu_look_release(struct qemu_look *l)
{
    qemu_monitor_close(l->mon);
    vm_domain_def_free(l->def);
    free(l->pidfile);
    qemu_unlock(l->lock);
    memset(l, 0, sizeof(*l));
    l->lock = -1;
    l->pid = -1;
}

struct qemu_ident qemu_look_ident(const struct qemu_look *l)
{
    return (struct qemu_ident){l->uuid, l->pidfile};
}

void qemu_finish_stop(struct qemu_conn *p, struct qemu_look *l, int state, int reason)
{
    const char *name = l->def->name;

    /* the record before the cleanup: a stopper killed in between leaves a
     * record naming the run whose state file remains (look_stopped) */
    if (l->persistent) {
        qemu_stop_write(&p->dirs, name, state, reason, l->live.id);
        qemu_test_pause("stop-recorded");
    } else {
        VM_AUTOFREE char *stop = qemu_file(&p->dirs, QEMU_FILE_STOP, name, NULL);
        unlink(stop);
    }
    qemu_live_cleanup(&p->dirs, name, l->def->uuid);
    qemu_monitor_close(l->mon);
    l->mon = NULL;
    l->active = false;
    l->unresponsive = false;
    l->pid = -1;
    l->state = state;
    l->reason = reason;
}

int qemu_quit_and_finish(struct qemu_conn *p, struct qemu_look *l, int state, int reason)
{
    struct qemu_ident id = qemu_look_ident(l);

    if (l->mon)   /* QEMU may go before it answers */
        vm_optional_int(qemu_monitor_command(l->mon, "quit", NULL, NULL), "quit");
    qemu_monitor_close(l->mon);
    l->mon = NULL;
    if (!qemu_process_wait_gone(l->pid, &id, 5000) &&
        qemu_process_kill(l->pid, &id, DESTROY_GRACE_MS) < 0)
        return -1;
    qemu_finish_stop(p, l, state, reason);
    return 0;
}

int qemu_wait_status(struct qemu_monitor *mon, const char *want, int timeout_ms)
{
    for (int waited = 0; waited <= timeout_ms; waited += 50) {
        json_object *ret = NULL, *v;
        bool done;
        if (qemu_monitor_command(mon, "query-status", NULL, &ret) < 0)
            return -1;
        done = json_object_object_get_ex(ret, "status", &v) &&
               strcmp(json_object_get_string(v), want) == 0;
        json_object_put(ret);
        if (done)
            return 0;
        usleep(50000);
    }
    vm_report_error(VM_ERR_TIMEOUT, "QEMU did not reach status '%s' within %d ms", want,
                    timeout_ms);
    return -1;
}

/* Reads what the files say: persistence, the state file (*r as
 * qemu_live_read, garbled taken as -1 without an error), the definition
 * (the live one while it exists, else the persistent one). */
static int load(struct qemu_conn *p, const char *name, struct qemu_look *l, int *r)
{
    VM_AUTOFREE char *cfg = qemu_file(&p->dirs, QEMU_FILE_DEF, name, NULL);
    VM_AUTOFREE char *livexml = qemu_file(&p->dirs, QEMU_FILE_LIVE_DEF, name, NULL);

    l->persistent = qemu_file_exists(cfg);
    if ((*r = qemu_live_read(&p->dirs, name, &l->live)) < 0) {
        VM_WARN("domain '%s': %s; QEMU itself tells what runs", name, vm_error_message());
        vm_error_reset();
        memset(&l->live, 0, sizeof(l->live));
    }
    if (qemu_file_exists(livexml)) {
        if ((l->def = qemu_def_read(livexml)) || !l->persistent)
            goto got;
        VM_WARN("domain '%s': %s; using its persistent definition", name, vm_error_message());
        vm_error_reset();
    }
    if (!l->persistent) {
        if (*r == 0)
            return vm_report_no_domain(name, NULL, -1);
        vm_report_error(VM_ERR_NO_DOMAIN,
                        "transient domain '%s' has lost its definition ('%s' is missing)", name,
                        livexml);
        return -1;
    }
    if (!(l->def = qemu_def_read(cfg)))
        return -1;
got:
    vm_uuid_format(l->def->uuid, l->uuid);
    l->pidfile = qemu_file(&p->dirs, QEMU_FILE_PID, name, NULL);
    return 0;
}

/* The stop record of an inactive domain; a transient one is gone. */
static int settle_inactive(struct qemu_conn *p, const char *name, struct qemu_look *l)
{
    l->active = false;
    l->pid = -1;
    if (!l->persistent) {
        vm_report_error(VM_ERR_NO_DOMAIN, "transient domain '%s' is no longer running", name);
        return -1;
    }
    return qemu_stop_read(&p->dirs, name, &l->state, &l->reason, NULL) < 0 ? -1 : 0;
}

/* Whether the stop record ends the run the state file shows: its stopper
 * recorded the stop and died before the cleanup.  Run ids restart when the
 * runtime dir does (a reboot), so the record must also be no older than
 * the state file. */
static bool stop_recorded(struct qemu_conn *p, const char *name, const struct qemu_look *l)
{
    VM_AUTOFREE char *stop = qemu_file(&p->dirs, QEMU_FILE_STOP, name, NULL);
    VM_AUTOFREE char *live = qemu_file(&p->dirs, QEMU_FILE_STATE, name, NULL);
    struct stat st_stop, st_live;
    int run = -1, state, reason;

    if (!l->persistent || l->live.id < 0 || stat(stop, &st_stop) < 0 || stat(live, &st_live) < 0)
        return false;
    if (st_stop.st_mtim.tv_sec < st_live.st_mtim.tv_sec ||
        (st_stop.st_mtim.tv_sec == st_live.st_mtim.tv_sec &&
         st_stop.st_mtim.tv_nsec < st_live.st_mtim.tv_nsec))
        return false;
    if (vm_optional_int(qemu_stop_read(&p->dirs, name, &state, &reason, &run), "stop record") != 1)
        return false;
    return run == l->live.id;
}

/* No QEMU runs for the domain. */
static int look_stopped(struct qemu_conn *p, const char *name, struct qemu_look *l, int r)
{
    if (r == 1 && stop_recorded(p, name, l)) {
        qemu_live_cleanup(&p->dirs, name, l->def->uuid);
        return settle_inactive(p, name, l);
    }
    if (r == 1 && l->live.phase == QEMU_PHASE_SAVING) {
        /* the saver died after QEMU quit: a complete image (renamed from
         * .partial only once complete) is a managed save; without one,
         * QEMU died during the save */
        VM_AUTOFREE char *save = NULL;
        VM_AUTOFREE char *partial = NULL;
        qemu_save_files(p, l, &partial, &save);
        unlink(partial);
        if (qemu_file_exists(save)) {
            qemu_finish_stop(p, l, VM_DOMAIN_SHUTOFF, VM_SHUTOFF_SAVED);
            return 0;
        }
    }
    if (r == 1 && l->live.phase != QEMU_PHASE_STARTING) {
        /* gone without a record of stopping: it crashed */
        bool persistent = l->persistent;
        qemu_finish_stop(p, l, VM_DOMAIN_CRASHED, 0);
        if (!persistent) {
            vm_report_error(VM_ERR_NO_DOMAIN, "transient domain '%s' crashed and is gone", name);
            return -1;
        }
        return 0;
    }
    /* an interrupted start, a garbled state file, stale pidfile and socket:
     * nothing ran, the domain is as its stop record says */
    qemu_live_cleanup(&p->dirs, name, l->def->uuid);
    return settle_inactive(p, name, l);
}

/* The guest powered off (-no-shutdown kept QEMU for us). */
static int powered_off(struct qemu_conn *p, struct qemu_look *l)
{
    if (l->live.reboot) {
        l->live.reboot = false;
        l->live.start_reason = VM_RUNNING_BOOTED;
        if (qemu_monitor_command(l->mon, "system_reset", NULL, NULL) < 0 ||
            qemu_monitor_command(l->mon, "cont", NULL, NULL) < 0)
            return -1;
        l->state = VM_DOMAIN_RUNNING;
        l->reason = VM_RUNNING_BOOTED;
        return 0;
    }
    if (qemu_quit_and_finish(p, l, VM_DOMAIN_SHUTOFF, VM_SHUTOFF_SHUTDOWN) < 0)
        return -1;
    if (!l->persistent) {
        vm_report_error(VM_ERR_NO_DOMAIN, "transient domain '%s' shut down and is gone",
                        l->def->name);
        return -1;
    }
    return 0;
}

/* QEMU runs for the domain (l->pid). */
static int look_running(struct qemu_conn *p, const char *name, unsigned int flags,
                        struct qemu_look *l, int r)
{
    struct qemu_ident id = qemu_look_ident(l);
    VM_AUTOFREE char *qmp = qemu_file(&p->dirs, QEMU_FILE_QMP, name, l->def->uuid);
    json_object *ret = NULL;
    struct qemu_live before;

    l->active = true;
    if (r == 1 && l->live.phase == QEMU_PHASE_STARTING) {
        /* We hold the lock its starter held: the starter died before QEMU
         * was up.  Half a start is undone, so the domain is as it was. */
        VM_WARN("domain '%s': its start was interrupted; stopping the QEMU it left (pid %d)",
                name, (int)l->pid);
        if (qemu_process_kill(l->pid, &id, 0) < 0)
            return -1;
        qemu_live_cleanup(&p->dirs, name, l->def->uuid);
        return settle_inactive(p, name, l);
    }
    if (r != 1) {
        /* the state file is gone or garbled under a running QEMU: QEMU is
         * the domain, so it is recorded anew */
        VM_WARN("domain '%s': its state file was lost while QEMU (pid %d) runs; recorded anew",
                name, (int)l->pid);
        l->live = (struct qemu_live){.transient = !l->persistent,
                                     .start_reason = VM_RUNNING_UNKNOWN,
                                     .phase = QEMU_PHASE_RUNNING,
                                     .state = VM_DOMAIN_RUNNING,
                                     .reason = VM_RUNNING_UNKNOWN};
        if ((l->live.id = qemu_next_id(&p->dirs)) < 0 ||
            qemu_live_write(&p->dirs, name, &l->live) < 0)
            return -1;
    }
    before = l->live;
    l->state = l->live.state;
    l->reason = l->live.reason;
    if (!(flags & QEMU_LOOK_MONITOR))
        return 0;
    if (!(l->mon = qemu_monitor_open(qmp, QMP_TIMEOUT_MS)) ||
        qemu_monitor_command(l->mon, "query-status", NULL, &ret) < 0 ||
        qemu_monitor_read_status(ret, &l->state, &l->reason) < 0) {
        json_object_put(ret);
        qemu_monitor_close(l->mon);
        l->mon = NULL;
        /* QEMU may have died under us: that is a crash, not an error */
        if (!qemu_process_is(l->pid, &id)) {
            vm_error_reset();
            return look_stopped(p, name, l, 1);
        }
        /* alive and silent (stopped, hung, its socket deleted): it keeps
         * its place with what was last known */
        VM_DEBUG("domain '%s': monitor not responding: %s", name, vm_error_message());
        vm_error_reset();
        l->unresponsive = true;
        l->state = l->live.state;
        l->reason = l->live.reason;
        return 0;
    }
    json_object_put(ret);
    /* a guest whose TPM emulator died runs on without its TPM: said, not
     * left for the guest to find out */
    if (qemu_tpm_expected(&p->dirs, name) && !qemu_tpm_alive(&p->dirs, name, l->def->uuid)) {
        l->tpm_gone = true;
        VM_WARN("domain '%s': its TPM emulator (swtpm) is not running", name);
    }
    if (l->state == VM_DOMAIN_RUNNING)
        l->reason = l->live.start_reason;
    /* started paused on request (-S: QEMU says prelaunch) */
    if (l->state == VM_DOMAIN_PAUSED && l->reason == VM_PAUSED_UNKNOWN && l->live.start_paused)
        l->reason = VM_PAUSED_USER;
    if (l->live.phase == QEMU_PHASE_SAVING)
        return qemu_save_reconcile(p, l);
    if (l->state == VM_DOMAIN_SHUTDOWN && powered_off(p, l) < 0)
        return -1;
    if (!l->active)
        return 0;
    l->live.state = l->state;
    l->live.reason = l->reason;
    if (memcmp(&before, &l->live, sizeof(before)) != 0 &&
        qemu_live_write(&p->dirs, name, &l->live) < 0)
        return -1;
    return 0;
}

/* A bulk look at a domain another process holds: what its files say,
 * touching nothing. */
static int look_busy(struct qemu_conn *p, const char *name, const struct qemu_proc_table *procs,
                     struct qemu_look *l)
{
    int r;
    struct qemu_ident id;

    if (load(p, name, l, &r) < 0)
        return -1;
    id = qemu_look_ident(l);
    l->pid = qemu_process_find(&id, procs);
    l->active = l->pid > 0;
    l->unresponsive = true;
    if (l->active) {
        l->state = r == 1 ? l->live.state : VM_DOMAIN_RUNNING;
        l->reason = r == 1 ? l->live.reason : VM_RUNNING_UNKNOWN;
        if (r != 1)
            l->live.id = -1;
        return 0;
    }
    if (!l->persistent)
        return vm_report_no_domain(name, NULL, -1);
    return qemu_stop_read(&p->dirs, name, &l->state, &l->reason, NULL) < 0 ? -1 : 0;
}

int qemu_look(struct qemu_conn *p, const char *name, unsigned int flags,
              const struct qemu_proc_table *procs, struct qemu_look *l)
{
    int r;
    struct qemu_ident id;

    memset(l, 0, sizeof(*l));
    l->lock = -1;
    l->pid = -1;
    if (qemu_check_name(name) < 0)
        return -1;
    {
        VM_AUTOFREE char *cfg = qemu_file(&p->dirs, QEMU_FILE_DEF, name, NULL);
        VM_AUTOFREE char *state = qemu_file(&p->dirs, QEMU_FILE_STATE, name, NULL);
        VM_AUTOFREE char *livexml = qemu_file(&p->dirs, QEMU_FILE_LIVE_DEF, name, NULL);
        if (!qemu_file_exists(cfg) && !qemu_file_exists(state) && !qemu_file_exists(livexml))
            return vm_report_no_domain(name, NULL, -1);
    }
    if ((l->lock = qemu_lock(&p->dirs, name,
                             flags & QEMU_LOOK_BULK ? QMP_TIMEOUT_MS : LOCK_TIMEOUT_MS)) < 0) {
        if (!(flags & QEMU_LOOK_BULK) || vm_error_code() != VM_ERR_TIMEOUT)
            return -1;
        vm_error_reset();
        if (look_busy(p, name, procs, l) < 0)
            goto error;
        return 0;
    }
    /* what the files say, read under the lock */
    if (load(p, name, l, &r) < 0)
        goto error;
    id = qemu_look_ident(l);
    l->pid = qemu_process_find(&id, procs);
    if ((l->pid > 0 ? look_running(p, name, flags, l, r) : look_stopped(p, name, l, r)) < 0)
        goto error;
    return 0;
error:
    qemu_look_release(l);
    return -1;
}

/* ------------------------------------------------------------- listings */

/* Up to this many domains are looked at at once; more threads would only
 * contend for the two cores of a small host, fewer would let hung monitors
 * add up. */
#define LOOK_THREADS 64

struct each {
    struct vm_connect *conn;
    struct qemu_conn *p;
    char **names;
    size_t n;
    unsigned int list_flags;
    qemu_gather_fn gather;
    void *opaque;
    const struct qemu_proc_table *procs;
    void **results;
    atomic_size_t next;
};

static void gather_one(struct each *e, size_t i)
{
    unsigned int both = VM_LIST_ACTIVE | VM_LIST_INACTIVE;
    bool want_active = (e->list_flags & both) == 0 || (e->list_flags & VM_LIST_ACTIVE);
    bool want_inactive = (e->list_flags & both) == 0 || (e->list_flags & VM_LIST_INACTIVE);
    struct qemu_look l;
    const char *why;

    if (qemu_look(e->p, e->names[i], QEMU_LOOK_MONITOR | QEMU_LOOK_BULK, e->procs, &l) < 0) {
        /* vanished (undefined, transient stopped) since it was listed is
         * no news; anything else is said, never silently left out */
        if (vm_error_code() != VM_ERR_NO_DOMAIN)
            VM_WARN("domain '%s' left out: %s", e->names[i], vm_error_message());
        vm_error_reset();
        return;
    }
    if (l.def && vm_domain_def_check_limits(l.def, &why) < 0)
        VM_WARN("domain '%s' breaks a rule virtmon now enforces (%s): it can be destroyed "
                "and undefined, and defined again as the rules allow",
                l.def->name, why);
    if (l.active ? want_active : want_inactive)
        e->results[i] = e->gather(e->conn, e->p, &l, e->opaque);
    qemu_look_release(&l);
}

static void *worker(void *opaque)
{
    struct each *e = opaque;
    size_t i;

    while ((i = atomic_fetch_add(&e->next, 1)) < e->n)
        gather_one(e, i);
    return NULL;
}

size_t qemu_for_each_domain(struct vm_connect *conn, unsigned int list_flags,
                            qemu_gather_fn gather, void *opaque, void ***out)
{
    struct each e = {conn, conn->priv, NULL, 0, list_flags, gather, opaque, NULL, NULL, 0};
    struct qemu_proc_table *procs;
    pthread_t threads[LOOK_THREADS];
    size_t nthreads = 0, k = 0;

    qemu_names(&e.p->dirs, &e.names, &e.n);
    procs = qemu_proc_scan();
    e.procs = procs;
    VM_NEW_N(e.results, e.n ? e.n : 1);
    atomic_init(&e.next, 0);
    while (nthreads < LOOK_THREADS && nthreads + 1 < e.n &&
           pthread_create(&threads[nthreads], NULL, worker, &e) == 0)
        nthreads++;
    worker(&e);    /* this thread works too, and alone when threads fail */
    for (size_t t = 0; t < nthreads; t++)
        pthread_join(threads[t], NULL);
    for (size_t i = 0; i < e.n; i++) {
        if (e.results[i])
            e.results[k++] = e.results[i];
    }
    qemu_proc_table_free(procs);
    qemu_names_free(e.names, e.n);
    *out = e.results;
    return k;
}
