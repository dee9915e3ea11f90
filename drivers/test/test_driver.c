/*
 * test_driver.c: the in-memory test driver (test:///default), per process,
 * read-write, with libvirt's state rules and counters that grow at the rates
 * the built-in fixture pins while a domain runs.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "test_driver.h"
#include "util/vm_alloc.h"
#include "util/vm_file.h"
#include "util/vm_host.h"
#include "util/vm_error.h"
#include "vm_driver.h"
#include "vm_event.h"

/* Pinned rates. */
#define TEST_CPU_SHARE_DIV 4            /* CPU time: 25 % of each vCPU */
#define TEST_DISK_RD_BPS 4096ULL
#define TEST_DISK_WR_BPS 8192ULL
#define TEST_DISK_REQ_BYTES 4096ULL
#define TEST_NET_RX_BPS 1000ULL         /* received by the guest */
#define TEST_NET_TX_BPS 2000ULL         /* sent by the guest */
#define TEST_NET_PKT_BYTES 1000ULL
#define TEST_HV_VERSION 1000000ULL       /* 1.0.0 */

struct test_conn {
    pthread_mutex_t lock;
    struct test_node node;
    struct test_dom *doms;
    size_t ndoms, alloc;
    int next_id;
    struct vm_event_list events;
};

/* An event to deliver once the lock is dropped. */
struct test_event {
    bool pending;
    char *name;
    unsigned char uuid[VM_UUID_BUFLEN];
    int id, event, detail;
};

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint64_t running_ns(const struct test_dom *dom);

/* The domain's CPU time: 25 % of each vCPU online while it ran. */
static uint64_t cpu_ns(const struct test_dom *d)
{
    return d->cpu_banked_ns +
           (running_ns(d) - d->cpu_run_mark_ns) * d->def->vcpus_current / TEST_CPU_SHARE_DIV;
}

static uint64_t running_ns(const struct test_dom *dom)
{
    uint64_t ns = dom->banked_ns;

    if (dom->state == VM_DOMAIN_RUNNING)
        ns += now_ns() - dom->running_since_ns;
    return ns;
}

/* Moves a domain to a new state, banking or starting its running time. */
static void set_state(struct test_dom *dom, int state, int reason)
{
    if (dom->state == VM_DOMAIN_RUNNING && state != VM_DOMAIN_RUNNING)
        dom->banked_ns = running_ns(dom);
    if (state == VM_DOMAIN_RUNNING && dom->state != VM_DOMAIN_RUNNING)
        dom->running_since_ns = now_ns();
    dom->state = state;
    dom->reason = reason;
}

static bool dom_is_active(const struct test_dom *dom)
{
    return dom->state != VM_DOMAIN_SHUTOFF;
}

static enum vm_drv_open_result test_open(struct vm_connect *conn, const struct vm_uri *uri,
                                         unsigned int flags)
{
    struct test_conn *priv;
    uint64_t start;
    VM_AUTOFREE char *file = NULL;
    const char *xml = test_fixture_default_xml;
    size_t len = strlen(test_fixture_default_xml);

    if (strcmp(uri->driver, "test") != 0 || uri->transport)
        return VM_DRV_OPEN_DECLINED;
    VM_CHECK_FLAGS(flags, VM_CONNECT_RO, VM_DRV_OPEN_ERROR);
    if (uri->host) {
        vm_report_error(VM_ERR_INVALID_URI,
                        "the test driver is local: URI '%s://%s%s' must not name a host",
                        uri->scheme, uri->host, uri->path);
        return VM_DRV_OPEN_ERROR;
    }
    if (vm_uri_check_params(uri, 0) < 0)
        return VM_DRV_OPEN_ERROR;
    if (strcmp(uri->path, "/default") != 0) {
        if (uri->path[0] != '/' || strlen(uri->path) < 2) {
            vm_report_error(VM_ERR_INVALID_URI,
                            "test driver URI needs '/default' or an absolute fixture path, not "
                            "'%s'",
                            uri->path);
            return VM_DRV_OPEN_ERROR;
        }
        if (!(file = vm_file_read(uri->path, "test driver fixture", VM_FILE_MAX_XML, &len)))
            return VM_DRV_OPEN_ERROR;
        xml = file;
    }

    VM_NEW(priv);
    if (test_fixture_load(xml, len, file ? uri->path : "test:///default", &priv->node,
                          &priv->doms, &priv->ndoms) < 0) {
        free(priv);
        return VM_DRV_OPEN_ERROR;
    }
    pthread_mutex_init(&priv->lock, NULL);
    vm_event_list_init(&priv->events);
    priv->alloc = priv->ndoms;
    priv->next_id = 1;
    /* Counters start when the connection opens. */
    start = now_ns();
    for (size_t i = 0; i < priv->ndoms; i++) {
        priv->doms[i].running_since_ns = start;
        if (priv->doms[i].id >= priv->next_id)
            priv->next_id = priv->doms[i].id + 1;
    }
    conn->priv = priv;
    return VM_DRV_OPEN_SUCCESS;
}

static int test_close(struct vm_connect *conn)
{
    struct test_conn *priv = conn->priv;

    if (!priv)
        return 0;
    vm_event_list_clear(&priv->events);
    for (size_t i = 0; i < priv->ndoms; i++)
        test_dom_clear(&priv->doms[i]);
    free(priv->doms);
    free(priv->node.cpu_model);
    pthread_mutex_destroy(&priv->lock);
    free(priv);
    conn->priv = NULL;
    return 0;
}

static int test_get_version(struct vm_connect *conn, unsigned long long *version,
                            unsigned int flags)
{
    VM_CHECK_FLAGS(flags, 0, -1);
    *version = TEST_HV_VERSION;
    return 0;
}

static char *test_get_hostname(struct vm_connect *conn, unsigned int flags)
{
    VM_CHECK_FLAGS(flags, 0, NULL);
    return vm_host_name();
}

static int test_is_alive(struct vm_connect *conn)
{
    return 1;
}

static int test_node_get_info(struct vm_connect *conn, struct vm_node_info *info,
                              unsigned int flags)
{
    struct test_conn *priv = conn->priv;
    uint64_t used = 0;

    VM_CHECK_FLAGS(flags, 0, -1);
    pthread_mutex_lock(&priv->lock);
    info->cpu_model = vm_strdup(priv->node.cpu_model);
    info->cpus = priv->node.cpus;
    info->mhz = priv->node.mhz;
    info->numa_cells = priv->node.numa_cells;
    info->sockets = priv->node.sockets;
    info->cores = priv->node.cores;
    info->threads = priv->node.threads;
    info->memory_kib = priv->node.memory_kib;
    /* Free memory: what the active domains do not hold. */
    for (size_t i = 0; i < priv->ndoms; i++) {
        if (dom_is_active(&priv->doms[i]))
            used += priv->doms[i].def->cur_memory_kib;
    }
    info->free_memory_kib = used < info->memory_kib ? info->memory_kib - used : 0;
    pthread_mutex_unlock(&priv->lock);
    return 0;
}

/* A new handle for doms[i] (lock held). */
static struct vm_domain *handle(struct vm_connect *conn, struct test_conn *priv, size_t i)
{
    const struct test_dom *d = &priv->doms[i];
    struct vm_domain *dom = vm_domain_new(conn, d->def->name, d->def->uuid, d->id);

    dom->drv_hint = i;
    return dom;
}

static bool list_wants(const struct test_dom *dom, unsigned int flags)
{
    unsigned int both = VM_LIST_ACTIVE | VM_LIST_INACTIVE;

    if ((flags & both) == 0 || (flags & both) == both)
        return true;
    return (flags & VM_LIST_ACTIVE) ? dom_is_active(dom) : !dom_is_active(dom);
}

static int test_list_domains(struct vm_connect *conn, struct vm_domain ***domains,
                             unsigned int flags)
{
    struct test_conn *priv = conn->priv;
    struct vm_domain **list;
    size_t n = 0;

    VM_CHECK_FLAGS(flags, VM_LIST_ACTIVE | VM_LIST_INACTIVE, -1);
    pthread_mutex_lock(&priv->lock);
    VM_NEW_N(list, priv->ndoms + 1);
    for (size_t i = 0; i < priv->ndoms; i++) {
        if (list_wants(&priv->doms[i], flags))
            list[n++] = handle(conn, priv, i);
    }
    pthread_mutex_unlock(&priv->lock);
    *domains = list;
    return (int)n;
}

/* The domain a handle names, with priv->lock held on success.  The handle's
 * hint makes the usual case O(1) (a list of 10,000 domains then queries
 * each one); a stale hint falls back to a scan. */
static struct test_dom *dom_get(struct vm_domain *dom, struct test_conn **privp)
{
    struct test_conn *priv = dom->conn->priv;
    size_t h = dom->drv_hint;

    pthread_mutex_lock(&priv->lock);
    *privp = priv;
    if (h < priv->ndoms && memcmp(priv->doms[h].def->uuid, dom->uuid, VM_UUID_BUFLEN) == 0)
        return &priv->doms[h];
    for (size_t i = 0; i < priv->ndoms; i++) {
        if (memcmp(priv->doms[i].def->uuid, dom->uuid, VM_UUID_BUFLEN) == 0) {
            dom->drv_hint = i;
            return &priv->doms[i];
        }
    }
    pthread_mutex_unlock(&priv->lock);
    vm_report_error(VM_ERR_NO_DOMAIN, "domain '%s' no longer exists", dom->name);
    return NULL;
}

static struct vm_domain *lookup_where(struct vm_connect *conn, const char *name,
                                      const unsigned char *uuid, int id)
{
    struct test_conn *priv = conn->priv;
    struct vm_domain *found = NULL;

    pthread_mutex_lock(&priv->lock);
    for (size_t i = 0; i < priv->ndoms && !found; i++) {
        const struct test_dom *d = &priv->doms[i];
        if ((name && strcmp(d->def->name, name) == 0) ||
            (uuid && memcmp(d->def->uuid, uuid, VM_UUID_BUFLEN) == 0) ||
            (!name && !uuid && dom_is_active(d) && d->id == id))
            found = handle(conn, priv, i);
    }
    pthread_mutex_unlock(&priv->lock);
    if (!found)
        vm_report_no_domain(name, uuid, id);
    return found;
}

static struct vm_domain *test_lookup_by_name(struct vm_connect *conn, const char *name,
                                             unsigned int flags)
{
    VM_CHECK_FLAGS(flags, 0, NULL);
    return lookup_where(conn, name, NULL, -1);
}

static struct vm_domain *test_lookup_by_uuid(struct vm_connect *conn, const unsigned char *uuid,
                                             unsigned int flags)
{
    VM_CHECK_FLAGS(flags, 0, NULL);
    return lookup_where(conn, NULL, uuid, -1);
}

static struct vm_domain *test_lookup_by_id(struct vm_connect *conn, int id, unsigned int flags)
{
    VM_CHECK_FLAGS(flags, 0, NULL);
    return lookup_where(conn, NULL, NULL, id);
}

static int test_get_id(struct vm_domain *dom, unsigned int flags)
{
    struct test_conn *priv;
    struct test_dom *d;
    int id;

    VM_CHECK_FLAGS(flags, 0, -1);
    if (!(d = dom_get(dom, &priv)))
        return -1;
    id = dom_is_active(d) ? d->id : -1;
    pthread_mutex_unlock(&priv->lock);
    return id;
}

static uint64_t scaled(uint64_t run_ns, uint64_t per_second)
{
    return run_ns / 1000 * per_second / 1000000;
}

/* Fills a new stats record from d (lock held). */
static struct vm_domain_stats *dom_stats(const struct test_dom *d)
{
    struct vm_domain_stats *st;
    uint64_t run = running_ns(d);

    VM_NEW(st);
    st->name = vm_strdup(d->def->name);
    memcpy(st->uuid, d->def->uuid, VM_UUID_BUFLEN);
    st->id = dom_is_active(d) ? d->id : -1;
    st->type = vm_strdup(vm_virt_type_name(d->def->type));
    st->os_type = vm_strdup(d->def->os_type);
    st->state = d->state;
    st->reason = d->reason;
    st->persistent = d->persistent;
    st->autostart = d->autostart;
    st->managed_save = d->managed_save;
    st->vcpus = d->def->vcpus_current;
    st->vcpus_max = d->def->vcpus;
    st->cpu_time_ns = cpu_ns(d);
    st->nvcpu_times = d->def->vcpus_current;
    VM_NEW_N(st->vcpu_time_ns, st->nvcpu_times);
    for (size_t i = 0; i < st->nvcpu_times; i++)
        st->vcpu_time_ns[i] = run / TEST_CPU_SHARE_DIV;
    st->cpu_util_pct = NAN;
    st->mem_max_kib = d->def->memory_kib;
    st->mem_cur_kib = d->def->cur_memory_kib;
    vm_domain_def_fill_devices(d->def, st);
    for (size_t i = 0; i < st->nblock; i++) {
        struct vm_block_stats *b = &st->block[i];
        b->rd_bytes = scaled(run, TEST_DISK_RD_BPS);
        b->wr_bytes = scaled(run, TEST_DISK_WR_BPS);
        b->rd_reqs = b->rd_bytes / TEST_DISK_REQ_BYTES;
        b->wr_reqs = b->wr_bytes / TEST_DISK_REQ_BYTES;
        b->errs = 0;
    }
    for (size_t i = 0; i < st->nnet; i++) {
        struct vm_net_stats *n = &st->net[i];
        n->rx_bytes = scaled(run, TEST_NET_RX_BPS);
        n->tx_bytes = scaled(run, TEST_NET_TX_BPS);
        n->rx_pkts = n->rx_bytes / TEST_NET_PKT_BYTES;
        n->tx_pkts = n->tx_bytes / TEST_NET_PKT_BYTES;
        n->rx_errs = n->rx_drop = n->tx_errs = n->tx_drop = 0;
    }
    return st;
}

static int test_get_info(struct vm_domain *dom, struct vm_domain_info *info, unsigned int flags)
{
    struct test_conn *priv;
    struct test_dom *d;

    VM_CHECK_FLAGS(flags, 0, -1);
    if (!(d = dom_get(dom, &priv)))
        return -1;
    info->state = d->state;
    info->vcpus = d->def->vcpus_current;
    info->max_mem_kib = d->def->memory_kib;
    info->cur_mem_kib = d->def->cur_memory_kib;
    info->cpu_time_ns = cpu_ns(d);
    pthread_mutex_unlock(&priv->lock);
    return 0;
}

static int test_get_state(struct vm_domain *dom, int *state, int *reason, unsigned int flags)
{
    struct test_conn *priv;
    struct test_dom *d;

    VM_CHECK_FLAGS(flags, 0, -1);
    if (!(d = dom_get(dom, &priv)))
        return -1;
    *state = d->state;
    *reason = d->reason;
    pthread_mutex_unlock(&priv->lock);
    return 0;
}

static int test_get_control(struct vm_domain *dom, int *control, unsigned int flags)
{
    struct test_conn *priv;

    VM_CHECK_FLAGS(flags, 0, -1);
    if (!dom_get(dom, &priv))
        return -1;
    /* in memory: it always answers */
    *control = VM_DOMAIN_CONTROL_OK;
    pthread_mutex_unlock(&priv->lock);
    return 0;
}

static int test_get_vcpu_count(struct vm_domain *dom, unsigned int flags)
{
    struct test_conn *priv;
    struct test_dom *d;
    bool live, config;
    int n = -1;

    VM_CHECK_FLAGS(flags, VM_DOMAIN_AFFECT_LIVE | VM_DOMAIN_AFFECT_CONFIG | VM_DOMAIN_VCPU_MAXIMUM,
                   -1);
    if (!(d = dom_get(dom, &priv)))
        return -1;
    if (vm_domain_affected(flags, dom_is_active(d), d->persistent, &live, &config) == 0) {
        const struct vm_domain_def *def = !live && d->next_def ? d->next_def : d->def;
        n = (int)((flags & VM_DOMAIN_VCPU_MAXIMUM) ? def->vcpus : def->vcpus_current);
    }
    pthread_mutex_unlock(&priv->lock);
    return n;
}

/* libvirt's test driver maps 8 host CPUs (its virNodeGetCPUMap), whatever
 * the fixture's node says; its vCPUs may run on every CPU of the node (or
 * the definition's cpuset) and report the last of them as where they run. */
#define TEST_CPUMAP_CPUS 8

static struct vm_vcpu_list *test_get_vcpus(struct vm_domain *dom, unsigned int flags)
{
    struct test_conn *priv;
    struct test_dom *d;
    struct vm_vcpu_list *l;
    unsigned int host = 0;
    unsigned char *all;
    int last = -1;
    uint64_t run;

    VM_CHECK_FLAGS(flags, 0, NULL);
    if (!(d = dom_get(dom, &priv)))
        return NULL;
    host = priv->node.numa_cells * priv->node.sockets * priv->node.cores * priv->node.threads;
    if (!host)
        host = priv->node.cpus ? priv->node.cpus : 1;
    VM_NEW_N(all, (host + 7) / 8);
    if (!d->def->vcpu_cpuset || vm_cpuset_parse(d->def->vcpu_cpuset, all, host) < 0) {
        for (unsigned int c = 0; c < host; c++)
            all[c / 8] |= (unsigned char)(1u << (c % 8));
    }
    for (unsigned int c = 0; c < host; c++) {
        if (all[c / 8] & (1u << (c % 8)))
            last = (int)c;
    }
    run = running_ns(d);
    VM_NEW(l);
    l->host_cpus = TEST_CPUMAP_CPUS;
    l->n = d->def->vcpus_current;
    VM_NEW_N(l->vcpus, l->n);
    for (size_t i = 0; i < l->n; i++) {
        struct vm_vcpu_info *v = &l->vcpus[i];
        v->number = (unsigned int)i;
        v->state = dom_is_active(d) ? VM_VCPU_RUNNING : -1;
        v->cpu = dom_is_active(d) ? last : -1;
        v->cpu_time_ns = dom_is_active(d) ? run / TEST_CPU_SHARE_DIV : VM_STAT_UNKNOWN;
        VM_NEW_N(v->cpumap, 1);
        v->cpumap[0] = all[0];
    }
    free(all);
    pthread_mutex_unlock(&priv->lock);
    return l;
}

/* Whether the definition has a virtio balloon (which libvirt's test driver
 * answers memory statistics for): asked of its XML, where the balloon is
 * kept content. */
static bool has_virtio_balloon(const struct vm_domain_def *def)
{
    VM_AUTOFREE char *xml = vm_domain_def_format(def, VM_DOMAIN_FORMAT_INACTIVE);
    xmlDocPtr doc = xml ? xmlReadMemory(xml, (int)strlen(xml), "domain.xml", NULL,
                                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)
                        : NULL;
    xmlXPathContextPtr ctx = doc ? xmlXPathNewContext(doc) : NULL;
    xmlXPathObjectPtr res = ctx ? xmlXPathEvalExpression(
                                      BAD_CAST "boolean(/domain/devices/memballoon"
                                               "[starts-with(@model, 'virtio')])",
                                      ctx)
                                : NULL;
    bool yes = res && res->type == XPATH_BOOLEAN && res->boolval;

    xmlXPathFreeObject(res);
    xmlXPathFreeContext(ctx);
    xmlFreeDoc(doc);
    return yes;
}

static int test_memory_stats(struct vm_domain *dom, struct vm_memory_stat *stats, unsigned int nr,
                             unsigned int flags)
{
    struct test_conn *priv;
    struct test_dom *d;
    uint64_t cur;
    unsigned int n = 0;
    /* libvirt's test driver's figures: fixed shares of the current memory,
     * and a fixed last_update */
    struct vm_memory_stat all[VM_MEMORY_STAT_NR];

    VM_CHECK_FLAGS(flags, 0, -1);
    if (!(d = dom_get(dom, &priv)))
        return -1;
    if (!dom_is_active(d)) {
        pthread_mutex_unlock(&priv->lock);
        vm_report_error(VM_ERR_OPERATION_INVALID, "domain is not running");
        return -1;
    }
    cur = d->def->cur_memory_kib;
    if (has_virtio_balloon(d->def)) {
        static const int order[] = {
            VM_MEMORY_STAT_ACTUAL_BALLOON, VM_MEMORY_STAT_SWAP_IN,     VM_MEMORY_STAT_SWAP_OUT,
            VM_MEMORY_STAT_MAJOR_FAULT,    VM_MEMORY_STAT_MINOR_FAULT, VM_MEMORY_STAT_UNUSED,
            VM_MEMORY_STAT_AVAILABLE,      VM_MEMORY_STAT_USABLE,      VM_MEMORY_STAT_LAST_UPDATE,
            VM_MEMORY_STAT_DISK_CACHES,    VM_MEMORY_STAT_HUGETLB_PGALLOC,
            VM_MEMORY_STAT_HUGETLB_PGFAIL, VM_MEMORY_STAT_RSS,
        };
        uint64_t val[VM_MEMORY_STAT_NR] = {
            [VM_MEMORY_STAT_ACTUAL_BALLOON] = cur, [VM_MEMORY_STAT_UNUSED] = cur / 2,
            [VM_MEMORY_STAT_AVAILABLE] = cur,      [VM_MEMORY_STAT_USABLE] = cur / 2,
            [VM_MEMORY_STAT_LAST_UPDATE] = 627319920, [VM_MEMORY_STAT_DISK_CACHES] = cur / 8,
            [VM_MEMORY_STAT_RSS] = cur / 2,
        };
        for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
            all[i].tag = order[i];
            all[i].val = val[order[i]];
        }
        n = sizeof(order) / sizeof(order[0]);
    }
    pthread_mutex_unlock(&priv->lock);
    if (n > nr)
        n = nr;
    memcpy(stats, all, n * sizeof(*stats));
    return (int)n;
}

/* libvirt's test driver's node CPU times: fixed, for any CPU. */
static int test_node_cpu_stats(struct vm_connect *conn, int cpu, struct vm_node_cpu_stats *st,
                               unsigned int flags)
{
    (void)conn;
    (void)cpu;
    VM_CHECK_FLAGS(flags, 0, -1);
    st->user_ns = 9797400000ULL;
    st->kernel_ns = 34678723400000ULL;
    st->idle_ns = 87264900000ULL;
    st->iowait_ns = 763600000ULL;
    return 0;
}

static struct vm_domain_stats *test_get_stats(struct vm_domain *dom, unsigned int flags)
{
    struct test_conn *priv;
    struct test_dom *d;
    struct vm_domain_stats *st;

    VM_CHECK_FLAGS(flags, 0, NULL);
    if (!(d = dom_get(dom, &priv)))
        return NULL;
    st = dom_stats(d);
    pthread_mutex_unlock(&priv->lock);
    return st;
}

static int test_get_all_stats(struct vm_connect *conn, struct vm_domain_stats ***stats,
                              unsigned int flags)
{
    struct test_conn *priv = conn->priv;
    struct vm_domain_stats **list;
    size_t n = 0;

    /* VM_STATS_GUEST: no domain of the test driver has an agent (guest stays NULL) */
    VM_CHECK_FLAGS(flags, VM_LIST_ACTIVE | VM_LIST_INACTIVE | VM_STATS_GUEST, -1);
    pthread_mutex_lock(&priv->lock);
    VM_NEW_N(list, priv->ndoms + 1);
    for (size_t i = 0; i < priv->ndoms; i++) {
        if (list_wants(&priv->doms[i], flags))
            list[n++] = dom_stats(&priv->doms[i]);
    }
    pthread_mutex_unlock(&priv->lock);
    *stats = list;
    return (int)n;
}

static void event_note(struct test_event *ev, const struct test_dom *d, int event, int detail)
{
    ev->pending = true;
    ev->name = vm_strdup(d->def->name);
    memcpy(ev->uuid, d->def->uuid, VM_UUID_BUFLEN);
    ev->id = d->id;
    ev->event = event;
    ev->detail = detail;
}

static void event_fire(struct vm_connect *conn, struct test_event *ev)
{
    struct test_conn *priv = conn->priv;

    if (!ev->pending)
        return;
    vm_event_list_dispatch(&priv->events, conn, ev->name, ev->uuid, ev->id, ev->event,
                           ev->detail);
    free(ev->name);
}

/* Removes a transient domain that has stopped (lock held). */
static void drop_if_transient(struct test_conn *priv, struct test_dom *d)
{
    size_t i = (size_t)(d - priv->doms);

    if (d->persistent || dom_is_active(d))
        return;
    test_dom_clear(d);
    memmove(&priv->doms[i], &priv->doms[i + 1], (priv->ndoms - i - 1) * sizeof(*d));
    priv->ndoms--;
}

/* Takes an active domain off, banking nothing: counters restart at start. */
static void power_off(struct test_conn *priv, struct test_dom *d, int reason,
                      struct test_event *ev, int event, int detail)
{
    set_state(d, VM_DOMAIN_SHUTOFF, reason);
    event_note(ev, d, event, detail);
    d->id = -1;
    if (d->next_def) { /* a definition made while it ran takes over now */
        vm_domain_def_free(d->def);
        d->def = vm_steal_ptr(&d->next_def);
    }
    drop_if_transient(priv, d);
}

enum test_op {
    TEST_OP_START,
    TEST_OP_SHUTDOWN,
    TEST_OP_DESTROY,
    TEST_OP_SUSPEND,
    TEST_OP_RESUME,
    TEST_OP_REBOOT,
    TEST_OP_RESET,
    TEST_OP_SAVE,
};

/* One place for every state transition, so the rules read as a table. */
static int test_transition(struct vm_domain *dom, enum test_op op, unsigned int flags)
{
    struct test_conn *priv;
    struct test_dom *d;
    struct test_event ev = {0};
    int ret = -1;

    /* nothing of the test driver's needs a grace: graceful is destroy */
    VM_CHECK_FLAGS(flags,
                   op == TEST_OP_START     ? VM_DOMAIN_START_PAUSED
                   : op == TEST_OP_DESTROY ? VM_DOMAIN_DESTROY_GRACEFUL
                                           : 0,
                   -1);
    if (!(d = dom_get(dom, &priv)))
        return -1;

    switch (op) {
    case TEST_OP_START:
        if (dom_is_active(d)) {
            vm_report_error(VM_ERR_OPERATION_INVALID, "domain '%s' is already running", d->def->name);
            goto out;
        }
        d->id = priv->next_id++;
        d->banked_ns = d->cpu_banked_ns = d->cpu_run_mark_ns = 0;
        if (d->managed_save) {
            d->managed_save = false;
            set_state(d, VM_DOMAIN_RUNNING, VM_RUNNING_RESTORED);
            event_note(&ev, d, VM_EVENT_STARTED, 2 /* restored */);
        } else {
            set_state(d, VM_DOMAIN_RUNNING, VM_RUNNING_BOOTED);
            event_note(&ev, d, VM_EVENT_STARTED, 0 /* booted */);
        }
        if (flags & VM_DOMAIN_START_PAUSED)
            set_state(d, VM_DOMAIN_PAUSED, VM_PAUSED_USER);
        break;
    case TEST_OP_SUSPEND:
        if (d->state != VM_DOMAIN_RUNNING) {
            vm_report_error(VM_ERR_OPERATION_INVALID, "domain '%s' is not running (it is %s)",
                            d->def->name, vm_domain_state_name(d->state));
            goto out;
        }
        set_state(d, VM_DOMAIN_PAUSED, VM_PAUSED_USER);
        event_note(&ev, d, VM_EVENT_SUSPENDED, 0);
        break;
    case TEST_OP_RESUME:
        if (d->state != VM_DOMAIN_PAUSED) {
            vm_report_error(VM_ERR_OPERATION_INVALID, "domain '%s' is not paused (it is %s)",
                            d->def->name, vm_domain_state_name(d->state));
            goto out;
        }
        set_state(d, VM_DOMAIN_RUNNING, VM_RUNNING_UNPAUSED);
        event_note(&ev, d, VM_EVENT_RESUMED, 0);
        break;
    default:
        if (!dom_is_active(d)) {
            vm_report_error(VM_ERR_OPERATION_INVALID, "domain '%s' is not running", d->def->name);
            goto out;
        }
        switch (op) {
        case TEST_OP_SHUTDOWN:
            /* No guest to ask: the test driver's guests obey at once. */
            power_off(priv, d, VM_SHUTOFF_SHUTDOWN, &ev, VM_EVENT_STOPPED, 0);
            break;
        case TEST_OP_DESTROY:
            power_off(priv, d, VM_SHUTOFF_DESTROYED, &ev, VM_EVENT_STOPPED, 2);
            break;
        case TEST_OP_SAVE:
            if (!d->persistent) {
                vm_report_error(VM_ERR_OPERATION_INVALID,
                                "cannot do managed save of transient domain '%s'", d->def->name);
                goto out;
            }
            d->managed_save = true;
            power_off(priv, d, VM_SHUTOFF_SAVED, &ev, VM_EVENT_STOPPED, 4);
            break;
        case TEST_OP_REBOOT:
            set_state(d, VM_DOMAIN_RUNNING, VM_RUNNING_BOOTED);
            break;
        case TEST_OP_RESET:
            break;
        default:
            break;
        }
    }
    ret = 0;
out:
    pthread_mutex_unlock(&priv->lock);
    event_fire(dom->conn, &ev);
    return ret;
}

#define TEST_OP_FN(fname, op)                                 \
    static int fname(struct vm_domain *dom, unsigned int flags) \
    {                                                         \
        return test_transition(dom, op, flags);               \
    }
TEST_OP_FN(test_start, TEST_OP_START)
TEST_OP_FN(test_shutdown, TEST_OP_SHUTDOWN)
TEST_OP_FN(test_destroy, TEST_OP_DESTROY)
TEST_OP_FN(test_suspend, TEST_OP_SUSPEND)
TEST_OP_FN(test_resume, TEST_OP_RESUME)
TEST_OP_FN(test_reboot, TEST_OP_REBOOT)
TEST_OP_FN(test_reset, TEST_OP_RESET)
TEST_OP_FN(test_managed_save, TEST_OP_SAVE)

/* The index of the domain called name or with uuid, or -1 (lock held). */
static ssize_t find_dom(struct test_conn *priv, const char *name, const unsigned char *uuid)
{
    for (size_t i = 0; i < priv->ndoms; i++) {
        if ((name && strcmp(priv->doms[i].def->name, name) == 0) ||
            (uuid && memcmp(priv->doms[i].def->uuid, uuid, VM_UUID_BUFLEN) == 0))
            return (ssize_t)i;
    }
    return -1;
}

/* Refuses a definition whose name or UUID belongs to another domain (lock
 * held); *same gets the index of the domain with both, or -1. */
static int check_clash(struct test_conn *priv, const struct vm_domain_def *def, ssize_t *same)
{
    ssize_t by_name = find_dom(priv, def->name, NULL);
    ssize_t by_uuid = find_dom(priv, NULL, def->uuid);
    char uuid[VM_UUID_STRING_BUFLEN];

    vm_uuid_format(def->uuid, uuid);
    if (by_name >= 0 && by_name != by_uuid) {
        char other[VM_UUID_STRING_BUFLEN];
        vm_uuid_format(priv->doms[by_name].def->uuid, other);
        vm_report_error(VM_ERR_DOMAIN_EXISTS, "domain '%s' already exists with UUID '%s'",
                        def->name, other);
        return -1;
    }
    if (by_uuid >= 0 && by_name != by_uuid) {
        vm_report_error(VM_ERR_DOMAIN_EXISTS, "domain with UUID '%s' already exists as '%s'",
                        uuid, priv->doms[by_uuid].def->name);
        return -1;
    }
    *same = by_name;
    return 0;
}

static struct vm_domain *test_define(struct vm_connect *conn, const char *xml, unsigned int flags)
{
    struct test_conn *priv = conn->priv;
    struct vm_domain_def *def;
    struct test_event ev = {0};
    struct vm_domain *dom = NULL;
    ssize_t same;
    struct test_dom *d;

    VM_CHECK_FLAGS(flags, 0, NULL);
    if (!(def = vm_domain_def_parse_string(xml, 0)))
        return NULL;
    pthread_mutex_lock(&priv->lock);
    if (check_clash(priv, def, &same) < 0) {
        pthread_mutex_unlock(&priv->lock);
        vm_domain_def_free(def);
        return NULL;
    }
    if (same >= 0) {
        /* A new definition of an existing domain: a running one keeps what
         * it runs until it stops (libvirt's rule). */
        d = &priv->doms[same];
        if (dom_is_active(d)) {
            vm_domain_def_free(d->next_def);
            d->next_def = def;
        } else {
            vm_domain_def_free(d->def);
            d->def = def;
        }
        d->persistent = true;
        event_note(&ev, d, VM_EVENT_DEFINED, 1 /* updated */);
    } else {
        VM_GROW(priv->doms, priv->ndoms, priv->alloc);
        same = (ssize_t)priv->ndoms - 1;
        d = &priv->doms[same];
        *d = (struct test_dom){.def = def, .id = -1, .state = VM_DOMAIN_SHUTOFF,
                               .persistent = true};
        event_note(&ev, d, VM_EVENT_DEFINED, 0 /* added */);
    }
    dom = handle(conn, priv, (size_t)same);
    pthread_mutex_unlock(&priv->lock);
    event_fire(conn, &ev);
    return dom;
}

static struct vm_domain *test_create(struct vm_connect *conn, const char *xml, unsigned int flags)
{
    struct test_conn *priv = conn->priv;
    struct vm_domain_def *def;
    struct test_event ev = {0};
    struct vm_domain *dom;
    struct test_dom *d;

    VM_CHECK_FLAGS(flags, 0, NULL);
    if (!(def = vm_domain_def_parse_string(xml, 0)))
        return NULL;
    pthread_mutex_lock(&priv->lock);
    if (find_dom(priv, def->name, def->uuid) >= 0) {
        ssize_t i = find_dom(priv, def->name, def->uuid);
        vm_report_error(VM_ERR_DOMAIN_EXISTS, "domain '%s' already exists",
                        priv->doms[i].def->name);
        pthread_mutex_unlock(&priv->lock);
        vm_domain_def_free(def);
        return NULL;
    }
    VM_GROW(priv->doms, priv->ndoms, priv->alloc);
    d = &priv->doms[priv->ndoms - 1];
    *d = (struct test_dom){.def = def, .id = priv->next_id++, .state = VM_DOMAIN_SHUTOFF};
    set_state(d, VM_DOMAIN_RUNNING, VM_RUNNING_BOOTED);
    event_note(&ev, d, VM_EVENT_STARTED, 0 /* booted */);
    dom = handle(conn, priv, priv->ndoms - 1);
    pthread_mutex_unlock(&priv->lock);
    event_fire(conn, &ev);
    return dom;
}

/* The definitions a change touches (libvirt's rule): *live the running
 * one, *config the persistent one (split from the running one first), each
 * NULL when not asked.  -1 with the error when the domain lacks a side. */
static int defs_for(struct test_dom *d, unsigned int flags, struct vm_domain_def **live,
                    struct vm_domain_def **config)
{
    bool want_live, want_config;

    *live = *config = NULL;
    if (vm_domain_affected(flags, dom_is_active(d), d->persistent, &want_live, &want_config) < 0)
        return -1;
    /* a running persistent domain's definition goes its own way from the
     * first change of either side */
    if (dom_is_active(d) && d->persistent && !d->next_def)
        d->next_def = vm_domain_def_copy(d->def);
    if (want_live)
        *live = d->def;
    if (want_config)
        *config = dom_is_active(d) ? d->next_def : d->def;
    return 0;
}

static int test_set_memory(struct vm_domain *dom, uint64_t kib, unsigned int flags)
{
    struct test_conn *priv;
    struct test_dom *d;
    struct vm_domain_def *live, *config;
    int ret = -1;

    VM_CHECK_FLAGS(flags, VM_DOMAIN_AFFECT_LIVE | VM_DOMAIN_AFFECT_CONFIG | VM_DOMAIN_MEM_MAXIMUM,
                   -1);
    if (!(d = dom_get(dom, &priv)))
        return -1;
    if (defs_for(d, flags, &live, &config) < 0)
        goto out;
    if (flags & VM_DOMAIN_MEM_MAXIMUM) {
        if (live) {
            vm_report_error(VM_ERR_OPERATION_INVALID,
                            "cannot resize the maximum memory on an active domain");
            goto out;
        }
        vm_domain_def_set_memory(config, kib, true);
    } else {
        if ((live && kib > live->memory_kib) || (config && kib > config->memory_kib)) {
            vm_report_error(VM_ERR_INVALID_ARG, "cannot set memory higher than max memory");
            goto out;
        }
        if (live)
            vm_domain_def_set_memory(live, kib, false);
        if (config)
            vm_domain_def_set_memory(config, kib, false);
    }
    ret = 0;
out:
    pthread_mutex_unlock(&priv->lock);
    return ret;
}

static int test_set_vcpus(struct vm_domain *dom, unsigned int count, unsigned int flags)
{
    struct test_conn *priv;
    struct test_dom *d;
    struct vm_domain_def *live, *config;
    bool maximum = flags & VM_DOMAIN_VCPU_MAXIMUM;
    int ret = -1;

    VM_CHECK_FLAGS(flags, VM_DOMAIN_AFFECT_LIVE | VM_DOMAIN_AFFECT_CONFIG | VM_DOMAIN_VCPU_MAXIMUM,
                   -1);
    if (!(d = dom_get(dom, &priv)))
        return -1;
    if (defs_for(d, flags, &live, &config) < 0)
        goto out;
    if (maximum && live) {
        vm_report_error(VM_ERR_INVALID_ARG,
                        "the maximum vCPUs of a running domain cannot change: set it in its "
                        "definition (config)");
        goto out;
    }
    if ((live && count > live->vcpus) || (config && !maximum && count > config->vcpus)) {
        vm_report_error(VM_ERR_INVALID_ARG, "requested cpu amount exceeds maximum (%u > %u)",
                        count, live && count > live->vcpus ? live->vcpus : config->vcpus);
        goto out;
    }
    if (live) {
        /* what ran so far stays counted at the old rate */
        d->cpu_banked_ns = cpu_ns(d);
        d->cpu_run_mark_ns = running_ns(d);
        vm_domain_def_set_vcpus(live, count, false);
    }
    if (config)
        vm_domain_def_set_vcpus(config, count, maximum);
    ret = 0;
out:
    pthread_mutex_unlock(&priv->lock);
    return ret;
}

/* A test-driver save file: a header line, the state it was in, then its
 * definition (secrets too: the file is the caller's). */
#define TEST_SAVE_MAGIC "virtmon-test-save 1\n"

static int test_save(struct vm_domain *dom, const char *path, unsigned int flags)
{
    struct test_conn *priv;
    struct test_dom *d;
    struct test_event ev = {0};
    VM_AUTOFREE char *xml = NULL;
    VM_AUTOFREE char *data = NULL;
    int ret = -1;

    VM_CHECK_FLAGS(flags, 0, -1);
    if (!(d = dom_get(dom, &priv)))
        return -1;
    if (!dom_is_active(d)) {
        vm_report_error(VM_ERR_OPERATION_INVALID, "domain is not running");
        goto out;
    }
    xml = vm_domain_def_format(d->def, VM_DOMAIN_FORMAT_INACTIVE | VM_DOMAIN_FORMAT_SECURE);
    data = vm_asprintf("%sstate=%s\n%s", TEST_SAVE_MAGIC,
                       d->state == VM_DOMAIN_PAUSED ? "paused" : "running", xml);
    if (vm_file_write_atomic(path, data, strlen(data), 0600) < 0)
        goto out;
    power_off(priv, d, VM_SHUTOFF_SAVED, &ev, VM_EVENT_STOPPED, 4 /* saved */);
    ret = 0;
out:
    pthread_mutex_unlock(&priv->lock);
    event_fire(dom->conn, &ev);
    return ret;
}

static int test_restore(struct vm_connect *conn, const char *path, unsigned int flags)
{
    struct test_conn *priv = conn->priv;
    struct test_event ev = {0};
    VM_AUTOFREE char *data = NULL;
    struct vm_domain_def *def;
    const char *xml;
    struct test_dom *d;
    ssize_t same;
    size_t len;

    VM_CHECK_FLAGS(flags, 0, -1);
    if (!(data = vm_file_read(path, "save image", VM_FILE_MAX_XML, &len)))
        return -1;
    if (strncmp(data, TEST_SAVE_MAGIC, strlen(TEST_SAVE_MAGIC)) != 0 ||
        (strncmp(data + strlen(TEST_SAVE_MAGIC), "state=running\n", 14) != 0 &&
         strncmp(data + strlen(TEST_SAVE_MAGIC), "state=paused\n", 13) != 0)) {
        vm_report_error(VM_ERR_INVALID_ARG, "'%s' is not a save image of the test driver", path);
        return -1;
    }
    xml = strchr(data + strlen(TEST_SAVE_MAGIC), '\n') + 1;
    if (!(def = vm_domain_def_parse_string(xml, 0)))
        return -1;
    pthread_mutex_lock(&priv->lock);
    if (check_clash(priv, def, &same) < 0)
        goto error;
    if (same >= 0) {
        d = &priv->doms[same];
        if (dom_is_active(d)) {
            vm_report_error(VM_ERR_OPERATION_INVALID, "domain '%s' is already active",
                            d->def->name);
            goto error;
        }
        /* it runs what was saved; its definition is for the next boot */
        vm_domain_def_free(d->next_def);
        d->next_def = d->def;
        d->def = def;
    } else {
        VM_GROW(priv->doms, priv->ndoms, priv->alloc);
        same = (ssize_t)priv->ndoms - 1;
        d = &priv->doms[same];
        *d = (struct test_dom){.def = def, .id = -1, .state = VM_DOMAIN_SHUTOFF};
    }
    d->id = priv->next_id++;
    d->banked_ns = d->cpu_banked_ns = d->cpu_run_mark_ns = 0;
    /* running, whatever it was saved in: libvirt's test driver's rule */
    set_state(d, VM_DOMAIN_RUNNING, VM_RUNNING_RESTORED);
    event_note(&ev, d, VM_EVENT_STARTED, 2 /* restored */);
    pthread_mutex_unlock(&priv->lock);
    event_fire(conn, &ev);
    return 0;
error:
    pthread_mutex_unlock(&priv->lock);
    vm_domain_def_free(def);
    return -1;
}

static char *test_get_xml(struct vm_domain *dom, unsigned int flags)
{
    struct test_conn *priv;
    struct test_dom *d;
    const struct vm_domain_def *def;
    struct vm_domain_def *shown;
    char *xml;

    VM_CHECK_FLAGS(flags, VM_DOMAIN_XML_INACTIVE | VM_DOMAIN_XML_SECURE, NULL);
    if (!(d = dom_get(dom, &priv)))
        return NULL;
    def = (flags & VM_DOMAIN_XML_INACTIVE) && d->next_def ? d->next_def : d->def;
    shown = vm_domain_def_copy(def);
    shown->id = dom_is_active(d) && !(flags & VM_DOMAIN_XML_INACTIVE) ? d->id : -1;
    pthread_mutex_unlock(&priv->lock);
    xml = vm_domain_def_format(shown, flags & VM_DOMAIN_XML_SECURE ? VM_DOMAIN_FORMAT_SECURE : 0);
    vm_domain_def_free(shown);
    return xml;
}

static int test_has_managed_save(struct vm_domain *dom, unsigned int flags)
{
    struct test_conn *priv;
    struct test_dom *d;
    int r;

    VM_CHECK_FLAGS(flags, 0, -1);
    if (!(d = dom_get(dom, &priv)))
        return -1;
    r = d->managed_save;
    pthread_mutex_unlock(&priv->lock);
    return r;
}

static int test_undefine(struct vm_domain *dom, unsigned int flags)
{
    struct test_conn *priv;
    struct test_dom *d;
    struct test_event ev = {0};

    /* no domain of the test driver has UEFI variables: the nvram flags have
     * nothing to do, as in libvirt's test driver */
    VM_CHECK_FLAGS(flags,
                   VM_DOMAIN_UNDEFINE_MANAGED_SAVE | VM_DOMAIN_UNDEFINE_NVRAM |
                       VM_DOMAIN_UNDEFINE_KEEP_NVRAM,
                   -1);
    if (!(d = dom_get(dom, &priv)))
        return -1;
    if (!d->persistent) {
        pthread_mutex_unlock(&priv->lock);
        vm_report_error(VM_ERR_OPERATION_INVALID, "cannot undefine transient domain '%s'",
                        dom->name);
        return -1;
    }
    if (d->managed_save && !(flags & VM_DOMAIN_UNDEFINE_MANAGED_SAVE)) {
        pthread_mutex_unlock(&priv->lock);
        vm_report_error(VM_ERR_OPERATION_INVALID,
                        "refusing to undefine domain '%s' while it has a managed-save image",
                        dom->name);
        return -1;
    }
    d->managed_save = false;
    d->persistent = false;
    d->autostart = false;
    vm_domain_def_free(vm_steal_ptr(&d->next_def));
    event_note(&ev, d, VM_EVENT_UNDEFINED, 0);
    drop_if_transient(priv, d);
    pthread_mutex_unlock(&priv->lock);
    event_fire(dom->conn, &ev);
    return 0;
}

static int test_get_autostart(struct vm_domain *dom, int *autostart, unsigned int flags)
{
    struct test_conn *priv;
    struct test_dom *d;

    VM_CHECK_FLAGS(flags, 0, -1);
    if (!(d = dom_get(dom, &priv)))
        return -1;
    *autostart = d->autostart;
    pthread_mutex_unlock(&priv->lock);
    return 0;
}

static int test_set_autostart(struct vm_domain *dom, int autostart, unsigned int flags)
{
    struct test_conn *priv;
    struct test_dom *d;

    VM_CHECK_FLAGS(flags, 0, -1);
    if (!(d = dom_get(dom, &priv)))
        return -1;
    if (!d->persistent) {
        pthread_mutex_unlock(&priv->lock);
        vm_report_error(VM_ERR_OPERATION_INVALID,
                        "cannot set autostart for transient domain '%s'", dom->name);
        return -1;
    }
    d->autostart = autostart != 0;
    pthread_mutex_unlock(&priv->lock);
    return 0;
}

static int test_event_register(struct vm_connect *conn, vm_domain_event_cb cb, void *opaque,
                               void (*free_opaque)(void *), unsigned int flags)
{
    struct test_conn *priv = conn->priv;

    VM_CHECK_FLAGS(flags, 0, -1);
    return vm_event_list_add(&priv->events, cb, opaque, free_opaque);
}

static int test_event_deregister(struct vm_connect *conn, int callback_id)
{
    struct test_conn *priv = conn->priv;

    return vm_event_list_remove(&priv->events, callback_id);
}

const struct vm_driver vm_test_driver = {
    .name = "test",
    .hypervisor = "Test",
    .connect_open = test_open,
    .connect_close = test_close,
    .connect_get_version = test_get_version,
    .connect_get_hostname = test_get_hostname,
    .connect_is_alive = test_is_alive,
    .node_get_info = test_node_get_info,
    .node_get_cpu_stats = test_node_cpu_stats,
    .connect_list_domains = test_list_domains,
    .connect_get_all_domain_stats = test_get_all_stats,
    .connect_domain_event_register = test_event_register,
    .connect_domain_event_deregister = test_event_deregister,
    .domain_lookup_by_name = test_lookup_by_name,
    .domain_lookup_by_uuid = test_lookup_by_uuid,
    .domain_lookup_by_id = test_lookup_by_id,
    .domain_get_id = test_get_id,
    .domain_get_info = test_get_info,
    .domain_get_state = test_get_state,
    .domain_get_control = test_get_control,
    .domain_get_stats = test_get_stats,
    .domain_get_vcpu_count = test_get_vcpu_count,
    .domain_set_memory = test_set_memory,
    .domain_set_vcpus = test_set_vcpus,
    .domain_save = test_save,
    .domain_restore = test_restore,
    .domain_get_vcpus = test_get_vcpus,
    .domain_memory_stats = test_memory_stats,
    .domain_get_xml = test_get_xml,
    .domain_define_xml = test_define,
    .domain_create_xml = test_create,
    .domain_start = test_start,
    .domain_shutdown = test_shutdown,
    .domain_destroy = test_destroy,
    .domain_suspend = test_suspend,
    .domain_resume = test_resume,
    .domain_reboot = test_reboot,
    .domain_reset = test_reset,
    .domain_managed_save = test_managed_save,
    .domain_has_managed_save = test_has_managed_save,
    .domain_undefine = test_undefine,
    .domain_get_autostart = test_get_autostart,
    .domain_set_autostart = test_set_autostart,
};
