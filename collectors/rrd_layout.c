/*
 * rrd_layout.c: virtmon's RRD files, their data sources and archives.
 */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "rrd_layout.h"
#include "virtmon.h"
#include "util/vm_alloc.h"

#define HOST(f) offsetof(struct rrd_host_sample, f)
#define DOM(f) offsetof(struct vm_domain_stats, f)
#define DISK(f) offsetof(struct vm_block_stats, f)
#define NIC(f) offsetof(struct vm_net_stats, f)

static const struct rrd_ds host_ds[] = {
    [RRD_HOST_MEM_TOTAL] = {"mem_total_kib", 0, HOST(mem_total_kib), RRD_U64, RRD_KNOWN_NODE},
    [RRD_HOST_MEM_FREE] = {"mem_free_kib", 0, HOST(mem_free_kib), RRD_U64, RRD_KNOWN_NODE},
    [RRD_HOST_DOM_RUNNING] = {"dom_running", 0, HOST(running), RRD_UINT, RRD_KNOWN_ALWAYS},
    [RRD_HOST_DOM_DEFINED] = {"dom_defined", 0, HOST(defined), RRD_UINT, RRD_KNOWN_ALWAYS},
    [RRD_HOST_CPUS] = {"cpus", 0, HOST(cpus), RRD_UINT, RRD_KNOWN_NODE},
};
static const struct rrd_ds domain_ds[] = {
    [RRD_DOM_CPU_NS] = {"cpu_ns", 1, DOM(cpu_time_ns), RRD_U64, RRD_KNOWN_ACTIVE},
    /* a source's own utilisation (XenAPI), whenever it gives one */
    [RRD_DOM_CPU_PCT] = {"cpu_pct", 0, DOM(cpu_util_pct), RRD_PERCENT, RRD_KNOWN_ALWAYS},
    [RRD_DOM_VCPUS] = {"vcpus", 0, DOM(vcpus), RRD_UINT, RRD_KNOWN_ALWAYS},
    [RRD_DOM_MEM_MAX] = {"mem_max_kib", 0, DOM(mem_max_kib), RRD_U64, RRD_KNOWN_ALWAYS},
    [RRD_DOM_MEM_CUR] = {"mem_cur_kib", 0, DOM(mem_cur_kib), RRD_U64, RRD_KNOWN_ANSWERS},
};
static const struct rrd_ds disk_ds[] = {
    [RRD_DISK_RD_REQ] = {"rd_req", 1, DISK(rd_reqs), RRD_U64, RRD_KNOWN_ACTIVE},
    [RRD_DISK_RD_BYTES] = {"rd_bytes", 1, DISK(rd_bytes), RRD_U64, RRD_KNOWN_ACTIVE},
    [RRD_DISK_WR_REQ] = {"wr_req", 1, DISK(wr_reqs), RRD_U64, RRD_KNOWN_ACTIVE},
    [RRD_DISK_WR_BYTES] = {"wr_bytes", 1, DISK(wr_bytes), RRD_U64, RRD_KNOWN_ACTIVE},
};
static const struct rrd_ds if_ds[] = {
    [RRD_IF_RX_BYTES] = {"rx_bytes", 1, NIC(rx_bytes), RRD_U64, RRD_KNOWN_ACTIVE},
    [RRD_IF_RX_PKTS] = {"rx_pkts", 1, NIC(rx_pkts), RRD_U64, RRD_KNOWN_ACTIVE},
    [RRD_IF_RX_ERRS] = {"rx_errs", 1, NIC(rx_errs), RRD_U64, RRD_KNOWN_ACTIVE},
    [RRD_IF_RX_DROP] = {"rx_drop", 1, NIC(rx_drop), RRD_U64, RRD_KNOWN_ACTIVE},
    [RRD_IF_TX_BYTES] = {"tx_bytes", 1, NIC(tx_bytes), RRD_U64, RRD_KNOWN_ACTIVE},
    [RRD_IF_TX_PKTS] = {"tx_pkts", 1, NIC(tx_pkts), RRD_U64, RRD_KNOWN_ACTIVE},
    [RRD_IF_TX_ERRS] = {"tx_errs", 1, NIC(tx_errs), RRD_U64, RRD_KNOWN_ACTIVE},
    [RRD_IF_TX_DROP] = {"tx_drop", 1, NIC(tx_drop), RRD_U64, RRD_KNOWN_ACTIVE},
};

static const struct {
    const struct rrd_ds *ds;
    size_t n;
} kinds[RRD_KIND_LAST] = {
    [RRD_HOST] = {host_ds, sizeof(host_ds) / sizeof(host_ds[0])},
    [RRD_DOMAIN] = {domain_ds, sizeof(domain_ds) / sizeof(domain_ds[0])},
    [RRD_DISK] = {disk_ds, sizeof(disk_ds) / sizeof(disk_ds[0])},
    [RRD_IF] = {if_ds, sizeof(if_ds) / sizeof(if_ds[0])},
};

/* Full resolution for a day, then coarser ones (seconds per row) for a
 * week, a month and a year: about 1,500 rows each, as collectd and
 * Munin keep. */
static const struct {
    unsigned int resolution;    /* seconds per row; 0: the step */
    unsigned int span;          /* seconds kept */
} archives[] = {
    {0, 86400},
    {300, 7 * 86400},
    {1800, 31 * 86400},
    {21600, 366 * 86400},
};

const struct rrd_ds *rrd_kind_ds(enum rrd_kind kind, size_t *n)
{
    *n = kinds[kind].n;
    return kinds[kind].ds;
}

const char *rrd_ds_name(enum rrd_kind kind, int ds)
{
    return kinds[kind].ds[ds].name;
}

/* Rows of archive i at step: one per row's resolution over its span. */
static unsigned int archive_rows(size_t i, unsigned int step, unsigned int *per_row)
{
    unsigned int pr = archives[i].resolution > step ? archives[i].resolution / step : 1;
    unsigned int rows = archives[i].span / (pr * step);

    *per_row = pr;
    return rows ? rows : 1;
}

unsigned long long rrd_file_bytes(enum rrd_kind kind, unsigned int step)
{
    unsigned long long rows = 0;
    unsigned int per_row;

    for (size_t i = 0; i < sizeof(archives) / sizeof(archives[0]); i++)
        rows += archive_rows(i, step, &per_row);
    return 2 * rows * kinds[kind].n * 8;    /* AVERAGE and MAX */
}

int rrd_create_args(enum rrd_kind kind, unsigned int step, char ***argv)
{
    static const char *const cfs[] = {"AVERAGE", "MAX"};
    size_t nds = kinds[kind].n, narch = sizeof(archives) / sizeof(archives[0]);
    size_t n = 0;
    char **a;

    VM_NEW_N(a, nds + narch * 2 + 1);
    for (size_t i = 0; i < nds; i++)
        a[n++] = vm_asprintf("DS:%s:%s:%u:0:U", kinds[kind].ds[i].name,
                             kinds[kind].ds[i].counter ? "DERIVE" : "GAUGE", 2 * step);
    for (size_t c = 0; c < 2; c++) {
        for (size_t i = 0; i < narch; i++) {
            unsigned int per_row, rows = archive_rows(i, step, &per_row);
            a[n++] = vm_asprintf("RRA:%s:0.5:%u:%u", cfs[c], per_row, rows);
        }
    }
    a[n] = NULL;
    *argv = a;
    return (int)n;
}

void rrd_args_free(char **argv)
{
    if (!argv)
        return;
    for (char **p = argv; *p; p++)
        free(*p);
    free(argv);
}

char *rrd_dev_name(const char *dev, const char *fallback)
{
    char *s = vm_strdup(dev && *dev ? dev : fallback);

    for (char *p = s; *p; p++) {
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-", *p))
            *p = '_';
    }
    return s;
}

char *rrd_file(enum rrd_kind kind, const char *uuid, const char *dev)
{
    switch (kind) {
    case RRD_HOST: return vm_strdup("host.rrd");
    case RRD_DOMAIN: return vm_asprintf("%s/domain.rrd", uuid);
    case RRD_DISK: return vm_asprintf("%s/disk-%s.rrd", uuid, dev);
    case RRD_IF: return vm_asprintf("%s/if-%s.rrd", uuid, dev);
    default: return NULL;
    }
}

char *rrd_name_file(const char *uuid)
{
    return vm_asprintf("%s/name", uuid);
}
