/*
 * libvirt_stats.c: libvirt's typed parameters (virConnectGetAllDomainStats)
 * turned into our stats records.  Units are libvirt's (KiB, ns), so nothing
 * is converted; what libvirt does not report stays unknown.
 */
#include "config.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libvirt_priv.h"
#include "util/vm_alloc.h"
#include "util/vm_error.h"

struct lv_uuid_set {
    unsigned char (*u)[VM_UUID_BUFLEN];
    size_t n;
};

static int cmp_uuid(const void *a, const void *b)
{
    return memcmp(a, b, VM_UUID_BUFLEN);
}

struct lv_uuid_set *lv_uuid_set_list(virConnectPtr conn, unsigned int flags)
{
    virDomainPtr *doms = NULL;
    int n = virConnectListAllDomains(conn, &doms, flags);
    struct lv_uuid_set *set;

    if (n < 0) {
        lv_error("cannot list domains");
        return NULL;
    }
    VM_NEW(set);
    VM_NEW_N(set->u, n ? (size_t)n : 1);
    for (int i = 0; i < n; i++) {
        if (virDomainGetUUID(doms[i], set->u[set->n]) == 0)
            set->n++;
        virDomainFree(doms[i]);
    }
    free(doms);
    qsort(set->u, set->n, VM_UUID_BUFLEN, cmp_uuid);
    return set;
}

void lv_uuid_set_free(struct lv_uuid_set *set)
{
    if (set) {
        free(set->u);
        free(set);
    }
}

/* NULL sets: the caller fills those fields itself */
static bool in_set(const struct lv_uuid_set *set, const unsigned char *uuid)
{
    return set && bsearch(uuid, set->u, set->n, VM_UUID_BUFLEN, cmp_uuid) != NULL;
}

static const virTypedParameter *param(const virDomainStatsRecord *r, const char *name)
{
    for (int i = 0; i < r->nparams; i++) {
        if (strcmp(r->params[i].field, name) == 0)
            return &r->params[i];
    }
    return NULL;
}

/* A counter or size: VM_STAT_UNKNOWN when libvirt did not report it. */
static uint64_t value_of(const virTypedParameter *p)
{
    if (!p)
        return VM_STAT_UNKNOWN;
    switch (p->type) {
    case VIR_TYPED_PARAM_ULLONG: return p->value.ul;
    case VIR_TYPED_PARAM_LLONG: return p->value.l < 0 ? VM_STAT_UNKNOWN : (uint64_t)p->value.l;
    case VIR_TYPED_PARAM_UINT: return p->value.ui;
    case VIR_TYPED_PARAM_INT: return p->value.i < 0 ? VM_STAT_UNKNOWN : (uint64_t)p->value.i;
    default: return VM_STAT_UNKNOWN;
    }
}

static uint64_t u64(const virDomainStatsRecord *r, const char *name)
{
    return value_of(param(r, name));
}

static uint64_t u64_at(const virDomainStatsRecord *r, const char *group, size_t i,
                       const char *name)
{
    char key[VIR_TYPED_PARAM_FIELD_LENGTH];

    snprintf(key, sizeof(key), "%s.%zu.%s", group, i, name);
    return u64(r, key);
}

/* libvirt's per-device counter names and where ours go. */
struct field {
    const char *name;
    size_t offset;
};
#define N_FIELDS(a) (sizeof(a) / sizeof((a)[0]))

static const struct field block_fields[] = {
    {"rd.reqs", offsetof(struct vm_block_stats, rd_reqs)},
    {"rd.bytes", offsetof(struct vm_block_stats, rd_bytes)},
    {"wr.reqs", offsetof(struct vm_block_stats, wr_reqs)},
    {"wr.bytes", offsetof(struct vm_block_stats, wr_bytes)},
    {"capacity", offsetof(struct vm_block_stats, capacity_bytes)},
    {"allocation", offsetof(struct vm_block_stats, allocation_bytes)},
};

/* libvirt reports the guest's view of a NIC already: nothing is swapped */
static const struct field net_fields[] = {
    {"rx.bytes", offsetof(struct vm_net_stats, rx_bytes)},
    {"rx.pkts", offsetof(struct vm_net_stats, rx_pkts)},
    {"rx.errs", offsetof(struct vm_net_stats, rx_errs)},
    {"rx.drop", offsetof(struct vm_net_stats, rx_drop)},
    {"tx.bytes", offsetof(struct vm_net_stats, tx_bytes)},
    {"tx.pkts", offsetof(struct vm_net_stats, tx_pkts)},
    {"tx.errs", offsetof(struct vm_net_stats, tx_errs)},
    {"tx.drop", offsetof(struct vm_net_stats, tx_drop)},
};

/* Every counter of a device unknown, until the record says otherwise. */
static void set_unknown(void *dev, const struct field *fields, size_t nfields)
{
    const uint64_t unknown = VM_STAT_UNKNOWN;

    for (size_t k = 0; k < nfields; k++)
        memcpy((char *)dev + fields[k].offset, &unknown, sizeof(unknown));
}

/* One per-device parameter (FIELD after "block.N."): its name, path, or a
 * counter of fields. */
static void set_device(void *dev, const char *field, const virTypedParameter *p,
                       const struct field *fields, size_t nfields, char **name, char **path)
{
    if (strcmp(field, "name") == 0 || (path && strcmp(field, "path") == 0)) {
        char **slot = strcmp(field, "name") == 0 ? name : path;
        if (p->type == VIR_TYPED_PARAM_STRING && p->value.s && !*slot)
            *slot = vm_strdup(p->value.s);
        return;
    }
    for (size_t k = 0; k < nfields; k++) {
        if (strcmp(field, fields[k].name) == 0) {
            uint64_t v = value_of(p);
            memcpy((char *)dev + fields[k].offset, &v, sizeof(v));
            return;
        }
    }
}

static struct vm_domain_stats *convert(struct vm_connect *conn, const virDomainStatsRecord *r,
                                       const struct lv_uuid_set *persistent,
                                       const struct lv_uuid_set *autostart,
                                       const struct lv_uuid_set *managed_save)
{
    struct lv_conn *lv = conn->priv;
    struct vm_domain_stats *st;
    const char *name = virDomainGetName(r->dom);
    uint64_t v, nblock, nnet, nvcpu;
    unsigned int id;

    VM_NEW(st);
    st->name = vm_strdup(name ? name : "");
    virDomainGetUUID(r->dom, st->uuid);
    id = virDomainGetID(r->dom);
    st->id = id == (unsigned int)-1 ? -1 : (int)id;
    {
        /* "QEMU" -> "qemu", "Xen" -> "xen", "Test" -> "test" */
        char *t = vm_strdup(lv->type);
        for (char *c = t; *c; c++)
            *c = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
        st->type = t;
    }
    /* libvirt's bulk stats do not carry the OS type; asking each domain
     * would make the one call N+1 */
    st->os_type = vm_strdup("hvm");
    v = u64(r, "state.state");
    st->state = v < VM_DOMAIN_STATE_LAST ? (int)v : VM_DOMAIN_NOSTATE;
    v = u64(r, "state.reason");
    st->reason = v == VM_STAT_UNKNOWN ? 0 : (int)v;
    st->control = VM_DOMAIN_CONTROL_OK;
    st->persistent = in_set(persistent, st->uuid);
    st->autostart = in_set(autostart, st->uuid);
    st->managed_save = in_set(managed_save, st->uuid);
    v = u64(r, "vcpu.current");
    st->vcpus = v == VM_STAT_UNKNOWN ? 0 : (unsigned int)v;
    if (v == VM_STAT_UNKNOWN)
        st->missing |= VM_STATS_MISSING_VCPU;
    if (!param(r, "net.count"))
        st->missing |= VM_STATS_MISSING_NET;
    if (!param(r, "block.count"))
        st->missing |= VM_STATS_MISSING_BLOCK;
    if (!param(r, "cpu.time"))
        st->missing |= VM_STATS_MISSING_CPU;
    if (!param(r, "balloon.current"))
        st->missing |= VM_STATS_MISSING_BALLOON;
    st->cpu_time_ns = u64(r, "cpu.time");
    st->cpu_util_pct = NAN;
    st->mem_max_kib = u64(r, "balloon.maximum");
    st->mem_cur_kib = u64(r, "balloon.current");
    nvcpu = u64(r, "vcpu.maximum");
    if (nvcpu != VM_STAT_UNKNOWN && nvcpu > 0 && nvcpu <= 4096 &&
        u64_at(r, "vcpu", 0, "time") != VM_STAT_UNKNOWN) {
        VM_NEW_N(st->vcpu_time_ns, nvcpu);
        st->nvcpu_times = nvcpu;
        for (size_t i = 0; i < nvcpu; i++)
            st->vcpu_time_ns[i] = VM_STAT_UNKNOWN;
    }
    nblock = u64(r, "block.count");
    if (nblock != VM_STAT_UNKNOWN && nblock > 0 && nblock < 65536) {
        VM_NEW_N(st->block, nblock);
        st->nblock = nblock;
        for (size_t i = 0; i < nblock; i++) {
            struct vm_block_stats *b = &st->block[i];
            set_unknown(b, block_fields, N_FIELDS(block_fields));
            b->rd_bytes_rate = b->wr_bytes_rate = NAN;
        }
    }
    nnet = u64(r, "net.count");
    if (nnet != VM_STAT_UNKNOWN && nnet > 0 && nnet < 65536) {
        VM_NEW_N(st->net, nnet);
        st->nnet = nnet;
        for (size_t i = 0; i < nnet; i++) {
            struct vm_net_stats *n = &st->net[i];
            set_unknown(n, net_fields, N_FIELDS(net_fields));
            n->rx_bytes_rate = n->tx_bytes_rate = NAN;
        }
    }
    /* one pass over the record for every per-device value: "block.N.x",
     * "net.N.x", "vcpu.N.time" (a lookup per field would be a scan each) */
    for (int i = 0; i < r->nparams; i++) {
        const virTypedParameter *p = &r->params[i];
        const char *f = p->field;
        char *end;
        unsigned long idx;
        if (strncmp(f, "block.", 6) == 0 && f[6] >= '0' && f[6] <= '9') {
            idx = strtoul(f + 6, &end, 10);
            if (*end == '.' && idx < st->nblock)
                set_device(&st->block[idx], end + 1, p, block_fields, N_FIELDS(block_fields),
                           &st->block[idx].name, &st->block[idx].source);
        } else if (strncmp(f, "net.", 4) == 0 && f[4] >= '0' && f[4] <= '9') {
            idx = strtoul(f + 4, &end, 10);
            if (*end == '.' && idx < st->nnet)
                set_device(&st->net[idx], end + 1, p, net_fields, N_FIELDS(net_fields),
                           &st->net[idx].name, NULL);
        } else if (strncmp(f, "vcpu.", 5) == 0 && f[5] >= '0' && f[5] <= '9') {
            idx = strtoul(f + 5, &end, 10);
            if (strcmp(end, ".time") == 0 && idx < st->nvcpu_times)
                st->vcpu_time_ns[idx] = value_of(p);
        }
    }
    for (size_t i = 0; i < st->nblock; i++) {
        if (!st->block[i].name)
            st->block[i].name = vm_asprintf("block%zu", i);
    }
    return st;
}

size_t lv_stats_convert(struct vm_connect *conn, virDomainStatsRecordPtr *records,
                        const struct lv_uuid_set *persistent, const struct lv_uuid_set *autostart,
                        const struct lv_uuid_set *managed_save, struct vm_domain_stats ***out)
{
    size_t n = 0;

    while (records && records[n])
        n++;
    VM_NEW_N(*out, n ? n : 1);
    for (size_t i = 0; i < n; i++)
        (*out)[i] = convert(conn, records[i], persistent, autostart, managed_save);
    return n;
}
