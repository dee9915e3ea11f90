/*
 * vm_rpc_proto.c: the procedure table and the record codecs of virtmond's
 * protocol.  Each record is written and read field by field in the same
 * order; every count is bounded before anything is allocated for it.
 */
#include "config.h"

#include <string.h>

#include "util/vm_alloc.h"
#include "util/vm_error.h"
#include "vm_driver.h"
#include "vm_rpc_proto.h"

#define NAME_MAX_BYTES 4096     /* names, paths, MACs, models... */

static const struct vm_rpc_proc_info procs[VM_PROC_LAST] = {
    [VM_PROC_HELLO] = {"hello", false, false},
    [VM_PROC_OPEN] = {"open", false, false},
    [VM_PROC_GET_URI] = {"get-uri", false, false},
    [VM_PROC_GET_TYPE] = {"get-type", false, false},
    [VM_PROC_GET_VERSION] = {"get-version", false, false},
    [VM_PROC_GET_HOSTNAME] = {"get-hostname", false, false},
    [VM_PROC_NODE_INFO] = {"node-info", false, false},
    [VM_PROC_NODE_CPU_STATS] = {"node-cpu-stats", false, false},
    [VM_PROC_NODE_MEMORY_STATS] = {"node-memory-stats", false, false},
    [VM_PROC_LIST_DOMAINS] = {"list-domains", false, false},
    [VM_PROC_ALL_STATS] = {"all-domain-stats", false, false},
    [VM_PROC_LOOKUP_NAME] = {"lookup-by-name", false, false},
    [VM_PROC_LOOKUP_UUID] = {"lookup-by-uuid", false, false},
    [VM_PROC_LOOKUP_ID] = {"lookup-by-id", false, false},
    [VM_PROC_DOMAIN_GET_ID] = {"domain-get-id", false, false},
    [VM_PROC_DOMAIN_GET_INFO] = {"domain-get-info", false, false},
    [VM_PROC_DOMAIN_GET_STATE] = {"domain-get-state", false, false},
    [VM_PROC_DOMAIN_GET_CONTROL] = {"domain-get-control", false, false},
    [VM_PROC_DOMAIN_GET_STATS] = {"domain-get-stats", false, false},
    [VM_PROC_DOMAIN_GET_XML] = {"domain-get-xml", false, false},
    [VM_PROC_DOMAIN_GET_DISPLAY] = {"domain-get-display", false, false},
    [VM_PROC_DOMAIN_GET_VCPU_COUNT] = {"domain-get-vcpu-count", false, false},
    [VM_PROC_DOMAIN_GET_VCPUS] = {"domain-get-vcpus", false, false},
    [VM_PROC_DOMAIN_MEMORY_STATS] = {"domain-memory-stats", false, false},
    [VM_PROC_DOMAIN_HAS_MANAGED_SAVE] = {"domain-has-managed-save", false, false},
    [VM_PROC_DOMAIN_GET_AUTOSTART] = {"domain-get-autostart", false, false},
    [VM_PROC_DOMAIN_DEFINE] = {"domain-define", true, false},
    [VM_PROC_DOMAIN_CREATE] = {"domain-create", true, false},
    [VM_PROC_DOMAIN_START] = {"domain-start", true, false},
    [VM_PROC_DOMAIN_SHUTDOWN] = {"domain-shutdown", true, false},
    [VM_PROC_DOMAIN_DESTROY] = {"domain-destroy", true, false},
    [VM_PROC_DOMAIN_SUSPEND] = {"domain-suspend", true, false},
    [VM_PROC_DOMAIN_RESUME] = {"domain-resume", true, false},
    [VM_PROC_DOMAIN_REBOOT] = {"domain-reboot", true, false},
    [VM_PROC_DOMAIN_RESET] = {"domain-reset", true, false},
    [VM_PROC_DOMAIN_MANAGED_SAVE] = {"domain-managed-save", true, false},
    [VM_PROC_DOMAIN_UNDEFINE] = {"domain-undefine", true, false},
    [VM_PROC_DOMAIN_SET_AUTOSTART] = {"domain-set-autostart", true, false},
    [VM_PROC_DOMAIN_SET_MEMORY] = {"domain-set-memory", true, false},
    [VM_PROC_DOMAIN_SET_VCPUS] = {"domain-set-vcpus", true, false},
    [VM_PROC_DOMAIN_SAVE] = {"domain-save", true, false},
    [VM_PROC_DOMAIN_RESTORE] = {"domain-restore", true, false},
    [VM_PROC_DOMAIN_GET_GUEST_INFO] = {"domain-get-guest-info", false, false},
    [VM_PROC_EVENT_REGISTER] = {"event-register", false, false},
    [VM_PROC_EVENT_DEREGISTER] = {"event-deregister", false, false},
    [VM_PROC_EVENT_LIFECYCLE] = {"event-lifecycle", false, false},
    [VM_PROC_AUTH_LIST] = {"auth-list", false, true},
    [VM_PROC_AUTH_SASL_INIT] = {"auth-sasl-init", false, true},
    [VM_PROC_AUTH_SASL_START] = {"auth-sasl-start", false, true},
    [VM_PROC_AUTH_SASL_STEP] = {"auth-sasl-step", false, true},
};

const struct vm_rpc_proc_info *vm_rpc_proc_info(uint32_t proc)
{
    return proc < VM_PROC_LAST && procs[proc].name ? &procs[proc] : NULL;
}

void vm_rpc_put_domain(struct vm_rpc_enc *e, const char *name, const unsigned char *uuid, int id)
{
    vm_rpc_put_str(e, name);
    vm_rpc_put_bytes(e, uuid, VM_UUID_BUFLEN);
    vm_rpc_put_i32(e, id);
}

void vm_rpc_put_handle(struct vm_rpc_enc *e, const struct vm_domain *dom)
{
    vm_rpc_put_domain(e, dom->name, dom->uuid, dom->id);
}

void vm_rpc_get_domain(struct vm_rpc_dec *d, char **name, unsigned char uuid[VM_UUID_BUFLEN],
                       int *id)
{
    *name = vm_rpc_get_str(d, NAME_MAX_BYTES);
    vm_rpc_get_bytes(d, uuid, VM_UUID_BUFLEN);
    *id = vm_rpc_get_i32(d);
    if (!*name && !d->bad)
        d->bad = "a domain without a name";
}

void vm_rpc_put_error(struct vm_rpc_enc *e, int code, const char *message)
{
    vm_rpc_put_u32(e, (uint32_t)code);
    vm_rpc_put_str(e, message ? message : "unknown error");
}

void vm_rpc_get_error(struct vm_rpc_dec *d)
{
    uint32_t code = vm_rpc_get_u32(d);
    char *msg = vm_rpc_get_str(d, 65536);

    if (vm_rpc_dec_done(d, "error reply") == 0)
        vm_report_error(code > VM_ERR_OK && code < VM_ERR_LAST ? (enum vm_error_code)code
                                                                : VM_ERR_INTERNAL,
                        "%s", msg ? msg : "unknown error");
    free(msg);
}

void vm_rpc_put_info(struct vm_rpc_enc *e, const struct vm_domain_info *info)
{
    vm_rpc_put_i32(e, info->state);
    vm_rpc_put_u32(e, info->vcpus);
    vm_rpc_put_u64(e, info->max_mem_kib);
    vm_rpc_put_u64(e, info->cur_mem_kib);
    vm_rpc_put_u64(e, info->cpu_time_ns);
}

void vm_rpc_get_info(struct vm_rpc_dec *d, struct vm_domain_info *info)
{
    info->state = vm_rpc_get_i32(d);
    info->vcpus = vm_rpc_get_u32(d);
    info->max_mem_kib = vm_rpc_get_u64(d);
    info->cur_mem_kib = vm_rpc_get_u64(d);
    info->cpu_time_ns = vm_rpc_get_u64(d);
}

void vm_rpc_put_node_info(struct vm_rpc_enc *e, const struct vm_node_info *info)
{
    const unsigned int u[] = {info->cpus,    info->mhz,   info->numa_cells,
                              info->sockets, info->cores, info->threads};

    vm_rpc_put_str(e, info->cpu_model);
    for (size_t i = 0; i < sizeof(u) / sizeof(u[0]); i++)
        vm_rpc_put_u32(e, u[i]);
    vm_rpc_put_u64(e, info->memory_kib);
    vm_rpc_put_u64(e, info->free_memory_kib);
}

void vm_rpc_get_node_info(struct vm_rpc_dec *d, struct vm_node_info *info)
{
    unsigned int *u[] = {&info->cpus,    &info->mhz,   &info->numa_cells,
                         &info->sockets, &info->cores, &info->threads};

    info->cpu_model = vm_rpc_get_str(d, NAME_MAX_BYTES);
    for (size_t i = 0; i < sizeof(u) / sizeof(u[0]); i++)
        *u[i] = vm_rpc_get_u32(d);
    info->memory_kib = vm_rpc_get_u64(d);
    info->free_memory_kib = vm_rpc_get_u64(d);
}

void vm_rpc_put_cpu_stats(struct vm_rpc_enc *e, const struct vm_node_cpu_stats *s)
{
    vm_rpc_put_u64(e, s->user_ns);
    vm_rpc_put_u64(e, s->kernel_ns);
    vm_rpc_put_u64(e, s->idle_ns);
    vm_rpc_put_u64(e, s->iowait_ns);
    vm_rpc_put_double(e, s->utilization_pct);
}

void vm_rpc_get_cpu_stats(struct vm_rpc_dec *d, struct vm_node_cpu_stats *s)
{
    s->user_ns = vm_rpc_get_u64(d);
    s->kernel_ns = vm_rpc_get_u64(d);
    s->idle_ns = vm_rpc_get_u64(d);
    s->iowait_ns = vm_rpc_get_u64(d);
    s->utilization_pct = vm_rpc_get_double(d);
}

void vm_rpc_put_mem_stats(struct vm_rpc_enc *e, const struct vm_node_memory_stats *s)
{
    vm_rpc_put_u64(e, s->total_kib);
    vm_rpc_put_u64(e, s->free_kib);
    vm_rpc_put_u64(e, s->buffers_kib);
    vm_rpc_put_u64(e, s->cached_kib);
}

void vm_rpc_get_mem_stats(struct vm_rpc_dec *d, struct vm_node_memory_stats *s)
{
    s->total_kib = vm_rpc_get_u64(d);
    s->free_kib = vm_rpc_get_u64(d);
    s->buffers_kib = vm_rpc_get_u64(d);
    s->cached_kib = vm_rpc_get_u64(d);
}

/* ------------------------------------------------------------- stats */

static void put_block(struct vm_rpc_enc *e, const struct vm_block_stats *b)
{
    const uint64_t u[] = {b->capacity_bytes, b->allocation_bytes, b->rd_reqs,    b->rd_bytes,
                          b->wr_reqs,        b->wr_bytes,         b->errs,       b->flush_reqs,
                          b->rd_total_ns,    b->wr_total_ns,      b->flush_total_ns};

    vm_rpc_put_str(e, b->name);
    vm_rpc_put_str(e, b->source);
    vm_rpc_put_str(e, b->format);
    vm_rpc_put_str(e, b->bus);
    vm_rpc_put_bool(e, b->block_device);
    vm_rpc_put_bool(e, b->readonly);
    vm_rpc_put_i32(e, b->media);
    for (size_t i = 0; i < sizeof(u) / sizeof(u[0]); i++)
        vm_rpc_put_u64(e, u[i]);
    vm_rpc_put_double(e, b->rd_bytes_rate);
    vm_rpc_put_double(e, b->wr_bytes_rate);
}

static void get_block(struct vm_rpc_dec *d, struct vm_block_stats *b)
{
    uint64_t *u[] = {&b->capacity_bytes, &b->allocation_bytes, &b->rd_reqs,    &b->rd_bytes,
                     &b->wr_reqs,        &b->wr_bytes,         &b->errs,       &b->flush_reqs,
                     &b->rd_total_ns,    &b->wr_total_ns,      &b->flush_total_ns};

    b->name = vm_rpc_get_str(d, NAME_MAX_BYTES);
    b->source = vm_rpc_get_str(d, NAME_MAX_BYTES);
    b->format = vm_rpc_get_str(d, NAME_MAX_BYTES);
    b->bus = vm_rpc_get_str(d, NAME_MAX_BYTES);
    b->block_device = vm_rpc_get_bool(d);
    b->readonly = vm_rpc_get_bool(d);
    b->media = vm_rpc_get_i32(d);
    for (size_t i = 0; i < sizeof(u) / sizeof(u[0]); i++)
        *u[i] = vm_rpc_get_u64(d);
    b->rd_bytes_rate = vm_rpc_get_double(d);
    b->wr_bytes_rate = vm_rpc_get_double(d);
    if (!b->name && !d->bad)
        d->bad = "a disk without a name";
}

static void put_net(struct vm_rpc_enc *e, const struct vm_net_stats *n)
{
    const uint64_t u[] = {n->rx_bytes, n->rx_pkts, n->rx_errs, n->rx_drop,
                          n->tx_bytes, n->tx_pkts, n->tx_errs, n->tx_drop};

    vm_rpc_put_str(e, n->name);
    vm_rpc_put_str(e, n->mac);
    vm_rpc_put_str(e, n->model);
    for (size_t i = 0; i < sizeof(u) / sizeof(u[0]); i++)
        vm_rpc_put_u64(e, u[i]);
    vm_rpc_put_double(e, n->rx_bytes_rate);
    vm_rpc_put_double(e, n->tx_bytes_rate);
}

static void get_net(struct vm_rpc_dec *d, struct vm_net_stats *n)
{
    uint64_t *u[] = {&n->rx_bytes, &n->rx_pkts, &n->rx_errs, &n->rx_drop,
                     &n->tx_bytes, &n->tx_pkts, &n->tx_errs, &n->tx_drop};

    n->name = vm_rpc_get_str(d, NAME_MAX_BYTES);
    n->mac = vm_rpc_get_str(d, NAME_MAX_BYTES);
    n->model = vm_rpc_get_str(d, NAME_MAX_BYTES);
    for (size_t i = 0; i < sizeof(u) / sizeof(u[0]); i++)
        *u[i] = vm_rpc_get_u64(d);
    n->rx_bytes_rate = vm_rpc_get_double(d);
    n->tx_bytes_rate = vm_rpc_get_double(d);
}

void vm_rpc_put_guest(struct vm_rpc_enc *e, const struct vm_guest_info *g)
{
    vm_rpc_put_bool(e, g != NULL);
    if (!g)
        return;
    vm_rpc_put_str(e, g->os_id);
    vm_rpc_put_str(e, g->os_version_id);
    vm_rpc_put_str(e, g->hostname);
    vm_rpc_put_u32(e, (uint32_t)g->nfs);
    for (size_t i = 0; i < g->nfs; i++) {
        vm_rpc_put_str(e, g->fs[i].mountpoint);
        vm_rpc_put_str(e, g->fs[i].fstype);
        vm_rpc_put_u64(e, g->fs[i].total_bytes);
        vm_rpc_put_u64(e, g->fs[i].used_bytes);
    }
    vm_rpc_put_u32(e, (uint32_t)g->nifs);
    for (size_t i = 0; i < g->nifs; i++) {
        vm_rpc_put_str(e, g->ifs[i].name);
        vm_rpc_put_str(e, g->ifs[i].hwaddr);
        vm_rpc_put_u32(e, (uint32_t)g->ifs[i].naddrs);
        for (size_t k = 0; k < g->ifs[i].naddrs; k++) {
            vm_rpc_put_str(e, g->ifs[i].addrs[k]);
            vm_rpc_put_str(e, g->ifs[i].addr_types[k]);
        }
    }
}

struct vm_guest_info *vm_rpc_get_guest(struct vm_rpc_dec *d)
{
    struct vm_guest_info *g;

    if (!vm_rpc_get_bool(d))
        return NULL;
    VM_NEW(g);
    g->os_id = vm_rpc_get_str(d, NAME_MAX_BYTES);
    g->os_version_id = vm_rpc_get_str(d, NAME_MAX_BYTES);
    g->hostname = vm_rpc_get_str(d, NAME_MAX_BYTES);
    g->nfs = vm_rpc_get_count(d, 4096);
    VM_NEW_N(g->fs, g->nfs + 1);
    for (size_t i = 0; i < g->nfs; i++) {
        g->fs[i].mountpoint = vm_rpc_get_str(d, NAME_MAX_BYTES);
        g->fs[i].fstype = vm_rpc_get_str(d, NAME_MAX_BYTES);
        g->fs[i].total_bytes = vm_rpc_get_u64(d);
        g->fs[i].used_bytes = vm_rpc_get_u64(d);
    }
    g->nifs = vm_rpc_get_count(d, 4096);
    VM_NEW_N(g->ifs, g->nifs + 1);
    for (size_t i = 0; i < g->nifs; i++) {
        struct vm_guest_if *f = &g->ifs[i];
        f->name = vm_rpc_get_str(d, NAME_MAX_BYTES);
        f->hwaddr = vm_rpc_get_str(d, NAME_MAX_BYTES);
        f->naddrs = vm_rpc_get_count(d, 4096);
        VM_NEW_N(f->addrs, f->naddrs + 1);
        VM_NEW_N(f->addr_types, f->naddrs + 1);
        for (size_t k = 0; k < f->naddrs; k++) {
            f->addrs[k] = vm_rpc_get_str(d, NAME_MAX_BYTES);
            f->addr_types[k] = vm_rpc_get_str(d, NAME_MAX_BYTES);
            /* an address is ADDR/PREFIX: its readers look for the slash */
            if ((!f->addrs[k] || !strchr(f->addrs[k], '/')) && !d->bad)
                d->bad = "a guest address without its prefix";
        }
    }
    return g;
}

void vm_rpc_put_stats(struct vm_rpc_enc *e, const struct vm_domain_stats *st)
{
    vm_rpc_put_domain(e, st->name, st->uuid, st->id);
    vm_rpc_put_str(e, st->type);
    vm_rpc_put_str(e, st->os_type);
    vm_rpc_put_i32(e, st->state);
    vm_rpc_put_i32(e, st->reason);
    vm_rpc_put_i32(e, st->control);
    vm_rpc_put_u32(e, st->missing);
    vm_rpc_put_bool(e, st->persistent);
    vm_rpc_put_bool(e, st->autostart);
    vm_rpc_put_bool(e, st->managed_save);
    vm_rpc_put_u32(e, st->vcpus);
    vm_rpc_put_u32(e, st->vcpus_max);
    vm_rpc_put_u64(e, st->cpu_time_ns);
    vm_rpc_put_u32(e, (uint32_t)st->nvcpu_times);
    for (size_t i = 0; i < st->nvcpu_times; i++)
        vm_rpc_put_u64(e, st->vcpu_time_ns[i]);
    vm_rpc_put_double(e, st->cpu_util_pct);
    vm_rpc_put_u64(e, st->mem_max_kib);
    vm_rpc_put_u64(e, st->mem_cur_kib);
    vm_rpc_put_u32(e, (uint32_t)st->nblock);
    for (size_t i = 0; i < st->nblock; i++)
        put_block(e, &st->block[i]);
    vm_rpc_put_u32(e, (uint32_t)st->nnet);
    for (size_t i = 0; i < st->nnet; i++)
        put_net(e, &st->net[i]);
    vm_rpc_put_guest(e, st->guest);
}

struct vm_domain_stats *vm_rpc_get_stats(struct vm_rpc_dec *d)
{
    struct vm_domain_stats *st;

    VM_NEW(st);
    vm_rpc_get_domain(d, &st->name, st->uuid, &st->id);
    st->type = vm_rpc_get_str(d, NAME_MAX_BYTES);
    st->os_type = vm_rpc_get_str(d, NAME_MAX_BYTES);
    st->state = vm_rpc_get_i32(d);
    st->reason = vm_rpc_get_i32(d);
    st->control = vm_rpc_get_i32(d);
    st->missing = vm_rpc_get_u32(d);
    st->persistent = vm_rpc_get_bool(d);
    st->autostart = vm_rpc_get_bool(d);
    st->managed_save = vm_rpc_get_bool(d);
    st->vcpus = vm_rpc_get_u32(d);
    st->vcpus_max = vm_rpc_get_u32(d);
    st->cpu_time_ns = vm_rpc_get_u64(d);
    st->nvcpu_times = vm_rpc_get_count(d, 65536);
    if (st->nvcpu_times) {
        VM_NEW_N(st->vcpu_time_ns, st->nvcpu_times);
        for (size_t i = 0; i < st->nvcpu_times; i++)
            st->vcpu_time_ns[i] = vm_rpc_get_u64(d);
    }
    st->cpu_util_pct = vm_rpc_get_double(d);
    st->mem_max_kib = vm_rpc_get_u64(d);
    st->mem_cur_kib = vm_rpc_get_u64(d);
    st->nblock = vm_rpc_get_count(d, 65536);
    VM_NEW_N(st->block, st->nblock + 1);
    for (size_t i = 0; i < st->nblock; i++)
        get_block(d, &st->block[i]);
    st->nnet = vm_rpc_get_count(d, 65536);
    VM_NEW_N(st->net, st->nnet + 1);
    for (size_t i = 0; i < st->nnet; i++)
        get_net(d, &st->net[i]);
    st->guest = vm_rpc_get_guest(d);
    if (d->bad) {
        vm_domain_stats_free(st);
        return NULL;
    }
    return st;
}

void vm_rpc_put_vcpus(struct vm_rpc_enc *e, const struct vm_vcpu_list *l)
{
    size_t maplen = (l->host_cpus + 7) / 8;

    vm_rpc_put_u32(e, l->host_cpus);
    vm_rpc_put_u32(e, (uint32_t)l->n);
    for (size_t i = 0; i < l->n; i++) {
        vm_rpc_put_u32(e, l->vcpus[i].number);
        vm_rpc_put_i32(e, l->vcpus[i].state);
        vm_rpc_put_i32(e, l->vcpus[i].cpu);
        vm_rpc_put_u64(e, l->vcpus[i].cpu_time_ns);
        vm_rpc_put_bytes(e, l->vcpus[i].cpumap, maplen);
    }
}

struct vm_vcpu_list *vm_rpc_get_vcpus(struct vm_rpc_dec *d)
{
    struct vm_vcpu_list *l;
    size_t maplen;

    VM_NEW(l);
    l->host_cpus = vm_rpc_get_u32(d);
    if (l->host_cpus > 65536 && !d->bad)
        d->bad = "more host CPUs than there can be";
    maplen = d->bad ? 0 : (l->host_cpus + 7) / 8;
    l->n = vm_rpc_get_count(d, 65536);
    VM_NEW_N(l->vcpus, l->n + 1);
    for (size_t i = 0; i < l->n; i++) {
        l->vcpus[i].number = vm_rpc_get_u32(d);
        l->vcpus[i].state = vm_rpc_get_i32(d);
        l->vcpus[i].cpu = vm_rpc_get_i32(d);
        l->vcpus[i].cpu_time_ns = vm_rpc_get_u64(d);
        VM_NEW_N(l->vcpus[i].cpumap, maplen + 1);
        vm_rpc_get_bytes(d, l->vcpus[i].cpumap, maplen);
    }
    if (d->bad) {
        vm_vcpu_list_free(l);
        return NULL;
    }
    return l;
}
