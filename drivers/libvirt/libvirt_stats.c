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

#include <libvirt/virterror.h>

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

/* The record's per-domain values, found in one pass (a lookup per name
 * would scan the record each time: a dozen scans of ~50 parameters for
 * every domain). */
enum scalar {
    S_STATE, S_REASON, S_VCPU_CUR, S_VCPU_MAX, S_NET_COUNT, S_BLOCK_COUNT, S_CPU_TIME,
    S_BALLOON_CUR, S_BALLOON_MAX, S_LAST
};
static const char *const scalar_names[S_LAST] = {
    [S_STATE] = "state.state",         [S_REASON] = "state.reason",
    [S_VCPU_CUR] = "vcpu.current",     [S_VCPU_MAX] = "vcpu.maximum",
    [S_NET_COUNT] = "net.count",       [S_BLOCK_COUNT] = "block.count",
    [S_CPU_TIME] = "cpu.time",         [S_BALLOON_CUR] = "balloon.current",
    [S_BALLOON_MAX] = "balloon.maximum",
};

static void find_scalars(const virDomainStatsRecord *r, const virTypedParameter *found[S_LAST])
{
    for (int k = 0; k < S_LAST; k++)
        found[k] = NULL;
    for (int i = 0; i < r->nparams; i++) {
        const char *f = r->params[i].field;
        for (int k = 0; k < S_LAST; k++) {
            if (!found[k] && strcmp(f, scalar_names[k]) == 0) {
                found[k] = &r->params[i];
                break;
            }
        }
    }
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
    {"errs", offsetof(struct vm_block_stats, errs)},
    {"fl.reqs", offsetof(struct vm_block_stats, flush_reqs)},
    {"rd.times", offsetof(struct vm_block_stats, rd_total_ns)},
    {"wr.times", offsetof(struct vm_block_stats, wr_total_ns)},
    {"fl.times", offsetof(struct vm_block_stats, flush_total_ns)},
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

/* Identities by name: a domain keeps its UUID and OS type until it is
 * undefined, redefined or destroyed (events), its id while it stays
 * active.  Kept in the order
 * libvirt gave the records, which is the same from one call to the next
 * while nothing changes: a lookup tries the same place first, and only
 * then the sorted index, made on the first miss. */
struct lv_idents {
    struct lv_ident {
        char *name;
        unsigned char uuid[VM_UUID_BUFLEN];
        int id;
        char *os_type;          /* NULL when libvirt would not say */
    } *e;
    size_t n;
    struct lv_ident **sorted;   /* by name, NULL until needed */
};

void lv_idents_free(struct lv_idents *idents)
{
    if (!idents)
        return;
    for (size_t i = 0; i < idents->n; i++) {
        free(idents->e[i].name);
        free(idents->e[i].os_type);
    }
    free(idents->e);
    free(idents->sorted);
    free(idents);
}

static int cmp_ident(const void *a, const void *b)
{
    return strcmp((*(struct lv_ident *const *)a)->name, (*(struct lv_ident *const *)b)->name);
}

static int cmp_name_ident(const void *key, const void *elem)
{
    return strcmp(key, (*(struct lv_ident *const *)elem)->name);
}

static const struct lv_ident *ident_find(struct lv_idents *idents, size_t pos, const char *name)
{
    struct lv_ident **found;

    if (!idents || !idents->n)
        return NULL;
    if (pos < idents->n && strcmp(idents->e[pos].name, name) == 0)
        return &idents->e[pos];
    if (!idents->sorted) {
        VM_NEW_N(idents->sorted, idents->n);
        for (size_t i = 0; i < idents->n; i++)
            idents->sorted[i] = &idents->e[i];
        qsort(idents->sorted, idents->n, sizeof(*idents->sorted), cmp_ident);
    }
    found = bsearch(name, idents->sorted, idents->n, sizeof(*idents->sorted), cmp_name_ident);
    return found ? *found : NULL;
}

/* st's UUID, id and OS type: from old when it knows the name and the
 * domain is still as active as it was then, else asked; noted in new (may
 * be NULL).  The OS type (hvm, xen for PV, exe) is not in the bulk stats:
 * it is asked only when it will be kept (an RPC per domain on a remote
 * libvirtd), and otherwise left unknown rather than guessed. */
static void identify(struct vm_domain_stats *st, virDomainPtr d, struct lv_idents *old,
                     size_t pos, struct lv_idents *new)
{
    bool active = st->state != VM_DOMAIN_SHUTOFF;
    const struct lv_ident *e = ident_find(old, pos, st->name);

    if (e && (e->id >= 0) == active) {
        memcpy(st->uuid, e->uuid, VM_UUID_BUFLEN);
        st->id = e->id;
        st->os_type = e->os_type ? vm_strdup(e->os_type) : NULL;
    } else {
        virDomainGetUUID(d, st->uuid);
        st->id = -1;
        /* an inactive domain has no id: not asked */
        if (active) {
            unsigned int id = virDomainGetID(d);
            st->id = id == (unsigned int)-1 ? -1 : (int)id;
        }
        if (new) {
            char *os = virDomainGetOSType(d);
            st->os_type = os ? vm_strdup(os) : NULL;
            free(os);
            virResetLastError();
        }
    }
    if (new) {
        struct lv_ident *n = &new->e[new->n++];
        n->name = vm_strdup(st->name);
        memcpy(n->uuid, st->uuid, VM_UUID_BUFLEN);
        n->id = st->id;
        n->os_type = st->os_type ? vm_strdup(st->os_type) : NULL;
    }
}

static struct vm_domain_stats *convert(struct vm_connect *conn, const virDomainStatsRecord *r,
                                       const struct lv_uuid_set *persistent,
                                       const struct lv_uuid_set *autostart,
                                       const struct lv_uuid_set *managed_save,
                                       struct lv_idents *old, size_t pos,
                                       struct lv_idents *new)
{
    struct lv_conn *lv = conn->priv;
    struct vm_domain_stats *st;
    const char *name = virDomainGetName(r->dom);
    const virTypedParameter *sc[S_LAST];
    uint64_t v, nblock, nnet, nvcpu;
    bool vcpu_times = false;

    find_scalars(r, sc);
    VM_NEW(st);
    st->name = vm_strdup(name ? name : "");
    st->type = vm_strdup(lv->type_lower);
    v = value_of(sc[S_STATE]);
    st->state = v < VM_DOMAIN_STATE_LAST ? (int)v : VM_DOMAIN_NOSTATE;
    identify(st, r->dom, old, pos, new);
    v = value_of(sc[S_REASON]);
    st->reason = v == VM_STAT_UNKNOWN ? 0 : (int)v;
    st->control = VM_DOMAIN_CONTROL_OK;
    st->persistent = in_set(persistent, st->uuid);
    st->autostart = in_set(autostart, st->uuid);
    st->managed_save = in_set(managed_save, st->uuid);
    v = value_of(sc[S_VCPU_CUR]);
    st->vcpus = v == VM_STAT_UNKNOWN ? 0 : (unsigned int)v;
    v = value_of(sc[S_VCPU_MAX]);
    st->vcpus_max = v == VM_STAT_UNKNOWN || v > 0x7fffffff ? 0 : (unsigned int)v;
    if (v == VM_STAT_UNKNOWN)
        st->missing |= VM_STATS_MISSING_VCPU;
    if (!sc[S_NET_COUNT])
        st->missing |= VM_STATS_MISSING_NET;
    if (!sc[S_BLOCK_COUNT])
        st->missing |= VM_STATS_MISSING_BLOCK;
    if (!sc[S_CPU_TIME])
        st->missing |= VM_STATS_MISSING_CPU;
    if (!sc[S_BALLOON_CUR])
        st->missing |= VM_STATS_MISSING_BALLOON;
    st->cpu_time_ns = value_of(sc[S_CPU_TIME]);
    st->cpu_util_pct = NAN;
    st->mem_max_kib = value_of(sc[S_BALLOON_MAX]);
    st->mem_cur_kib = value_of(sc[S_BALLOON_CUR]);
    nvcpu = value_of(sc[S_VCPU_MAX]);
    if (nvcpu != VM_STAT_UNKNOWN && nvcpu > 0 && nvcpu <= 4096) {
        VM_NEW_N(st->vcpu_time_ns, nvcpu);
        st->nvcpu_times = nvcpu;
        for (size_t i = 0; i < nvcpu; i++)
            st->vcpu_time_ns[i] = VM_STAT_UNKNOWN;
    }
    nblock = value_of(sc[S_BLOCK_COUNT]);
    if (nblock != VM_STAT_UNKNOWN && nblock > 0 && nblock < 65536) {
        VM_NEW_N(st->block, nblock);
        st->nblock = nblock;
        for (size_t i = 0; i < nblock; i++) {
            struct vm_block_stats *b = &st->block[i];
            set_unknown(b, block_fields, N_FIELDS(block_fields));
            b->rd_bytes_rate = b->wr_bytes_rate = NAN;
        }
    }
    nnet = value_of(sc[S_NET_COUNT]);
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
     * "net.N.x", "vcpu.N.time" */
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
            if (strcmp(end, ".time") == 0 && idx < st->nvcpu_times) {
                st->vcpu_time_ns[idx] = value_of(p);
                vcpu_times = true;
            }
        }
    }
    /* no per-vCPU figure at all: none is kept (consumers split the total) */
    if (!vcpu_times) {
        free(st->vcpu_time_ns);
        st->vcpu_time_ns = NULL;
        st->nvcpu_times = 0;
    }
    for (size_t i = 0; i < st->nblock; i++) {
        if (!st->block[i].name)
            st->block[i].name = vm_asprintf("block%zu", i);
    }
    return st;
}

size_t lv_stats_convert(struct vm_connect *conn, virDomainStatsRecordPtr *records,
                        const struct lv_uuid_set *persistent, const struct lv_uuid_set *autostart,
                        const struct lv_uuid_set *managed_save, struct lv_idents **idents,
                        struct vm_domain_stats ***out)
{
    struct lv_idents *new = NULL;
    size_t n = 0;

    while (records && records[n])
        n++;
    if (idents) {
        VM_NEW(new);
        VM_NEW_N(new->e, n ? n : 1);
    }
    VM_NEW_N(*out, n ? n : 1);
    for (size_t i = 0; i < n; i++)
        (*out)[i] = convert(conn, records[i], persistent, autostart, managed_save,
                            idents ? *idents : NULL, i, new);
    if (idents) {
        lv_idents_free(*idents);
        *idents = new;
    }
    return n;
}
