/*
 * qemu_driver.c: the QEMU/KVM driver (qemu:///system, qemu:///session).
 *
 * Stateless per process: every operation reads the domain's files under its
 * lock (qemu_state.h) and, for an active domain, asks QEMU over a short QMP
 * connection.  Nothing holds the monitor between operations: QEMU runs with
 * -no-shutdown, so a guest that powered off leaves QEMU in status
 * "shutdown", which the next look notices (and finishes: quit, or reset
 * when a reboot was asked for).  A QEMU that is gone without a record
 * crashed.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "qemu_command.h"
#include "qemu_monitor.h"
#include "qemu_process.h"
#include "qemu_state.h"
#include "util/vm_alloc.h"
#include "util/vm_error.h"
#include "util/vm_file.h"
#include "util/vm_host.h"
#include "vm_driver.h"

#define QMP_TIMEOUT_MS 5000
#define LOCK_TIMEOUT_MS 30000
#define START_TIMEOUT_MS 30000
#define DESTROY_GRACE_MS 3000
#define SAVE_TIMEOUT_MS 120000

struct qemu_conn {
    struct qemu_dirs dirs;
    bool system;
    unsigned long long version;    /* QEMU's, 0 until asked */
};

/* One look at a domain, taken under its lock. */
struct qemu_look {
    int lock;
    struct vm_domain_def *def;     /* live definition when active, else persistent */
    bool persistent;
    bool active;
    struct qemu_live live;
    pid_t pid;
    int state, reason;
    struct qemu_monitor *mon;      /* open while active */
};

static void look_release(struct qemu_look *l)
{
    qemu_monitor_close(l->mon);
    vm_domain_def_free(l->def);
    qemu_unlock(l->lock);
    memset(l, 0, sizeof(*l));
    l->lock = -1;
}

static char *run_path(struct qemu_conn *p, const char *name, const char *ext)
{
    return qemu_path(p->dirs.run, name, ext);
}

/* Finishes a domain whose QEMU is gone or has quit: removes its live files
 * and records how it stopped (a transient domain leaves nothing). */
static void finish_stop(struct qemu_conn *p, struct qemu_look *l, int state, int reason)
{
    const char *name = l->def->name;

    qemu_live_cleanup(&p->dirs, name);
    if (l->persistent) {
        qemu_stop_write(&p->dirs, name, state, reason);
    } else {
        VM_AUTOFREE char *stop = run_path(p, name, "stop");
        unlink(stop);
    }
    qemu_monitor_close(l->mon);
    l->mon = NULL;
    l->active = false;
    l->pid = -1;
    l->state = state;
    l->reason = reason;
}

/* Tells QEMU to quit and waits for it, then finishes the domain. */
static int quit_and_finish(struct qemu_conn *p, struct qemu_look *l, int state, int reason)
{
    if (l->mon)
        qemu_monitor_command(l->mon, "quit", NULL, NULL);
    vm_error_reset();
    qemu_monitor_close(l->mon);
    l->mon = NULL;
    if (!qemu_process_wait_gone(l->pid, l->def->name, 5000) &&
        qemu_process_kill(l->pid, l->def->name, DESTROY_GRACE_MS) < 0)
        return -1;
    finish_stop(p, l, state, reason);
    return 0;
}

/* Locks the domain called name and finds out what it is doing now.  0 with
 * *l filled (release with look_release), -1 with an error (no-domain when
 * there is no such domain). */
static int look(struct qemu_conn *p, const char *name, struct qemu_look *l)
{
    VM_AUTOFREE char *cfg = NULL;
    VM_AUTOFREE char *livexml = NULL;
    VM_AUTOFREE char *pidfile = NULL;
    VM_AUTOFREE char *qmp = NULL;
    json_object *ret = NULL;
    int r;

    memset(l, 0, sizeof(*l));
    l->lock = -1;
    l->pid = -1;
    if (qemu_check_name(name) < 0)
        return -1;
    cfg = qemu_path(p->dirs.cfg, name, "xml");
    l->persistent = qemu_file_exists(cfg);
    if ((r = qemu_live_read(&p->dirs, name, &l->live)) < 0)
        return -1;
    if (!l->persistent && r == 0) {
        vm_report_error(VM_ERR_NO_DOMAIN, "no domain with name '%s'", name);
        return -1;
    }
    if ((l->lock = qemu_lock(&p->dirs, name, LOCK_TIMEOUT_MS)) < 0)
        return -1;
    /* read again under the lock: another process may have changed it */
    l->persistent = qemu_file_exists(cfg);
    if ((r = qemu_live_read(&p->dirs, name, &l->live)) < 0)
        goto error;
    livexml = run_path(p, name, "xml");
    if (r == 1 && qemu_file_exists(livexml))
        l->def = qemu_def_read(livexml);
    else if (l->persistent)
        l->def = qemu_def_read(cfg);
    else {
        vm_report_error(VM_ERR_NO_DOMAIN, "no domain with name '%s'", name);
        goto error;
    }
    if (!l->def)
        goto error;

    pidfile = run_path(p, name, "pid");
    qmp = run_path(p, name, "qmp");
    if (r == 0) {
        /* inactive: clean what a crashed QEMU may have left */
        if (qemu_file_exists(pidfile) || qemu_file_exists(qmp)) {
            pid_t stale = qemu_process_read_pid(pidfile);
            if (!qemu_process_alive(stale, name)) {
                unlink(pidfile);
                unlink(qmp);
            }
        }
        if (qemu_stop_read(&p->dirs, name, &l->state, &l->reason) < 0)
            goto error;
        return 0;
    }

    l->active = true;
    l->pid = qemu_process_read_pid(pidfile);
    if (!qemu_process_alive(l->pid, name)) {
        /* gone without a record of stopping: it crashed */
        finish_stop(p, l, VM_DOMAIN_CRASHED, 0);
        if (!l->persistent) {
            vm_report_error(VM_ERR_NO_DOMAIN, "transient domain '%s' crashed and is gone", name);
            goto error;
        }
        return 0;
    }
    if (!(l->mon = qemu_monitor_open(qmp, QMP_TIMEOUT_MS)) ||
        qemu_monitor_command(l->mon, "query-status", NULL, &ret) < 0 ||
        qemu_monitor_read_status(ret, &l->state, &l->reason) < 0) {
        json_object_put(ret);
        /* QEMU may have died under us: that is a crash, not an error */
        if (!qemu_process_alive(l->pid, name)) {
            vm_error_reset();
            finish_stop(p, l, VM_DOMAIN_CRASHED, 0);
            if (!l->persistent) {
                vm_report_error(VM_ERR_NO_DOMAIN, "transient domain '%s' crashed and is gone",
                                name);
                goto error;
            }
            return 0;
        }
        goto error;
    }
    json_object_put(ret);
    if (l->state == VM_DOMAIN_RUNNING)
        l->reason = l->live.start_reason;
    if (l->state == VM_DOMAIN_SHUTDOWN) {
        /* the guest powered off (-no-shutdown kept QEMU for us) */
        if (l->live.reboot) {
            l->live.reboot = false;
            l->live.start_reason = VM_RUNNING_BOOTED;
            if (qemu_monitor_command(l->mon, "system_reset", NULL, NULL) < 0 ||
                qemu_monitor_command(l->mon, "cont", NULL, NULL) < 0 ||
                qemu_live_write(&p->dirs, name, &l->live) < 0)
                goto error;
            l->state = VM_DOMAIN_RUNNING;
            l->reason = l->live.start_reason = VM_RUNNING_BOOTED;
        } else if (quit_and_finish(p, l, VM_DOMAIN_SHUTOFF, VM_SHUTOFF_SHUTDOWN) < 0) {
            goto error;
        } else if (!l->persistent) {
            vm_report_error(VM_ERR_NO_DOMAIN, "transient domain '%s' shut down and is gone",
                            name);
            goto error;
        }
    }
    return 0;
error:
    look_release(l);
    return -1;
}

static struct qemu_conn *priv_of(struct vm_connect *conn)
{
    return conn->priv;
}

static enum vm_drv_open_result qemu_open(struct vm_connect *conn, const struct vm_uri *uri,
                                         unsigned int flags)
{
    struct qemu_conn *p;
    bool system;

    if (strcmp(uri->driver, "qemu") != 0 || uri->transport)
        return VM_DRV_OPEN_DECLINED;
    VM_CHECK_FLAGS(flags, VM_CONNECT_RO, VM_DRV_OPEN_ERROR);
    if (uri->host) {
        vm_report_error(VM_ERR_INVALID_URI,
                        "qemu:// URIs are local: '%s' names a host (use qemu+tls:// or "
                        "qemu+ssh:// through virtmond)",
                        uri->host);
        return VM_DRV_OPEN_ERROR;
    }
    if (vm_uri_check_params(uri, 0) < 0)
        return VM_DRV_OPEN_ERROR;
    if (strcmp(uri->path, "/system") == 0)
        system = true;
    else if (strcmp(uri->path, "/session") == 0)
        system = false;
    else {
        vm_report_error(VM_ERR_INVALID_URI,
                        "unknown QEMU URI path '%s' (expected qemu:///system or qemu:///session)",
                        uri->path);
        return VM_DRV_OPEN_ERROR;
    }
    VM_NEW(p);
    p->system = system;
    if (qemu_dirs_init(&p->dirs, system) < 0) {
        free(p);
        return VM_DRV_OPEN_ERROR;
    }
    conn->priv = p;
    return VM_DRV_OPEN_SUCCESS;
}

static int qemu_close(struct vm_connect *conn)
{
    struct qemu_conn *p = conn->priv;

    if (p) {
        qemu_dirs_clear(&p->dirs);
        free(p);
    }
    return 0;
}

static int qemu_get_version(struct vm_connect *conn, unsigned long long *version,
                            unsigned int flags)
{
    struct qemu_conn *p = priv_of(conn);
    struct vm_domain_def probe = {.os_arch = NULL};
    VM_AUTOFREE char *emu = NULL;
    VM_AUTOFREE char *cmd = NULL;
    char line[256] = "";
    unsigned int a, b, c;
    FILE *f;

    VM_CHECK_FLAGS(flags, 0, -1);
    if (!p->version) {
        emu = qemu_emulator(&probe);
        cmd = vm_asprintf("%s --version 2>/dev/null", emu);
        if (!(f = popen(cmd, "r"))) {
            vm_report_system_error(errno, "cannot run '%s --version'", emu);
            return -1;
        }
        if (!fgets(line, sizeof(line), f))
            line[0] = '\0';
        pclose(f);
        if (sscanf(line, "QEMU emulator version %u.%u.%u", &a, &b, &c) != 3) {
            vm_report_error(VM_ERR_OPERATION_FAILED, "cannot tell the version of '%s'", emu);
            return -1;
        }
        p->version = a * 1000000ULL + b * 1000ULL + c;
    }
    *version = p->version;
    return 0;
}

static char *qemu_get_hostname(struct vm_connect *conn, unsigned int flags)
{
    VM_CHECK_FLAGS(flags, 0, NULL);
    return vm_host_name();
}

static int qemu_is_alive(struct vm_connect *conn)
{
    return 1;
}

static int qemu_node_info(struct vm_connect *conn, struct vm_node_info *info, unsigned int flags)
{
    VM_CHECK_FLAGS(flags, 0, -1);
    return vm_host_node_info(info);
}

static struct vm_domain *handle_of(struct vm_connect *conn, const struct qemu_look *l)
{
    return vm_domain_new(conn, l->def->name, l->def->uuid, l->active ? l->live.id : -1);
}

/* Every domain, looked at (with its lock held only while looking). */
static int for_each_domain(struct vm_connect *conn, unsigned int flags,
                           void (*fn)(struct vm_connect *, struct qemu_look *, void *),
                           void *opaque)
{
    struct qemu_conn *p = priv_of(conn);
    char **names;
    size_t n;
    unsigned int both = VM_LIST_ACTIVE | VM_LIST_INACTIVE;
    bool want_active = (flags & both) == 0 || (flags & VM_LIST_ACTIVE);
    bool want_inactive = (flags & both) == 0 || (flags & VM_LIST_INACTIVE);

    qemu_names(&p->dirs, &names, &n);
    for (size_t i = 0; i < n; i++) {
        struct qemu_look l;
        if (look(p, names[i], &l) < 0) {
            /* vanished (undefined, transient stopped) since we listed it */
            vm_error_reset();
            continue;
        }
        if (l.active ? want_active : want_inactive)
            fn(conn, &l, opaque);
        look_release(&l);
    }
    qemu_names_free(names, n);
    return 0;
}

struct dom_list {
    struct vm_domain **doms;
    size_t n, alloc;
};

static void collect_handle(struct vm_connect *conn, struct qemu_look *l, void *opaque)
{
    struct dom_list *list = opaque;

    VM_GROW(list->doms, list->n, list->alloc);
    list->doms[list->n - 1] = handle_of(conn, l);
}

static int qemu_list_domains(struct vm_connect *conn, struct vm_domain ***domains,
                             unsigned int flags)
{
    struct dom_list list = {0};

    VM_CHECK_FLAGS(flags, VM_LIST_ACTIVE | VM_LIST_INACTIVE, -1);
    for_each_domain(conn, flags, collect_handle, &list);
    if (!list.doms)
        VM_NEW_N(list.doms, 1);
    *domains = list.doms;
    return (int)list.n;
}

/* Figures of a looked-at domain; for an active one, one QMP session. */
static struct vm_domain_stats *stats_of(struct qemu_conn *p, struct qemu_look *l)
{
    struct vm_domain_stats *st;
    const struct vm_domain_def *def = l->def;
    struct qemu_blockstat *bs = NULL;
    size_t nbs = 0;
    json_object *ret = NULL;

    VM_NEW(st);
    st->name = vm_strdup(def->name);
    memcpy(st->uuid, def->uuid, VM_UUID_BUFLEN);
    st->id = l->active ? l->live.id : -1;
    st->type = vm_strdup(vm_virt_type_name(def->type));
    st->os_type = vm_strdup(def->os_type);
    st->state = l->state;
    st->reason = l->reason;
    st->persistent = l->persistent;
    {
        VM_AUTOFREE char *flag = vm_asprintf("%s/autostart/%s", p->dirs.cfg, def->name);
        VM_AUTOFREE char *save = qemu_path(p->dirs.save, def->name, "save");
        st->autostart = l->persistent && qemu_file_exists(flag);
        st->managed_save = qemu_file_exists(save);
    }
    st->vcpus = def->vcpus;
    st->cpu_util_pct = NAN;
    st->mem_max_kib = def->memory_kib;
    st->mem_cur_kib = def->cur_memory_kib;
    st->cpu_time_ns = l->active ? qemu_process_cpu_ns(l->pid) : 0;

    if (l->active && l->mon) {
        int *tids = NULL;
        size_t ntids = 0;
        uint64_t kib;
        if (qemu_monitor_command(l->mon, "query-balloon", NULL, &ret) == 0 &&
            qemu_monitor_read_balloon(ret, &kib) == 0)
            st->mem_cur_kib = kib;
        json_object_put(ret);
        ret = NULL;
        if (qemu_monitor_command(l->mon, "query-cpus-fast", NULL, &ret) == 0 &&
            qemu_monitor_read_cpus(ret, &tids, &ntids) == 0 && ntids > 0) {
            VM_NEW_N(st->vcpu_time_ns, ntids);
            st->nvcpu_times = ntids;
            for (size_t i = 0; i < ntids; i++)
                st->vcpu_time_ns[i] = qemu_process_thread_ns(l->pid, tids[i]);
        }
        free(tids);
        json_object_put(ret);
        ret = NULL;
        if (qemu_monitor_command(l->mon, "query-blockstats", NULL, &ret) < 0 ||
            qemu_monitor_read_blockstats(ret, &bs, &nbs) < 0)
            nbs = 0;
        json_object_put(ret);
        /* a missing balloon or stats is "unknown", not a failure of the call */
        vm_error_reset();
    }

    vm_domain_def_fill_devices(def, st);
    for (size_t i = 0; i < st->nblock; i++) {
        struct vm_block_stats *b = &st->block[i];
        VM_AUTOFREE char *drive = vm_asprintf("drive-%s", b->name);
        b->rd_reqs = b->rd_bytes = b->wr_reqs = b->wr_bytes = l->active ? VM_STAT_UNKNOWN : 0;
        for (size_t k = 0; k < nbs; k++) {
            if (strcmp(bs[k].device, drive) == 0) {
                b->rd_reqs = bs[k].rd_reqs;
                b->rd_bytes = bs[k].rd_bytes;
                b->wr_reqs = bs[k].wr_reqs;
                b->wr_bytes = bs[k].wr_bytes;
            }
        }
    }
    qemu_blockstats_free(bs, nbs);

    for (size_t i = 0; i < st->nnet; i++) {
        struct vm_net_stats *n = &st->net[i];
        const struct vm_net_def *nd = &def->nets[i];
        uint64_t hrxb, hrxp, hrxe, hrxd, htxb, htxp, htxe, htxd;
        n->rx_bytes = n->rx_pkts = n->rx_errs = n->rx_drop = VM_STAT_UNKNOWN;
        n->tx_bytes = n->tx_pkts = n->tx_errs = n->tx_drop = VM_STAT_UNKNOWN;
        /* the tap's host side, swapped to the guest's view (qmp.md A.5);
         * user networking has no host interface, so no counters */
        if (l->active && nd->type == VM_NET_TYPE_ETHERNET &&
            qemu_tap_counters(nd->target_dev, &hrxb, &hrxp, &hrxe, &hrxd, &htxb, &htxp, &htxe,
                              &htxd) == 0) {
            n->rx_bytes = htxb;
            n->rx_pkts = htxp;
            n->rx_errs = htxe;
            n->rx_drop = htxd;
            n->tx_bytes = hrxb;
            n->tx_pkts = hrxp;
            n->tx_errs = hrxe;
            n->tx_drop = hrxd;
        } else if (!l->active) {
            n->rx_bytes = n->rx_pkts = n->rx_errs = n->rx_drop = 0;
            n->tx_bytes = n->tx_pkts = n->tx_errs = n->tx_drop = 0;
        }
    }
    return st;
}

struct stats_list {
    struct qemu_conn *p;
    struct vm_domain_stats **stats;
    size_t n, alloc;
};

static void collect_stats(struct vm_connect *conn, struct qemu_look *l, void *opaque)
{
    struct stats_list *list = opaque;

    VM_GROW(list->stats, list->n, list->alloc);
    list->stats[list->n - 1] = stats_of(list->p, l);
}

static int qemu_get_all_stats(struct vm_connect *conn, struct vm_domain_stats ***stats,
                              unsigned int flags)
{
    struct stats_list list = {.p = priv_of(conn)};

    VM_CHECK_FLAGS(flags, VM_LIST_ACTIVE | VM_LIST_INACTIVE, -1);
    for_each_domain(conn, flags, collect_stats, &list);
    if (!list.stats)
        VM_NEW_N(list.stats, 1);
    *stats = list.stats;
    return (int)list.n;
}

/* The name of the domain with this UUID, or NULL. */
static char *name_of_uuid(struct qemu_conn *p, const unsigned char *uuid)
{
    char **names;
    size_t n;
    char *found = NULL;

    qemu_names(&p->dirs, &names, &n);
    for (size_t i = 0; i < n && !found; i++) {
        VM_AUTOFREE char *cfg = qemu_path(p->dirs.cfg, names[i], "xml");
        VM_AUTOFREE char *live = run_path(p, names[i], "xml");
        struct vm_domain_def *def = qemu_def_read(qemu_file_exists(live) ? live : cfg);
        if (def && memcmp(def->uuid, uuid, VM_UUID_BUFLEN) == 0)
            found = vm_strdup(names[i]);
        vm_domain_def_free(def);
    }
    vm_error_reset();
    qemu_names_free(names, n);
    return found;
}

static struct vm_domain *qemu_lookup_by_name(struct vm_connect *conn, const char *name,
                                             unsigned int flags)
{
    struct qemu_look l;
    struct vm_domain *dom;

    VM_CHECK_FLAGS(flags, 0, NULL);
    if (look(priv_of(conn), name, &l) < 0)
        return NULL;
    dom = handle_of(conn, &l);
    look_release(&l);
    return dom;
}

static struct vm_domain *qemu_lookup_by_uuid(struct vm_connect *conn, const unsigned char *uuid,
                                             unsigned int flags)
{
    VM_AUTOFREE char *name = NULL;
    char buf[VM_UUID_STRING_BUFLEN];

    VM_CHECK_FLAGS(flags, 0, NULL);
    if ((name = name_of_uuid(priv_of(conn), uuid)))
        return qemu_lookup_by_name(conn, name, 0);
    vm_uuid_format(uuid, buf);
    vm_report_error(VM_ERR_NO_DOMAIN, "no domain with UUID '%s'", buf);
    return NULL;
}

struct id_search {
    int id;
    struct vm_domain *found;
};

static void match_id(struct vm_connect *conn, struct qemu_look *l, void *opaque)
{
    struct id_search *s = opaque;

    if (!s->found && l->active && l->live.id == s->id)
        s->found = handle_of(conn, l);
}

static struct vm_domain *qemu_lookup_by_id(struct vm_connect *conn, int id, unsigned int flags)
{
    struct id_search s = {id, NULL};

    VM_CHECK_FLAGS(flags, 0, NULL);
    for_each_domain(conn, VM_LIST_ACTIVE, match_id, &s);
    if (!s.found)
        vm_report_error(VM_ERR_NO_DOMAIN, "no domain with id %d", id);
    return s.found;
}

/* Looks at the domain a handle names (same name and UUID). */
static int look_dom(struct vm_domain *dom, struct qemu_look *l)
{
    if (look(priv_of(dom->conn), dom->name, l) < 0) {
        if (vm_error_code() == VM_ERR_NO_DOMAIN)
            vm_report_error(VM_ERR_NO_DOMAIN, "domain '%s' no longer exists", dom->name);
        return -1;
    }
    if (memcmp(l->def->uuid, dom->uuid, VM_UUID_BUFLEN) != 0) {
        look_release(l);
        vm_report_error(VM_ERR_NO_DOMAIN, "domain '%s' no longer exists", dom->name);
        return -1;
    }
    return 0;
}

/* look_dom() for an operation on a running domain: -1 (released) when
 * it is not running. */
static int look_running(struct vm_domain *dom, struct qemu_look *l)
{
    if (look_dom(dom, l) < 0)
        return -1;
    if (!l->active) {
        vm_report_error(VM_ERR_OPERATION_INVALID, "domain '%s' is not running", dom->name);
        look_release(l);
        return -1;
    }
    return 0;
}

static int qemu_get_id(struct vm_domain *dom, unsigned int flags)
{
    struct qemu_look l;
    int id;

    VM_CHECK_FLAGS(flags, 0, -1);
    if (look_dom(dom, &l) < 0)
        return -1;
    id = l.active ? l.live.id : -1;
    look_release(&l);
    return id;
}

static int qemu_get_state(struct vm_domain *dom, int *state, int *reason, unsigned int flags)
{
    struct qemu_look l;

    VM_CHECK_FLAGS(flags, 0, -1);
    if (look_dom(dom, &l) < 0)
        return -1;
    *state = l.state;
    *reason = l.reason;
    look_release(&l);
    return 0;
}

static struct vm_domain_stats *qemu_get_stats(struct vm_domain *dom, unsigned int flags)
{
    struct qemu_look l;
    struct vm_domain_stats *st;

    VM_CHECK_FLAGS(flags, 0, NULL);
    if (look_dom(dom, &l) < 0)
        return NULL;
    st = stats_of(priv_of(dom->conn), &l);
    look_release(&l);
    return st;
}

static int qemu_get_info(struct vm_domain *dom, struct vm_domain_info *info, unsigned int flags)
{
    struct vm_domain_stats *st = qemu_get_stats(dom, flags);

    if (!st)
        return -1;
    info->state = st->state;
    info->vcpus = st->vcpus;
    info->max_mem_kib = st->mem_max_kib;
    info->cur_mem_kib = st->mem_cur_kib;
    info->cpu_time_ns = st->cpu_time_ns;
    vm_domain_stats_free(st);
    return 0;
}

static char *qemu_get_xml(struct vm_domain *dom, unsigned int flags)
{
    struct qemu_conn *p = priv_of(dom->conn);
    struct qemu_look l;
    struct vm_domain_def *shown = NULL;
    char *xml;

    VM_CHECK_FLAGS(flags, VM_DOMAIN_XML_INACTIVE, NULL);
    if (look_dom(dom, &l) < 0)
        return NULL;
    if ((flags & VM_DOMAIN_XML_INACTIVE) && l.persistent && l.active) {
        VM_AUTOFREE char *cfg = qemu_path(p->dirs.cfg, l.def->name, "xml");
        if (!(shown = qemu_def_read(cfg))) {
            look_release(&l);
            return NULL;
        }
    } else {
        shown = vm_domain_def_copy(l.def);
        shown->id = l.active && !(flags & VM_DOMAIN_XML_INACTIVE) ? l.live.id : -1;
    }
    look_release(&l);
    xml = vm_domain_def_format(shown, 0);
    vm_domain_def_free(shown);
    return xml;
}

/* Checks what QEMU cannot report clearly itself, before anything starts. */
static int preflight(const struct vm_domain_def *def)
{
    VM_AUTOFREE char *emu = qemu_emulator(def);
    VM_AUTOFREE char *found = qemu_find_binary(emu);

    if (!found)
        return -1;
    if (def->type == VM_VIRT_KVM && access("/dev/kvm", R_OK | W_OK) < 0) {
        vm_report_error(VM_ERR_OPERATION_FAILED,
                        "domain '%s' has type 'kvm' but KVM is not usable: /dev/kvm: %s (use "
                        "type='qemu' for emulation)",
                        def->name, strerror(errno));
        return -1;
    }
    for (size_t i = 0; i < def->ndisks; i++) {
        const struct vm_disk_def *d = &def->disks[i];
        if (d->source && access(d->source, d->readonly ? R_OK : R_OK | W_OK) < 0) {
            vm_report_error(VM_ERR_OPERATION_FAILED, "disk '%s' of domain '%s': '%s': %s",
                            d->target_dev, def->name, d->source, strerror(errno));
            return -1;
        }
    }
    return 0;
}

static int wait_status(struct qemu_monitor *mon, const char *want, int timeout_ms)
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

/* Starts def as the domain (lock held, domain inactive). */
static int start_process(struct qemu_conn *p, const struct vm_domain_def *def, bool transient,
                         int *id_out, int *reason_out)
{
    const char *name = def->name;
    VM_AUTOFREE char *qmp = run_path(p, name, "qmp");
    VM_AUTOFREE char *pidfile = run_path(p, name, "pid");
    VM_AUTOFREE char *logfile = run_path(p, name, "log");
    VM_AUTOFREE char *livexml = run_path(p, name, "xml");
    VM_AUTOFREE char *stop = run_path(p, name, "stop");
    VM_AUTOFREE char *save = qemu_path(p->dirs.save, name, "save");
    bool restore = !transient && qemu_file_exists(save);
    struct qemu_paths paths = {qmp, pidfile, restore ? save : NULL};
    struct qemu_live live = {.transient = transient,
                             .start_reason = restore ? VM_RUNNING_RESTORED : VM_RUNNING_BOOTED};
    struct qemu_monitor *mon = NULL;
    char **argv = NULL;
    pid_t pid;

    if (preflight(def) < 0 || !(argv = qemu_build_argv(def, &paths)))
        return -1;
    unlink(qmp);
    unlink(pidfile);
    if (qemu_def_write(livexml, def) < 0 || (live.id = qemu_next_id(&p->dirs)) < 0)
        goto error;
    if (qemu_process_spawn(argv, logfile, START_TIMEOUT_MS) < 0)
        goto error;
    if ((pid = qemu_process_read_pid(pidfile)) < 0) {
        vm_report_error(VM_ERR_OPERATION_FAILED, "QEMU started but wrote no pidfile '%s'",
                        pidfile);
        goto error;
    }
    if (qemu_live_write(&p->dirs, name, &live) < 0 ||
        !(mon = qemu_monitor_open(qmp, QMP_TIMEOUT_MS)))
        goto kill;
    if (def->cur_memory_kib < def->memory_kib) {
        json_object *args = json_object_new_object();
        json_object_object_add(args, "value",
                               json_object_new_int64((int64_t)(def->cur_memory_kib * 1024)));
        if (qemu_monitor_command(mon, "balloon", args, NULL) < 0)
            goto kill;
    }
    if (restore) {
        json_object *args = json_object_new_object();
        VM_AUTOFREE char *uri = vm_asprintf("exec:cat '%s'", save);
        json_object_object_add(args, "uri", json_object_new_string(uri));
        if (qemu_monitor_command(mon, "migrate-incoming", args, NULL) < 0 ||
            wait_status(mon, "running", SAVE_TIMEOUT_MS) < 0)
            goto kill;
        unlink(save);
    }
    qemu_monitor_close(mon);
    unlink(stop);
    qemu_argv_free(argv);
    *id_out = live.id;
    *reason_out = live.start_reason;
    return 0;
kill:
    qemu_monitor_close(mon);
    {
        struct vm_error *err = vm_error_save();
        qemu_process_kill(qemu_process_read_pid(pidfile), name, DESTROY_GRACE_MS);
        vm_error_restore(err);
    }
error:
    /* a failed start leaves nothing behind */
    qemu_live_cleanup(&p->dirs, name);
    qemu_argv_free(argv);
    return -1;
}

static int qemu_start(struct vm_domain *dom, unsigned int flags)
{
    struct qemu_conn *p = priv_of(dom->conn);
    struct qemu_look l;
    struct vm_domain_def *def;
    VM_AUTOFREE char *cfg = NULL;
    int id, reason, r;

    VM_CHECK_FLAGS(flags, 0, -1);
    if (look_dom(dom, &l) < 0)
        return -1;
    if (l.active) {
        look_release(&l);
        vm_report_error(VM_ERR_OPERATION_INVALID, "domain '%s' is already running", dom->name);
        return -1;
    }
    cfg = qemu_path(p->dirs.cfg, dom->name, "xml");
    if (!(def = qemu_def_read(cfg))) {
        look_release(&l);
        return -1;
    }
    r = start_process(p, def, false, &id, &reason);
    vm_domain_def_free(def);
    look_release(&l);
    if (r == 0)
        dom->id = id;
    return r;
}

/* The operations that send one QMP command to an active domain (in
 * need_state, unless it is -1); new_reason, unless -1, is recorded as why it
 * runs. */
static int simple_command(struct vm_domain *dom, const char *cmd, int need_state,
                          const char *need_what, int new_reason)
{
    struct qemu_look l;
    int r = -1;

    if (look_dom(dom, &l) < 0)
        return -1;
    if (!l.active || (need_state >= 0 && l.state != need_state)) {
        vm_report_error(VM_ERR_OPERATION_INVALID, "domain '%s' is not %s (it is %s)", dom->name,
                        need_what, vm_domain_state_name(l.state));
    } else if ((r = qemu_monitor_command(l.mon, cmd, NULL, NULL)) == 0 && new_reason >= 0) {
        l.live.start_reason = new_reason;
        r = qemu_live_write(&priv_of(dom->conn)->dirs, dom->name, &l.live);
    }
    look_release(&l);
    return r;
}

static int qemu_shutdown(struct vm_domain *dom, unsigned int flags)
{
    VM_CHECK_FLAGS(flags, 0, -1);
    /* an ACPI button press: a guest without ACPI keeps running, as with libvirt */
    return simple_command(dom, "system_powerdown", -1, "running", -1);
}

static int qemu_suspend(struct vm_domain *dom, unsigned int flags)
{
    VM_CHECK_FLAGS(flags, 0, -1);
    return simple_command(dom, "stop", VM_DOMAIN_RUNNING, "running", -1);
}

static int qemu_resume(struct vm_domain *dom, unsigned int flags)
{
    VM_CHECK_FLAGS(flags, 0, -1);
    return simple_command(dom, "cont", VM_DOMAIN_PAUSED, "paused", VM_RUNNING_UNPAUSED);
}

static int qemu_reset(struct vm_domain *dom, unsigned int flags)
{
    VM_CHECK_FLAGS(flags, 0, -1);
    return simple_command(dom, "system_reset", -1, "running", -1);
}

static int qemu_reboot(struct vm_domain *dom, unsigned int flags)
{
    struct qemu_conn *p = priv_of(dom->conn);
    struct qemu_look l;
    int r = -1;

    VM_CHECK_FLAGS(flags, 0, -1);
    if (look_running(dom, &l) < 0)
        return -1;
    /* The mark makes the next look reset a guest that powers off instead of
     * stopping it: a graceful reboot without holding the monitor. */
    l.live.reboot = true;
    if (qemu_live_write(&p->dirs, dom->name, &l.live) == 0 &&
        qemu_monitor_command(l.mon, "system_powerdown", NULL, NULL) == 0)
        r = 0;
    look_release(&l);
    return r;
}

static int qemu_destroy(struct vm_domain *dom, unsigned int flags)
{
    struct qemu_conn *p = priv_of(dom->conn);
    struct qemu_look l;
    int r = -1;

    VM_CHECK_FLAGS(flags, 0, -1);
    if (look_running(dom, &l) < 0)
        return -1;
    qemu_monitor_close(l.mon);
    l.mon = NULL;
    if (qemu_process_kill(l.pid, dom->name, DESTROY_GRACE_MS) == 0) {
        finish_stop(p, &l, VM_DOMAIN_SHUTOFF, VM_SHUTOFF_DESTROYED);
        r = 0;
    }
    look_release(&l);
    return r;
}

static int qemu_managed_save(struct vm_domain *dom, unsigned int flags)
{
    struct qemu_conn *p = priv_of(dom->conn);
    struct qemu_look l;
    VM_AUTOFREE char *save = qemu_path(p->dirs.save, dom->name, "save");
    VM_AUTOFREE char *partial = vm_asprintf("%s.partial", save);
    json_object *args;
    int r = -1;

    VM_CHECK_FLAGS(flags, 0, -1);
    if (look_running(dom, &l) < 0)
        return -1;
    if (!l.persistent) {
        vm_report_error(VM_ERR_OPERATION_INVALID,
                        "cannot do managed save of transient domain '%s'", dom->name);
        goto out;
    }
    args = json_object_new_object();
    {
        VM_AUTOFREE char *uri = vm_asprintf("exec:cat > '%s'", partial);
        json_object_object_add(args, "uri", json_object_new_string(uri));
    }
    if (qemu_monitor_command(l.mon, "migrate", args, NULL) < 0)
        goto out;
    for (int waited = 0;; waited += 50) {
        json_object *ret = NULL;
        int done;
        if (qemu_monitor_command(l.mon, "query-migrate", NULL, &ret) < 0)
            goto out;
        done = qemu_monitor_read_migrate(ret);
        json_object_put(ret);
        if (done < 0)
            goto out;
        if (done)
            break;
        if (waited > SAVE_TIMEOUT_MS) {
            vm_report_error(VM_ERR_TIMEOUT, "saving domain '%s' took more than %d ms",
                            dom->name, SAVE_TIMEOUT_MS);
            qemu_monitor_command(l.mon, "migrate_cancel", NULL, NULL);
            goto out;
        }
        usleep(50000);
    }
    /* only a complete image counts as a managed save */
    if (rename(partial, save) < 0) {
        vm_report_system_error(errno, "cannot store save image '%s'", save);
        goto out;
    }
    r = quit_and_finish(p, &l, VM_DOMAIN_SHUTOFF, VM_SHUTOFF_SAVED);
out:
    if (r < 0)
        unlink(partial);
    look_release(&l);
    return r;
}

static int qemu_has_managed_save(struct vm_domain *dom, unsigned int flags)
{
    VM_AUTOFREE char *save = qemu_path(priv_of(dom->conn)->dirs.save, dom->name, "save");

    VM_CHECK_FLAGS(flags, 0, -1);
    return qemu_file_exists(save);
}

/* Refuses a definition clashing with another domain's name or UUID; sets
 * *same when a domain has both (an update). */
static int check_clash(struct qemu_conn *p, const struct vm_domain_def *def, bool *same)
{
    VM_AUTOFREE char *owner = name_of_uuid(p, def->uuid);
    VM_AUTOFREE char *cfg = qemu_path(p->dirs.cfg, def->name, "xml");
    VM_AUTOFREE char *live = run_path(p, def->name, "xml");
    struct vm_domain_def *existing = NULL;
    char uuid[VM_UUID_STRING_BUFLEN];

    *same = false;
    if (qemu_file_exists(live))
        existing = qemu_def_read(live);
    else if (qemu_file_exists(cfg))
        existing = qemu_def_read(cfg);
    vm_error_reset();
    if (existing && memcmp(existing->uuid, def->uuid, VM_UUID_BUFLEN) != 0) {
        vm_uuid_format(existing->uuid, uuid);
        vm_domain_def_free(existing);
        vm_report_error(VM_ERR_DOMAIN_EXISTS, "domain '%s' already exists with UUID '%s'",
                        def->name, uuid);
        return -1;
    }
    *same = existing != NULL;
    vm_domain_def_free(existing);
    if (owner && strcmp(owner, def->name) != 0) {
        vm_uuid_format(def->uuid, uuid);
        vm_report_error(VM_ERR_DOMAIN_EXISTS, "domain with UUID '%s' already exists as '%s'",
                        uuid, owner);
        return -1;
    }
    return 0;
}

static struct vm_domain_def *parse_for_qemu(const char *xml)
{
    struct vm_domain_def *def = vm_domain_def_parse_string(xml, 0);

    if (def && def->type != VM_VIRT_QEMU && def->type != VM_VIRT_KVM) {
        vm_report_error(VM_ERR_INVALID_ARG,
                        "the QEMU driver runs domains of type 'qemu' or 'kvm', not '%s'",
                        vm_virt_type_name(def->type));
        vm_domain_def_free(def);
        return NULL;
    }
    if (def && qemu_check_name(def->name) < 0) {
        vm_domain_def_free(def);
        return NULL;
    }
    return def;
}

static struct vm_domain *qemu_define(struct vm_connect *conn, const char *xml, unsigned int flags)
{
    struct qemu_conn *p = priv_of(conn);
    struct vm_domain_def *def;
    struct vm_domain *dom = NULL;
    VM_AUTOFREE char *cfg = NULL;
    struct qemu_live live;
    bool same;
    int lock;

    VM_CHECK_FLAGS(flags, 0, NULL);
    if (!(def = parse_for_qemu(xml)))
        return NULL;
    if ((lock = qemu_lock(&p->dirs, def->name, LOCK_TIMEOUT_MS)) < 0)
        goto out;
    cfg = qemu_path(p->dirs.cfg, def->name, "xml");
    if (check_clash(p, def, &same) == 0 && qemu_def_write(cfg, def) == 0) {
        /* an active transient domain defined again becomes persistent */
        if (qemu_live_read(&p->dirs, def->name, &live) == 1 && live.transient) {
            live.transient = false;
            qemu_live_write(&p->dirs, def->name, &live);
        }
        dom = vm_domain_new(conn, def->name, def->uuid, -1);
    }
    qemu_unlock(lock);
out:
    vm_domain_def_free(def);
    return dom;
}

static struct vm_domain *qemu_create(struct vm_connect *conn, const char *xml, unsigned int flags)
{
    struct qemu_conn *p = priv_of(conn);
    struct vm_domain_def *def;
    struct vm_domain *dom = NULL;
    VM_AUTOFREE char *cfg = NULL;
    VM_AUTOFREE char *state = NULL;
    VM_AUTOFREE char *owner = NULL;
    int lock, id, reason;

    VM_CHECK_FLAGS(flags, 0, NULL);
    if (!(def = parse_for_qemu(xml)))
        return NULL;
    if ((lock = qemu_lock(&p->dirs, def->name, LOCK_TIMEOUT_MS)) < 0)
        goto out;
    cfg = qemu_path(p->dirs.cfg, def->name, "xml");
    state = run_path(p, def->name, "state");
    owner = name_of_uuid(p, def->uuid);
    if (qemu_file_exists(cfg) || qemu_file_exists(state) || owner) {
        vm_report_error(VM_ERR_DOMAIN_EXISTS, "domain '%s' already exists",
                        owner ? owner : def->name);
    } else if (start_process(p, def, true, &id, &reason) == 0) {
        dom = vm_domain_new(conn, def->name, def->uuid, id);
    }
    qemu_unlock(lock);
out:
    vm_domain_def_free(def);
    return dom;
}

static int qemu_undefine(struct vm_domain *dom, unsigned int flags)
{
    struct qemu_conn *p = priv_of(dom->conn);
    struct qemu_look l;
    VM_AUTOFREE char *cfg = qemu_path(p->dirs.cfg, dom->name, "xml");
    VM_AUTOFREE char *save = qemu_path(p->dirs.save, dom->name, "save");
    VM_AUTOFREE char *flag = vm_asprintf("%s/autostart/%s", p->dirs.cfg, dom->name);
    VM_AUTOFREE char *stop = run_path(p, dom->name, "stop");
    int r = -1;

    VM_CHECK_FLAGS(flags, VM_DOMAIN_UNDEFINE_MANAGED_SAVE, -1);
    if (look_dom(dom, &l) < 0)
        return -1;
    if (!l.persistent) {
        vm_report_error(VM_ERR_OPERATION_INVALID, "cannot undefine transient domain '%s'",
                        dom->name);
        goto out;
    }
    if (qemu_file_exists(save) && !(flags & VM_DOMAIN_UNDEFINE_MANAGED_SAVE)) {
        vm_report_error(VM_ERR_OPERATION_INVALID,
                        "refusing to undefine domain '%s' while it has a managed-save image",
                        dom->name);
        goto out;
    }
    if (l.active) {
        /* it runs on as a transient domain */
        l.live.transient = true;
        if (qemu_live_write(&p->dirs, dom->name, &l.live) < 0)
            goto out;
    }
    if (unlink(cfg) < 0 && errno != ENOENT) {
        vm_report_system_error(errno, "cannot remove '%s'", cfg);
        goto out;
    }
    unlink(save);
    unlink(flag);
    unlink(stop);
    r = 0;
out:
    look_release(&l);
    return r;
}

static int qemu_get_autostart(struct vm_domain *dom, int *autostart, unsigned int flags)
{
    VM_AUTOFREE char *flag =
        vm_asprintf("%s/autostart/%s", priv_of(dom->conn)->dirs.cfg, dom->name);

    VM_CHECK_FLAGS(flags, 0, -1);
    *autostart = qemu_file_exists(flag);
    return 0;
}

static int qemu_set_autostart(struct vm_domain *dom, int autostart, unsigned int flags)
{
    struct qemu_conn *p = priv_of(dom->conn);
    struct qemu_look l;
    VM_AUTOFREE char *flag = vm_asprintf("%s/autostart/%s", p->dirs.cfg, dom->name);
    int r = -1;

    VM_CHECK_FLAGS(flags, 0, -1);
    if (look_dom(dom, &l) < 0)
        return -1;
    if (!l.persistent) {
        vm_report_error(VM_ERR_OPERATION_INVALID,
                        "cannot set autostart for transient domain '%s'", dom->name);
    } else if (autostart) {
        r = vm_file_write_atomic(flag, "", 0, 0644);
    } else if (unlink(flag) == 0 || errno == ENOENT) {
        r = 0;
    } else {
        vm_report_system_error(errno, "cannot remove '%s'", flag);
    }
    look_release(&l);
    return r;
}

const struct vm_driver vm_qemu_driver = {
    .name = "qemu",
    .hypervisor = "QEMU",
    .connect_open = qemu_open,
    .connect_close = qemu_close,
    .connect_get_version = qemu_get_version,
    .connect_get_hostname = qemu_get_hostname,
    .connect_is_alive = qemu_is_alive,
    .node_get_info = qemu_node_info,
    .connect_list_domains = qemu_list_domains,
    .connect_get_all_domain_stats = qemu_get_all_stats,
    .domain_lookup_by_name = qemu_lookup_by_name,
    .domain_lookup_by_uuid = qemu_lookup_by_uuid,
    .domain_lookup_by_id = qemu_lookup_by_id,
    .domain_get_id = qemu_get_id,
    .domain_get_info = qemu_get_info,
    .domain_get_state = qemu_get_state,
    .domain_get_stats = qemu_get_stats,
    .domain_get_xml = qemu_get_xml,
    .domain_define_xml = qemu_define,
    .domain_create_xml = qemu_create,
    .domain_start = qemu_start,
    .domain_shutdown = qemu_shutdown,
    .domain_destroy = qemu_destroy,
    .domain_suspend = qemu_suspend,
    .domain_resume = qemu_resume,
    .domain_reboot = qemu_reboot,
    .domain_reset = qemu_reset,
    .domain_managed_save = qemu_managed_save,
    .domain_has_managed_save = qemu_has_managed_save,
    .domain_undefine = qemu_undefine,
    .domain_get_autostart = qemu_get_autostart,
    .domain_set_autostart = qemu_set_autostart,
};
