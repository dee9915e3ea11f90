/*
 * agentx_snapshot.c: building snapshots in the MIB's terms, the vmIndex map,
 * and the background thread that refreshes them.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agentx_snapshot.h"
#include "mibdefs/vmStorageTable_enums.h"
#include "mibdefs/vmTable_enums.h"
#include "util/vm_alloc.h"
#include "util/vm_buf.h"
#include "util/vm_error.h"
#include "util/vm_file.h"

static double mono_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---------------------------------------------------------------- indexes */

struct ax_index_entry {
    unsigned char uuid[VM_UUID_BUFLEN];
    int index;
    double running_since;       /* monotonic seconds, 0 when not running */
};

struct ax_index_map {
    char *path;
    struct ax_index_entry *e;
    size_t n, alloc;
    int next;                   /* never goes down: indexes are not reused */
};

void ax_index_map_free(struct ax_index_map *map)
{
    if (!map)
        return;
    free(map->path);
    free(map->e);
    free(map);
}

/* The map's entries stay sorted by UUID: a snapshot of N domains looks
 * each up in log N, not N. */
static int cmp_index_entry(const void *a, const void *b)
{
    return memcmp(a, b, VM_UUID_BUFLEN);
}

struct ax_index_map *ax_index_map_open(const char *state_dir)
{
    struct ax_index_map *map;
    char *text;
    char *save = NULL;

    VM_NEW(map);
    map->path = vm_asprintf("%s/vmindex", state_dir);
    map->next = 1;
    if (!(text = vm_file_read_if_exists(map->path, "vmIndex map", VM_FILE_MAX_INDEX, NULL))) {
        if (errno != ENOENT) {
            ax_index_map_free(map);
            return NULL;
        }
        return map;
    }
    /* "next N" then "UUID INDEX" lines */
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char uuid[64];
        int idx;
        if (sscanf(line, "next %d", &idx) == 1) {
            if (idx > map->next)
                map->next = idx;
        } else if (sscanf(line, "%63s %d", uuid, &idx) == 2 && idx > 0) {
            VM_GROW(map->e, map->n, map->alloc);
            if (vm_uuid_parse(uuid, map->e[map->n - 1].uuid) < 0) {
                map->n--;
                continue;
            }
            map->e[map->n - 1].index = idx;
            if (idx >= map->next)
                map->next = idx + 1;
        }
    }
    free(text);
    /* (qsort and bsearch take no NULL array, even for 0 entries) */
    if (map->n)
        qsort(map->e, map->n, sizeof(*map->e), cmp_index_entry);
    return map;
}

static int index_map_save(struct ax_index_map *map)
{
    struct vm_buf b = VM_BUF_INIT;
    int r;

    vm_buf_addf(&b, "next %d\n", map->next);
    for (size_t i = 0; i < map->n; i++) {
        char uuid[VM_UUID_STRING_BUFLEN];
        vm_uuid_format(map->e[i].uuid, uuid);
        vm_buf_addf(&b, "%s %d\n", uuid, map->e[i].index);
    }
    r = vm_file_write_atomic(map->path, vm_buf_str(&b), b.len, 0644);
    vm_buf_clear(&b);
    return r;
}

static struct ax_index_entry *find(struct ax_index_map *map, const unsigned char *uuid)
{
    return map->n ? bsearch(uuid, map->e, map->n, sizeof(*map->e), cmp_index_entry) : NULL;
}

/* A new entry for uuid at its sorted place (caller fills it). */
static struct ax_index_entry *insert(struct ax_index_map *map, const unsigned char *uuid)
{
    size_t lo = 0, hi = map->n;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (memcmp(map->e[mid].uuid, uuid, VM_UUID_BUFLEN) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    VM_GROW(map->e, map->n, map->alloc);
    memmove(&map->e[lo + 1], &map->e[lo], (map->n - 1 - lo) * sizeof(*map->e));
    memset(&map->e[lo], 0, sizeof(*map->e));
    memcpy(map->e[lo].uuid, uuid, VM_UUID_BUFLEN);
    return &map->e[lo];
}

static void remove_entry(struct ax_index_map *map, struct ax_index_entry *e)
{
    size_t i = (size_t)(e - map->e);

    memmove(&map->e[i], &map->e[i + 1], (map->n - 1 - i) * sizeof(*map->e));
    map->n--;
}

static struct ax_index_entry *index_entry(struct ax_index_map *map, const unsigned char *uuid)
{
    struct ax_index_entry *e = find(map, uuid);

    if (e)
        return e;
    if (map->next >= 0x7fffffff) {
        vm_report_error(VM_ERR_OVERFLOW, "no vmIndex left to assign");
        return NULL;
    }
    e = insert(map, uuid);
    e->index = map->next++;
    if (index_map_save(map) < 0) {
        remove_entry(map, e);
        map->next--;
        return NULL;
    }
    return find(map, uuid);
}

int ax_index_map_get(struct ax_index_map *map, const unsigned char *uuid)
{
    struct ax_index_entry *e = index_entry(map, uuid);

    return e ? e->index : -1;
}

int ax_index_map_peek(const struct ax_index_map *map)
{
    return map->next < 0x7fffffff ? map->next : 0;
}

int ax_index_map_release(struct ax_index_map *map, const unsigned char *uuid, int next)
{
    struct ax_index_entry *e = find(map, uuid);

    if (e)
        remove_entry(map, e);
    if (next > 0 && next <= map->next)
        map->next = next;
    return index_map_save(map);
}

bool ax_index_map_taken(const struct ax_index_map *map, int index)
{
    if (index >= map->next)
        return false;
    for (size_t i = 0; i < map->n; i++) {
        if (map->e[i].index == index)
            return true;
    }
    /* below next and in no entry: skipped by an earlier explicit index */
    return false;
}

int ax_index_map_assign(struct ax_index_map *map, const unsigned char *uuid, int index)
{
    int old_next = map->next;
    struct ax_index_entry *e = find(map, uuid);

    if (e && e->index == index)
        return 0;
    if (index <= 0 || index >= 0x7fffffff || ax_index_map_taken(map, index)) {
        vm_report_error(VM_ERR_INVALID_ARG, "vmIndex %d is not free", index);
        return -1;
    }
    /* a UUID defined anew keeps its row at the index asked for */
    if (e)
        remove_entry(map, e);
    e = insert(map, uuid);
    e->index = index;
    e->running_since = 0;
    if (index >= map->next)
        map->next = index + 1;
    if (index_map_save(map) < 0) {
        remove_entry(map, e);
        map->next = old_next;
        return -1;
    }
    return 0;
}

/* -------------------------------------------------------------- snapshots */

void ax_snapshot_free(struct ax_snapshot *snap)
{
    if (!snap)
        return;
    for (size_t i = 0; i < snap->nvms; i++) {
        struct ax_vm *vm = &snap->vms[i];
        free(vm->name);
        free(vm->xml);
        free(vm->os_type);
        free(vm->type);
        free(vm->vcpu_us);
        for (size_t k = 0; k < vm->ndisks; k++) {
            free(vm->disks[k].name);
            free(vm->disks[k].source);
            free(vm->disks[k].format);
            free(vm->disks[k].bus);
        }
        free(vm->disks);
        for (size_t k = 0; k < vm->nnics; k++)
            free(vm->nics[k].model);
        free(vm->nics);
    }
    free(snap->vms);
    free(snap->error);
    free(snap->hv_software);
    free(snap->hv_version);
    free(snap->uri);
    free(snap);
}

int32_t ax_mem_unit(uint64_t cur_kib, uint64_t max_kib, int32_t *cur, int32_t *max)
{
    uint64_t big = cur_kib > max_kib ? cur_kib : max_kib;
    int shift = 0;

    while ((big >> shift) > 0x7fffffffULL)
        shift++;
    *cur = (int32_t)(cur_kib >> shift);
    *max = (int32_t)(max_kib >> shift);
    return (int32_t)(1024 << shift);    /* shift <= 33: 1024 << 21 at most for 2^64 KiB */
}

uint32_t ax_host_uptime_cs(void)
{
    FILE *f = fopen("/proc/uptime", "r");
    double up = 0;

    if (f) {
        if (fscanf(f, "%lf", &up) != 1)
            up = 0;
        fclose(f);
    }
    return (uint32_t)(up * 100.0);  /* TimeTicks wraps as SNMP expects */
}

/* libvirt states -> VM-MIB's admin and oper states (vm-mib.md 4.9). */
void ax_map_state(const struct vm_domain_stats *st, int *admin, int *oper)
{
    switch (st->state) {
    case VM_DOMAIN_RUNNING:
    case VM_DOMAIN_BLOCKED:
        *admin = VMADMINSTATE_RUNNING;
        *oper = VMOPERSTATE_RUNNING;
        break;
    case VM_DOMAIN_PAUSED:
        *admin = VMADMINSTATE_PAUSED;
        *oper = VMOPERSTATE_PAUSED;
        break;
    case VM_DOMAIN_SHUTDOWN:
        *admin = VMADMINSTATE_SHUTDOWN;
        *oper = VMOPERSTATE_SHUTTINGDOWN;
        break;
    case VM_DOMAIN_SHUTOFF:
        *admin = st->managed_save ? VMADMINSTATE_SUSPENDED : VMADMINSTATE_SHUTDOWN;
        *oper = st->managed_save ? VMOPERSTATE_SUSPENDED : VMOPERSTATE_SHUTDOWN;
        break;
    case VM_DOMAIN_CRASHED:
        *admin = VMADMINSTATE_SHUTDOWN;
        *oper = VMOPERSTATE_CRASHED;
        break;
    case VM_DOMAIN_PMSUSPENDED:
        *admin = VMADMINSTATE_RUNNING;
        *oper = VMOPERSTATE_OTHER;
        break;
    default:
        *admin = VMADMINSTATE_SHUTDOWN;
        *oper = VMOPERSTATE_UNKNOWN;
    }
    /* a domain whose hypervisor process does not answer keeps its row and
     * its last known admin state; what it is doing now is unknown */
    if (st->control != VM_DOMAIN_CONTROL_OK)
        *oper = VMOPERSTATE_UNKNOWN;
}

static int32_t size_mib(uint64_t bytes)
{
    uint64_t mib;

    if (bytes == VM_STAT_UNKNOWN)
        return -1;
    mib = bytes / 1048576;
    return mib > 0x7fffffffULL ? 0x7fffffff : (int32_t)mib;
}

static uint64_t us(uint64_t ns)
{
    return ns == VM_STAT_UNKNOWN ? 0 : ns / 1000;
}

/* The string *s, taken from its owner (the stats record, freed next):
 * "" when there is none. */
static char *take(char **s)
{
    char *r = *s ? *s : vm_strdup("");

    *s = NULL;
    return r;
}

/* A row from a stats record, whose strings it takes. */
static void fill_vm(struct ax_vm *vm, struct vm_domain_stats *st, struct ax_index_entry *e,
                    double now)
{
    vm->index = e->index;
    vm->name = take(&st->name);
    memcpy(vm->uuid, st->uuid, VM_UUID_BUFLEN);
    vm->os_type = take(&st->os_type);
    vm->type = take(&st->type);
    vm->id = st->id;
    ax_map_state(st, &vm->admin, &vm->oper);
    vm->running = vm_domain_state_is_running(st->state);
    vm->autostart = st->autostart ? VMAUTOSTART_ENABLED : VMAUTOSTART_DISABLED;
    vm->persistent = st->persistent ? VMPERSISTENT_PERSISTENT : VMPERSISTENT_TRANSIENT;
    vm->vcpus = (int32_t)st->vcpus;
    vm->cur_kib = st->mem_cur_kib == VM_STAT_UNKNOWN ? 0 : st->mem_cur_kib;
    vm->max_kib = st->mem_max_kib == VM_STAT_UNKNOWN ? 0 : st->mem_max_kib;
    vm->mem_unit = ax_mem_unit(vm->cur_kib, vm->max_kib, &vm->cur_mem, &vm->max_mem);
    vm->min_mem = -1;   /* no guaranteed minimum */

    /* vmUpTime: since we saw it go from shut off to active (pause keeps it) */
    if (st->id >= 0) {
        if (e->running_since == 0)
            e->running_since = now;
        vm->uptime_cs = (uint32_t)((now - e->running_since) * 100.0);
    } else {
        e->running_since = 0;
        vm->uptime_cs = 0;
    }
    vm->cpu_us = us(st->cpu_time_ns);
    VM_NEW_N(vm->vcpu_us, st->vcpus ? st->vcpus : 1);
    for (unsigned int i = 0; i < st->vcpus; i++) {
        /* without per-vCPU figures, the total split evenly */
        vm->vcpu_us[i] = i < st->nvcpu_times ? us(st->vcpu_time_ns[i]) : vm->cpu_us / st->vcpus;
    }

    vm->ndisks = st->nblock;
    VM_NEW_N(vm->disks, st->nblock);
    for (size_t i = 0; i < st->nblock; i++) {
        struct vm_block_stats *b = &st->block[i];
        struct ax_disk *d = &vm->disks[i];
        d->index = (int)i + 1;
        d->source_type = b->block_device                               ? VMSTORAGESOURCETYPE_BLOCK
                         : !b->format                                   ? VMSTORAGESOURCETYPE_UNKNOWN
                         : strcmp(b->format, "raw") == 0                ? VMSTORAGESOURCETYPE_RAW
                                                                        : VMSTORAGESOURCETYPE_SPARSE;
        d->name = take(&b->name);
        d->source = take(&b->source);
        d->format = take(&b->format);
        d->bus = take(&b->bus);
        d->access = b->readonly ? VMSTORAGEACCESS_READONLY : VMSTORAGEACCESS_READWRITE;
        d->media = b->media == VM_BLOCK_MEDIA_CDROM    ? VMSTORAGEMEDIATYPE_OPTICALDISK
                   : b->media == VM_BLOCK_MEDIA_FLOPPY ? VMSTORAGEMEDIATYPE_FLOPPYDISK
                                                       : VMSTORAGEMEDIATYPE_HARDDISK;
        d->defined_mib = size_mib(b->capacity_bytes);
        /* block and raw: allocated equals defined (RFC 7666) */
        d->allocated_mib = d->source_type == VMSTORAGESOURCETYPE_SPARSE
                               ? size_mib(b->allocation_bytes)
                               : d->defined_mib;
        d->rd_reqs = b->rd_reqs == VM_STAT_UNKNOWN ? 0 : b->rd_reqs;
        d->wr_reqs = b->wr_reqs == VM_STAT_UNKNOWN ? 0 : b->wr_reqs;
        d->rd_bytes = b->rd_bytes == VM_STAT_UNKNOWN ? 0 : b->rd_bytes;
        d->wr_bytes = b->wr_bytes == VM_STAT_UNKNOWN ? 0 : b->wr_bytes;
    }

    vm->nnics = st->nnet;
    VM_NEW_N(vm->nics, st->nnet);
    for (size_t i = 0; i < st->nnet; i++) {
        struct vm_net_stats *n = &st->net[i];
        struct ax_nic *c = &vm->nics[i];
        unsigned int m[6];
        c->index = (int)i + 1;
        /* the host's ifIndex of the tap is its kernel ifindex (net-snmp's
         * IF-MIB uses the same); 0 when the device is not on this host */
        c->ifindex = n->name ? (int)if_nametoindex(n->name) : 0;
        c->model = take(&n->model);
        if (n->mac && sscanf(n->mac, "%2x:%2x:%2x:%2x:%2x:%2x", &m[0], &m[1], &m[2], &m[3],
                             &m[4], &m[5]) == 6) {
            for (int k = 0; k < 6; k++)
                c->mac[k] = (unsigned char)m[k];
            c->has_mac = true;
        }
        c->rx_bytes = n->rx_bytes;
        c->rx_pkts = n->rx_pkts;
        c->rx_errs = n->rx_errs;
        c->rx_drop = n->rx_drop;
        c->tx_bytes = n->tx_bytes;
        c->tx_pkts = n->tx_pkts;
        c->tx_errs = n->tx_errs;
        c->tx_drop = n->tx_drop;
    }
}

static int cmp_vm(const void *a, const void *b)
{
    const struct ax_vm *x = a, *y = b;
    return (x->index > y->index) - (x->index < y->index);
}

/* Definitions kept from one snapshot to the next: fetching every
 * domain's XML at every refresh costs more than the bulk stats call.  An
 * entry is taken again when its domain is new, when a lifecycle event
 * names it (libvirt sends "defined" on a redefinition), or, for a driver
 * without events, at every refresh. */
struct ax_xml_cache {
    pthread_mutex_t lock;
    struct xml_entry {
        unsigned char uuid[VM_UUID_BUFLEN];
        char *xml;
        bool stale;
    } *e;
    size_t n, alloc;
    bool all_stale;
    unsigned long generation;   /* bumped by every invalidation */
};

/* Entries by UUID (the key may be a bare UUID: it comes first). */
static int cmp_entry(const void *a, const void *b)
{
    return memcmp(a, b, VM_UUID_BUFLEN);
}

struct ax_xml_cache *ax_xml_cache_new(void)
{
    struct ax_xml_cache *c;

    VM_NEW(c);
    pthread_mutex_init(&c->lock, NULL);
    c->all_stale = true;
    return c;
}

void ax_xml_cache_free(struct ax_xml_cache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++)
        free(c->e[i].xml);
    free(c->e);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

void ax_xml_cache_invalidate(struct ax_xml_cache *c, const unsigned char *uuid)
{
    struct xml_entry *e;

    pthread_mutex_lock(&c->lock);
    c->generation++;
    if (!uuid)
        c->all_stale = true;
    else if (c->n && (e = bsearch(uuid, c->e, c->n, sizeof(*c->e), cmp_entry)))
        e->stale = true;
    pthread_mutex_unlock(&c->lock);
}

/* Definitions fetched by a lookup each, at most; more take one listing. */
#define LOOKUPS_MAX 8

/* Domain handles by UUID, for qsort and (key: a bare UUID) bsearch. */
static int cmp_dom(const void *a, const void *b)
{
    unsigned char x[VM_UUID_BUFLEN], y[VM_UUID_BUFLEN];

    vm_domain_get_uuid(*(struct vm_domain *const *)a, x);
    vm_domain_get_uuid(*(struct vm_domain *const *)b, y);
    return memcmp(x, y, VM_UUID_BUFLEN);
}

static int cmp_uuid_dom(const void *key, const void *elem)
{
    unsigned char y[VM_UUID_BUFLEN];

    vm_domain_get_uuid(*(struct vm_domain *const *)elem, y);
    return memcmp(key, y, VM_UUID_BUFLEN);
}

/* Each domain's definition, for virtmonVmConfigXml: taken with the
 * snapshot, never per request; from cache (may be NULL: every one
 * fetched) while it is current.  dumpxml without --security-info: no
 * secrets reach SNMP.  A domain whose XML cannot be had reads empty. */
static void add_definitions(struct vm_connect *conn, struct ax_snapshot *snap,
                            struct ax_xml_cache *cache)
{
    struct xml_entry *kept = NULL;
    size_t nkept = 0, need = 0;
    unsigned long generation = 0;
    bool was_all_stale = false;
    struct vm_domain **doms = NULL;
    int ndoms = -1;

    /* what the cache holds, taken under its lock; the driver is asked
     * with no lock held (its event thread invalidates entries) */
    if (cache) {
        pthread_mutex_lock(&cache->lock);
        generation = cache->generation;
        was_all_stale = cache->all_stale;
        for (size_t k = 0; k < snap->nvms && !cache->all_stale; k++) {
            struct xml_entry *e =
                cache->n ? bsearch(snap->vms[k].uuid, cache->e, cache->n, sizeof(*cache->e),
                                   cmp_entry)
                         : NULL;
            if (e && !e->stale && e->xml)
                snap->vms[k].xml = vm_strdup(e->xml);
        }
        pthread_mutex_unlock(&cache->lock);
    }
    /* a few missing (events named them): a lookup each; many (a driver
     * without events, the first snapshot): one listing, since a lookup by
     * UUID may itself scan every domain (the QEMU driver's does) */
    for (size_t k = 0; k < snap->nvms; k++)
        need += !snap->vms[k].xml;
    if (need > LOOKUPS_MAX && (ndoms = vm_connect_list_domains(conn, &doms, 0)) > 0)
        qsort(doms, (size_t)ndoms, sizeof(*doms), cmp_dom);
    for (size_t k = 0; k < snap->nvms && need; k++) {
        struct ax_vm *vm = &snap->vms[k];
        struct vm_domain **found, *dom = NULL;
        if (vm->xml)
            continue;
        if (ndoms < 0)
            dom = vm_domain_lookup_by_uuid(conn, vm->uuid);
        else if (ndoms > 0 &&
                 (found = bsearch(vm->uuid, doms, (size_t)ndoms, sizeof(*doms), cmp_uuid_dom)))
            dom = *found;
        if (dom)
            vm->xml = vm_domain_get_xml(dom, 0);
        if (ndoms < 0)
            vm_domain_free(dom);
    }
    if (ndoms >= 0)
        vm_domain_list_free(doms, (size_t)ndoms);
    if (cache) {
        /* the next cache: every definition this snapshot holds; an entry
         * that was cached keeps its string and its staleness (an event may
         * have come meanwhile), one just fetched is stale if any event
         * came since we looked, and everything is after an invalidation
         * of all that came meanwhile */
        VM_NEW_N(kept, snap->nvms ? snap->nvms : 1);
        pthread_mutex_lock(&cache->lock);
        bool changed = cache->generation != generation;
        bool all = cache->all_stale && (!was_all_stale || changed);
        for (size_t k = 0; k < snap->nvms; k++) {
            const struct ax_vm *vm = &snap->vms[k];
            struct xml_entry *old =
                cache->n ? bsearch(vm->uuid, cache->e, cache->n, sizeof(*cache->e), cmp_entry)
                         : NULL;
            struct xml_entry *e = &kept[nkept];
            if (!vm->xml)
                continue;
            memcpy(e->uuid, vm->uuid, VM_UUID_BUFLEN);
            if (old && old->xml && strcmp(old->xml, vm->xml) == 0) {
                e->xml = old->xml;
                e->stale = old->stale;
                old->xml = NULL;
            } else {
                e->xml = vm_strdup(vm->xml);
                e->stale = changed;
            }
            e->stale = e->stale || all;
            nkept++;
        }
        /* what is gone is forgotten; sorted for bsearch */
        for (size_t i = 0; i < cache->n; i++)
            free(cache->e[i].xml);
        free(cache->e);
        if (nkept)
            qsort(kept, nkept, sizeof(*kept), cmp_entry);
        cache->e = kept;
        cache->n = cache->alloc = nkept;
        cache->all_stale = false;
        pthread_mutex_unlock(&cache->lock);
    }
    vm_error_reset();
}

struct ax_snapshot *ax_snapshot_build(struct vm_connect *conn, struct ax_index_map *map,
                                      const char *uri, struct ax_xml_cache *cache)
{
    struct ax_snapshot *snap;
    struct vm_domain_stats **stats = NULL;
    struct vm_node_info node;
    unsigned long long v = 0;
    const char *type;
    double now = mono_now();
    int n;

    VM_NEW(snap);
    snap->taken = time(NULL);
    snap->uri = vm_strdup(uri);
    if (!conn || (n = vm_connect_get_all_domain_stats(conn, &stats, 0)) < 0 ||
        vm_node_get_info(conn, &node, 0) < 0) {
        if (conn && stats)
            vm_domain_stats_list_free(stats, (size_t)n);
        snap->error = vm_strdup(vm_error_message());
        return snap;
    }
    type = vm_connect_get_type(conn);
    vm_connect_get_version(conn, &v, 0);
    snap->connected = true;
    snap->hv_software = vm_strdup(type ? type : "");
    snap->hv_version = vm_asprintf("%llu.%llu.%llu", v / 1000000, v / 1000 % 1000, v % 1000);
    snap->hv_uptime_cs = ax_host_uptime_cs();
    snap->mem_total_kib = node.memory_kib;
    snap->mem_free_kib = node.free_memory_kib;
    snap->cpus = (int32_t)node.cpus;
    vm_node_info_clear(&node);

    VM_NEW_N(snap->vms, (size_t)n);
    for (int i = 0; i < n; i++) {
        struct ax_index_entry *e = index_entry(map, stats[i]->uuid);
        if (!e)
            continue;   /* cannot persist a new index: leave the row out */
        fill_vm(&snap->vms[snap->nvms++], stats[i], e, now);
    }
    vm_domain_stats_list_free(stats, (size_t)n);
    add_definitions(conn, snap, cache);
    qsort(snap->vms, snap->nvms, sizeof(*snap->vms), cmp_vm);
    snap->next_free_index = ax_index_map_peek(map);
    return snap;
}

/* -------------------------------------------------------------- refresher */

struct ax_refresher {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool stop, poke;
    char *uri, *state_dir;
    int interval;
    int pipe[2];
    struct ax_snapshot *pending;
    /* One connection, shared with the agent's SETs (an in-memory test
     * driver exists once per connection), used under conn_lock. */
    pthread_mutex_t conn_lock;
    struct vm_connect *conn;
    struct ax_index_map *map;   /* opened on first use, under conn_lock */
    bool read_write;
    struct ax_xml_cache *xml;   /* definitions between snapshots */
    bool events;                /* the connection delivers lifecycle events */
};

/* A driver that pushes lifecycle events (XenAPI, virtmond) makes the next
 * snapshot come at once instead of at the next interval. */
static void on_event(struct vm_connect *conn, struct vm_domain *dom, int event, int detail,
                     void *opaque)
{
    struct ax_refresher *r = opaque;
    unsigned char uuid[VM_UUID_BUFLEN];

    /* a definition may have changed: take it again */
    if (vm_domain_get_uuid(dom, uuid) == 0)
        ax_xml_cache_invalidate(r->xml, uuid);
    ax_refresher_poke(r);
}

/* The connection, opened (again) if needed; conn_lock held by the caller. */
static struct vm_connect *refresher_conn(struct ax_refresher *r)
{
    if (!r->conn && (r->conn = vm_connect_open(r->uri, r->read_write ? 0 : VM_CONNECT_RO))) {
        int id = vm_connect_domain_event_register(r->conn, on_event, r, NULL, 0);
        /* no events: the interval alone */
        r->events = vm_optional_int(id, "lifecycle events") >= 0;
        /* a new connection may see other definitions */
        ax_xml_cache_invalidate(r->xml, NULL);
    }
    return r->conn;
}

static void *refresher_main(void *arg)
{
    struct ax_refresher *r = arg;

    for (;;) {
        struct ax_snapshot *snap;
        struct timespec until;
        struct ax_index_map *map;

        pthread_mutex_lock(&r->conn_lock);
        if (!(map = ax_refresher_index_map(r))) {
            snap = vm_calloc(1, sizeof(*snap));
            snap->taken = time(NULL);
            snap->uri = vm_strdup(r->uri);
            snap->error = vm_strdup(vm_error_message());
        } else {
            struct vm_connect *conn = refresher_conn(r);
            /* without events nothing says a definition changed */
            if (!r->events)
                ax_xml_cache_invalidate(r->xml, NULL);
            snap = ax_snapshot_build(conn, map, r->uri, r->xml);
            if (!snap->connected && r->conn) {
                /* a broken connection: open a new one next time */
                vm_connect_close(r->conn);
                r->conn = NULL;
            }
        }
        /* handed over before the connection is let go: a SET, which
         * takes the connection, then finds this snapshot pending and
         * drops it (it was taken before the SET's change) */
        pthread_mutex_lock(&r->lock);
        ax_snapshot_free(r->pending);
        r->pending = snap;
        pthread_mutex_unlock(&r->lock);
        pthread_mutex_unlock(&r->conn_lock);
        if (write(r->pipe[1], "s", 1) < 0) {
            /* the agent reads the pipe; a full pipe already says "new" */
        }
        pthread_mutex_lock(&r->lock);
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += r->interval;
        while (!r->stop && !r->poke &&
               pthread_cond_timedwait(&r->cond, &r->lock, &until) != ETIMEDOUT) {
        }
        r->poke = false;
        if (r->stop) {
            pthread_mutex_unlock(&r->lock);
            break;
        }
        pthread_mutex_unlock(&r->lock);
    }
    return NULL;
}

struct ax_index_map *ax_refresher_index_map(struct ax_refresher *r)
{
    if (!r->map)
        r->map = ax_index_map_open(r->state_dir);
    return r->map;
}

struct vm_connect *ax_refresher_conn_lock(struct ax_refresher *r)
{
    pthread_mutex_lock(&r->conn_lock);
    return refresher_conn(r);
}

void ax_refresher_conn_unlock(struct ax_refresher *r)
{
    pthread_mutex_unlock(&r->conn_lock);
}

struct ax_refresher *ax_refresher_start(const char *uri, int interval, const char *state_dir,
                                        bool read_write, int *notify_fd)
{
    struct ax_refresher *r;

    VM_NEW(r);
    r->read_write = read_write;
    pthread_mutex_init(&r->conn_lock, NULL);
    r->uri = vm_strdup(uri);
    r->state_dir = vm_strdup(state_dir);
    r->interval = interval > 0 ? interval : 5;
    r->xml = ax_xml_cache_new();
    pthread_mutex_init(&r->lock, NULL);
    pthread_cond_init(&r->cond, NULL);
    if (pipe2(r->pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
        vm_report_system_error(errno, "cannot create the refresh pipe");
        ax_xml_cache_free(r->xml);
        free(r->uri);
        free(r->state_dir);
        free(r);
        return NULL;
    }
    pthread_create(&r->thread, NULL, refresher_main, r);
    *notify_fd = r->pipe[0];
    return r;
}

void ax_refresher_drop_pending(struct ax_refresher *r)
{
    pthread_mutex_lock(&r->lock);
    ax_snapshot_free(r->pending);
    r->pending = NULL;
    pthread_mutex_unlock(&r->lock);
}

struct ax_snapshot *ax_refresher_take(struct ax_refresher *r)
{
    struct ax_snapshot *snap;
    char buf[64];

    while (read(r->pipe[0], buf, sizeof(buf)) > 0) {
    }
    pthread_mutex_lock(&r->lock);
    snap = r->pending;
    r->pending = NULL;
    pthread_mutex_unlock(&r->lock);
    return snap;
}

void ax_refresher_poke(struct ax_refresher *r)
{
    pthread_mutex_lock(&r->lock);
    r->poke = true;
    pthread_cond_signal(&r->cond);
    pthread_mutex_unlock(&r->lock);
}

void ax_refresher_stop(struct ax_refresher *r)
{
    if (!r)
        return;
    pthread_mutex_lock(&r->lock);
    r->stop = true;
    pthread_cond_signal(&r->cond);
    pthread_mutex_unlock(&r->lock);
    pthread_join(r->thread, NULL);
    if (r->conn)
        vm_connect_close(r->conn);
    ax_index_map_free(r->map);
    pthread_mutex_destroy(&r->conn_lock);
    ax_snapshot_free(r->pending);
    ax_xml_cache_free(r->xml);
    close(r->pipe[0]);
    close(r->pipe[1]);
    pthread_mutex_destroy(&r->lock);
    pthread_cond_destroy(&r->cond);
    free(r->uri);
    free(r->state_dir);
    free(r);
}
