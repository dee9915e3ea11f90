/*
 * qemu_stats.c: a QEMU domain's figures: status and balloon from QMP, CPU
 * time from /proc (the process and each vCPU thread), disks from
 * query-blockstats, NICs from the tap device's host side.  The bulk call
 * looks at every domain in parallel (qemu_for_each_domain), so that a few
 * hung monitors cost one timeout, not one each.
 */
#include "config.h"

#include <math.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "qemu_agent.h"
#include "qemu_devices.h"
#include "qemu_domain.h"
#include "util/vm_alloc.h"
#include "util/vm_error.h"

/* Figures of a looked-at domain; for an active one, one QMP session. */
struct vm_domain_stats *qemu_stats_of(struct qemu_conn *p, struct qemu_look *l)
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
    st->control = l->unresponsive ? VM_DOMAIN_CONTROL_UNRESPONSIVE : VM_DOMAIN_CONTROL_OK;
    {
        VM_AUTOFREE char *flag = qemu_file(&p->dirs, QEMU_FILE_AUTOSTART, def->name, NULL);
        VM_AUTOFREE char *save = qemu_file(&p->dirs, QEMU_FILE_SAVE, def->name, NULL);
        st->autostart = l->persistent && qemu_file_exists(flag);
        st->managed_save = qemu_file_exists(save);
    }
    st->vcpus = def->vcpus_current;
    st->vcpus_max = def->vcpus;
    st->cpu_util_pct = NAN;
    st->mem_max_kib = def->memory_kib;
    st->mem_cur_kib = def->cur_memory_kib;
    /* what does not answer has no figures: unknown, never stale or zero */
    st->cpu_time_ns = !l->active ? 0 : l->unresponsive ? VM_STAT_UNKNOWN
                                                        : qemu_process_cpu_ns(l->pid);

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
            st->vcpus = (unsigned int)ntids;   /* online now, as QEMU says */
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
        if (l->unresponsive)
            continue;
        for (size_t k = 0; k < nbs; k++) {
            if (strcmp(bs[k].device, drive) == 0) {
                b->rd_reqs = bs[k].rd_reqs;
                b->rd_bytes = bs[k].rd_bytes;
                b->wr_reqs = bs[k].wr_reqs;
                b->wr_bytes = bs[k].wr_bytes;
                b->flush_reqs = bs[k].flush_reqs;
                b->rd_total_ns = bs[k].rd_total_ns;
                b->wr_total_ns = bs[k].wr_total_ns;
                b->flush_total_ns = bs[k].flush_total_ns;
            }
        }
    }
    qemu_blockstats_free(bs, nbs);

    for (size_t i = 0; i < st->nnet; i++) {
        struct vm_net_stats *n = &st->net[i];
        const struct vm_net_def *nd = &def->nets[i];
        uint64_t hrxb, hrxp, hrxe, hrxd, htxb, htxp, htxe, htxd;
        /* an ethernet interface names its tap; a bridge or network one has
         * the tap the starter made (the runtime state) */
        const char *tap = nd->type == VM_NET_TYPE_ETHERNET ? nd->target_dev
                          : l->active && i < QEMU_LIVE_DEVS && l->live.taps[i][0]
                              ? l->live.taps[i]
                              : NULL;
        n->rx_bytes = n->rx_pkts = n->rx_errs = n->rx_drop = VM_STAT_UNKNOWN;
        n->tx_bytes = n->tx_pkts = n->tx_errs = n->tx_drop = VM_STAT_UNKNOWN;
        if (tap && !n->name)
            n->name = vm_strdup(tap);
        /* the tap's host side, swapped to the guest's view;
         * user networking has no host interface, so no counters */
        if (l->active && !l->unresponsive && tap &&
            qemu_tap_counters(tap, &hrxb, &hrxp, &hrxe, &hrxd, &htxb, &htxp, &htxe, &htxd) == 0) {
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

static void *gather_stats(struct vm_connect *conn, struct qemu_conn *p, struct qemu_look *l,
                          void *opaque)
{
    return qemu_stats_of(p, l);
}

/* One agent's question, in a thread of its own. */
struct guest_query {
    pthread_t thread;
    char *sock;
    long long deadline;
    struct vm_guest_info *info;
};

/* The vCPU threads of an answering domain's QEMU; -1 (error reported)
 * when it does not say. */
static int vcpu_threads(struct qemu_look *l, int **tids, size_t *n)
{
    json_object *ret = NULL;
    int r = -1;

    *tids = NULL;
    *n = 0;
    if (!l->mon) {
        vm_report_error(VM_ERR_OPERATION_FAILED, "domain '%s' does not answer", l->def->name);
        return -1;
    }
    if (qemu_monitor_command(l->mon, "query-cpus-fast", NULL, &ret) == 0)
        r = qemu_monitor_read_cpus(ret, tids, n);
    json_object_put(ret);
    return r;
}

int qemu_vcpu_count_of(struct qemu_look *l, const struct vm_domain_def *def, bool live,
                       bool maximum)
{
    int *tids;
    size_t n;

    if (maximum || !live)
        return (int)(maximum ? def->vcpus : def->vcpus_current);
    /* online now: what QEMU runs, which hotplug may have changed */
    if (vcpu_threads(l, &tids, &n) < 0)
        return -1;
    free(tids);
    return (int)n;
}

/* The host CPUs a vCPU map covers: every CPU the kernel may bring up. */
static unsigned int host_cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_CONF);

    return n > 0 && n <= 65536 ? (unsigned int)n : 1;
}

/* Sets every CPU of map the definition's cpuset allows (all without one). */
static void def_cpumap(const struct vm_domain_def *def, unsigned char *map, unsigned int ncpus)
{
    if (!def->vcpu_cpuset || vm_cpuset_parse(def->vcpu_cpuset, map, ncpus) < 0) {
        for (unsigned int c = 0; c < ncpus; c++)
            map[c / 8] |= (unsigned char)(1u << (c % 8));
    }
}

struct vm_vcpu_list *qemu_vcpus_of(struct qemu_look *l)
{
    struct vm_vcpu_list *list;
    unsigned int ncpus = host_cpus();
    size_t maplen = (ncpus + 7) / 8;
    int *tids = NULL;
    size_t n = 0;

    if (l->active && vcpu_threads(l, &tids, &n) < 0)
        return NULL;
    VM_NEW(list);
    list->host_cpus = ncpus;
    list->n = l->active ? n : l->def->vcpus_current;
    VM_NEW_N(list->vcpus, list->n ? list->n : 1);
    for (size_t i = 0; i < list->n; i++) {
        struct vm_vcpu_info *v = &list->vcpus[i];
        VM_NEW_N(v->cpumap, maplen);
        v->number = (unsigned int)i;
        v->state = -1;
        v->cpu = -1;
        v->cpu_time_ns = VM_STAT_UNKNOWN;
        if (!l->active) {
            def_cpumap(l->def, v->cpumap, ncpus);
            continue;
        }
        v->state = VM_VCPU_RUNNING;
        v->cpu = qemu_process_thread_cpu(l->pid, tids[i]);
        v->cpu_time_ns = qemu_process_thread_ns(l->pid, tids[i]);
        if (qemu_process_thread_affinity(tids[i], v->cpumap, ncpus) < 0)
            def_cpumap(l->def, v->cpumap, ncpus);
    }
    free(tids);
    return list;
}

/* What query-balloon and the balloon's guest-stats (when the guest
 * reports them) tell, then the process's resident size: libvirt's order. */
int qemu_memory_stats_of(struct qemu_look *l, struct vm_memory_stat *stats, unsigned int nr)
{
    static const struct {
        const char *key;
        int tag;
        bool bytes;
    } guest[] = {
        {"stat-swap-in", VM_MEMORY_STAT_SWAP_IN, true},
        {"stat-swap-out", VM_MEMORY_STAT_SWAP_OUT, true},
        {"stat-major-faults", VM_MEMORY_STAT_MAJOR_FAULT, false},
        {"stat-minor-faults", VM_MEMORY_STAT_MINOR_FAULT, false},
        {"stat-free-memory", VM_MEMORY_STAT_UNUSED, true},
        {"stat-total-memory", VM_MEMORY_STAT_AVAILABLE, true},
        {"stat-available-memory", VM_MEMORY_STAT_USABLE, true},
        {"stat-disk-caches", VM_MEMORY_STAT_DISK_CACHES, true},
        {"stat-htlb-pgalloc", VM_MEMORY_STAT_HUGETLB_PGALLOC, false},
        {"stat-htlb-pgfail", VM_MEMORY_STAT_HUGETLB_PGFAIL, false},
    };
    struct vm_memory_stat all[VM_MEMORY_STAT_NR];
    unsigned int n = 0;
    json_object *ret = NULL, *args = NULL, *v, *st, *upd;
    uint64_t kib;

    if (!l->active) {
        vm_report_error(VM_ERR_OPERATION_INVALID, "domain is not running");
        return -1;
    }
    if (!l->mon) {
        vm_report_error(VM_ERR_OPERATION_FAILED, "domain '%s' does not answer", l->def->name);
        return -1;
    }
    if (qemu_monitor_command(l->mon, "query-balloon", NULL, &ret) == 0 &&
        qemu_monitor_read_balloon(ret, &kib) == 0) {
        all[n].tag = VM_MEMORY_STAT_ACTUAL_BALLOON;
        all[n++].val = kib;
    }
    json_object_put(ret);
    ret = NULL;
    if (n) {
        /* the monitor takes args */
        args = json_object_new_object();
        json_object_object_add(args, "path",
                               json_object_new_string("/machine/peripheral/balloon0"));
        json_object_object_add(args, "property", json_object_new_string("guest-stats"));
    }
    /* a guest that never reported (no polling interval set) has
     * last-update 0: its figures would be zeros, not facts */
    if (n && qemu_monitor_command(l->mon, "qom-get", args, &ret) == 0 &&
        json_object_object_get_ex(ret, "stats", &st) &&
        json_object_object_get_ex(ret, "last-update", &upd) && json_object_get_int64(upd) > 0) {
        for (size_t i = 0; i < sizeof(guest) / sizeof(guest[0]); i++) {
            int64_t x;
            if (!json_object_object_get_ex(st, guest[i].key, &v) ||
                !json_object_is_type(v, json_type_int) || (x = json_object_get_int64(v)) < 0)
                continue;
            all[n].tag = guest[i].tag;
            all[n++].val = guest[i].bytes ? (uint64_t)x / 1024 : (uint64_t)x;
            if (guest[i].tag == VM_MEMORY_STAT_USABLE) {
                all[n].tag = VM_MEMORY_STAT_LAST_UPDATE;
                all[n++].val = (uint64_t)json_object_get_int64(upd);
            }
        }
    }
    json_object_put(ret);
    vm_error_reset();
    if ((kib = qemu_process_rss_kib(l->pid)) != VM_STAT_UNKNOWN) {
        all[n].tag = VM_MEMORY_STAT_RSS;
        all[n++].val = kib;
    }
    if (n > nr)
        n = nr;
    memcpy(stats, all, n * sizeof(*stats));
    return (int)n;
}

static void *ask_guest(void *opaque)
{
    struct guest_query *q = opaque;

    /* no agent is "unknown", not a failure of the call */
    q->info = vm_optional_ptr(qemu_agent_guest_info(q->sock, q->deadline), "guest agent");
    return NULL;
}

/* Asks the agents of the running domains among stats, all at once under
 * one deadline: the call costs one agent_timeout however many agents
 * hang.  A domain without an agent, or whose agent did not answer, keeps
 * guest NULL. */
static void ask_guests(struct qemu_conn *p, struct vm_domain_stats **stats, size_t n)
{
    struct guest_query *q;
    long long deadline = qemu_agent_now_ms() + p->conf.agent_timeout_ms;

    VM_NEW_N(q, n ? n : 1);
    for (size_t i = 0; i < n; i++) {
        VM_AUTOFREE char *live = NULL;
        struct vm_domain_def *def;
        struct qemu_devices *m;
        char uuid[VM_UUID_STRING_BUFLEN];
        if (stats[i]->id < 0)
            continue;
        live = qemu_file(&p->dirs, QEMU_FILE_LIVE_DEF, stats[i]->name, NULL);
        if ((def = qemu_def_read(live)) && (m = qemu_devices_read(def))) {
            VM_AUTOFREE char *prefix = NULL;
            vm_uuid_format(def->uuid, uuid);
            prefix = vm_asprintf("%s/%s", p->dirs.run, uuid);
            q[i].sock = qemu_agent_socket(m, prefix);
            qemu_devices_free(m);
        }
        vm_domain_def_free(def);
        vm_error_reset();
        q[i].deadline = deadline;
        if (q[i].sock && pthread_create(&q[i].thread, NULL, ask_guest, &q[i]) != 0) {
            free(q[i].sock);
            q[i].sock = NULL;
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (!q[i].sock)
            continue;
        pthread_join(q[i].thread, NULL);
        stats[i]->guest = q[i].info;
        free(q[i].sock);
    }
    free(q);
}

int qemu_get_all_stats(struct vm_connect *conn, struct vm_domain_stats ***stats,
                       unsigned int flags)
{
    int n;

    VM_CHECK_FLAGS(flags, VM_LIST_ACTIVE | VM_LIST_INACTIVE | VM_STATS_GUEST, -1);
    n = (int)qemu_for_each_domain(conn, flags & ~(unsigned int)VM_STATS_GUEST, gather_stats,
                                  NULL, (void ***)stats);
    if (n > 0 && (flags & VM_STATS_GUEST))
        ask_guests(conn->priv, *stats, (size_t)n);
    return n;
}
