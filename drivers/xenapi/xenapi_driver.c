/*
 * xenapi_driver.c: Xen through XenAPI (xenapi://[user@]host[:port]/).
 *
 * Everything is read in bulk: a listing or a stats refresh is a fixed
 * number of calls (the get_all_records of VM, VM_metrics, host,
 * host_metrics, pool, plus VBD and VIF and one /rrd_updates for stats),
 * whatever the pool's size.  Byte counts become KiB here, once.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf/domain_conf.h"
#include "conf/domain_preserved.h"
#include "util/vm_alloc.h"
#include "util/vm_auth.h"
#include "util/vm_buf.h"
#include "util/vm_error.h"
#include "util/vm_log.h"
#include "xen_rrd.h"
#include "xenapi_priv.h"

/* ------------------------------------------------------------ inventory */

/* One VM as the tools see it. */
struct xa_vm {
    const char *ref;
    json_object *rec;           /* borrowed from the inventory */
    char *name;
    char uuid_str[VM_UUID_STRING_BUFLEN];
    unsigned char uuid[VM_UUID_BUFLEN];
    int id;
    int state, reason;
    bool saved, autostart, control;
    uint64_t max_kib, cur_kib;
    unsigned int vcpus;
    const char *os_type;        /* static */
};

struct xa_inv {
    json_object *vms, *metrics, *hosts, *host_metrics, *pools;
    const char *master;         /* host ref of the pool master */
    struct xa_vm *v;
    size_t n;
};

static void inv_free(struct xa_inv *inv)
{
    if (!inv)
        return;
    for (size_t i = 0; i < inv->n; i++)
        free(inv->v[i].name);
    free(inv->v);
    json_object_put(inv->vms);
    json_object_put(inv->metrics);
    json_object_put(inv->hosts);
    json_object_put(inv->host_metrics);
    json_object_put(inv->pools);
    free(inv);
}

/* A get_all_records result: a struct of ref -> record. */
static int all_records(struct xa_conn *x, const char *cls, json_object **out)
{
    VM_AUTOFREE char *method = vm_asprintf("%s.get_all_records", cls);

    if (xa_call(x, method, NULL, out) < 0)
        return -1;
    if (!json_object_is_type(*out, json_type_object)) {
        json_object_put(*out);
        *out = NULL;
        vm_report_error(VM_ERR_PROTOCOL, "XenAPI %s returned no struct of records", method);
        return -1;
    }
    return 0;
}

static json_object *record(json_object *all, const char *ref)
{
    json_object *r;

    return ref && json_object_object_get_ex(all, ref, &r) ? r : NULL;
}

static uint64_t kib(int64_t bytes)
{
    return bytes < 0 ? VM_STAT_UNKNOWN : (uint64_t)bytes / 1024;
}

static const char *os_type_of(json_object *rec)
{
    const char *t = xa_str(rec, "domain_type");

    if (strcmp(t, "pv") == 0)
        return "xen";
    if (strcmp(t, "pvh") == 0 || strcmp(t, "pv_in_pvh") == 0)
        return "xenpvh";
    if (strcmp(t, "hvm") == 0)
        return "hvm";
    /* older servers: HVM exactly when it boots by BIOS order */
    return *xa_str(rec, "HVM_boot_policy") ? "hvm" : "xen";
}

static void map_power(const char *power, struct xa_vm *v)
{
    v->saved = false;
    if (strcmp(power, "Running") == 0) {
        v->state = VM_DOMAIN_RUNNING;
        v->reason = VM_RUNNING_UNKNOWN;
    } else if (strcmp(power, "Paused") == 0) {
        v->state = VM_DOMAIN_PAUSED;
        v->reason = VM_PAUSED_USER;
    } else if (strcmp(power, "Suspended") == 0) {
        v->state = VM_DOMAIN_SHUTOFF;
        v->reason = VM_SHUTOFF_SAVED;
        v->saved = true;
    } else if (strcmp(power, "Halted") == 0) {
        v->state = VM_DOMAIN_SHUTOFF;
        v->reason = VM_SHUTOFF_UNKNOWN;
    } else {
        v->state = VM_DOMAIN_NOSTATE;
        v->reason = 0;
    }
}

static int cmp_vm(const void *a, const void *b)
{
    return strcmp(((const struct xa_vm *)a)->name, ((const struct xa_vm *)b)->name);
}

/* The host total of the host a VM lives on, in bytes (-1 when unknown). */
static int64_t host_total(const struct xa_inv *inv, const char *host_ref)
{
    json_object *h = record(inv->hosts, host_ref);
    json_object *m = h ? record(inv->host_metrics, xa_str(h, "metrics")) : NULL;

    return m ? xa_int(m, "memory_total", -1) : -1;
}

static void fill_vm(struct xa_inv *inv, const char *ref, json_object *rec, struct xa_vm *v)
{
    json_object *m = record(inv->metrics, xa_str(rec, "metrics"));
    json_object *other;
    const char *host_ref = xa_str(rec, "resident_on");
    int64_t domid = xa_int(rec, "domid", -1);
    int64_t smax = xa_int(rec, "memory_static_max", -1);

    v->ref = ref;
    v->rec = rec;
    snprintf(v->uuid_str, sizeof(v->uuid_str), "%s", xa_str(rec, "uuid"));
    /* a malformed UUID shows as zeros, the VM stays listed */
    vm_optional_int(vm_uuid_parse(v->uuid_str, v->uuid), "VM uuid");
    map_power(xa_str(rec, "power_state"), v);
    v->id = (v->state == VM_DOMAIN_RUNNING || v->state == VM_DOMAIN_PAUSED) && domid >= 0 &&
                    domid <= INT32_MAX
                ? (int)domid
                : -1;
    v->control = xa_bool(rec, "is_control_domain");
    if (v->control && domid == 0) {
        /* the control domain: Domain-0 on the master, Domain-0@HOST on the
         * other pool members */
        json_object *h = record(inv->hosts, host_ref);
        int64_t total = host_total(inv, host_ref);
        if (!h || !inv->master || strcmp(host_ref, inv->master) == 0)
            v->name = vm_strdup("Domain-0");
        else
            v->name = vm_asprintf("Domain-0@%s", *xa_str(h, "hostname") ? xa_str(h, "hostname")
                                                                        : xa_str(h, "name_label"));
        v->id = 0;
        /* "no limit": a static max at or above the host's memory */
        if (total > 0 && (smax < 0 || smax >= total))
            smax = total;
    } else {
        v->name = vm_strdup(xa_str(rec, "name_label"));
    }
    v->max_kib = kib(smax);
    if (v->id >= 0 && m && xa_int(m, "memory_actual", -1) > 0)
        v->cur_kib = kib(xa_int(m, "memory_actual", -1));
    else
        v->cur_kib = kib(xa_int(rec, "memory_dynamic_max", smax));
    if (v->cur_kib != VM_STAT_UNKNOWN && v->max_kib != VM_STAT_UNKNOWN && v->cur_kib > v->max_kib)
        v->cur_kib = v->max_kib;
    v->vcpus = (unsigned int)(v->id >= 0 && m ? xa_int(m, "VCPUs_number", 0) : 0);
    if (!v->vcpus)
        v->vcpus = (unsigned int)xa_int(rec, "VCPUs_at_startup", 0);
    v->autostart = json_object_object_get_ex(rec, "other_config", &other) &&
                   strcmp(xa_str(other, "auto_poweron"), "true") == 0;
    v->os_type = os_type_of(rec);
}

/* The pool's VMs, templates and snapshots left out, sorted by name. */
static struct xa_inv *inventory(struct xa_conn *x)
{
    struct xa_inv *inv;
    size_t n = 0;

    VM_NEW(inv);
    if (all_records(x, "VM", &inv->vms) < 0 || all_records(x, "VM_metrics", &inv->metrics) < 0 ||
        all_records(x, "host", &inv->hosts) < 0 ||
        all_records(x, "host_metrics", &inv->host_metrics) < 0 ||
        all_records(x, "pool", &inv->pools) < 0) {
        inv_free(inv);
        return NULL;
    }
    json_object_object_foreach(inv->pools, pref, pool) {
        (void)pref;
        inv->master = xa_str(pool, "master");
    }
    VM_NEW_N(inv->v, (size_t)json_object_object_length(inv->vms) + 1);
    json_object_object_foreach(inv->vms, ref, rec) {
        if (!json_object_is_type(rec, json_type_object) || xa_bool(rec, "is_a_template") ||
            xa_bool(rec, "is_a_snapshot"))
            continue;
        fill_vm(inv, ref, rec, &inv->v[n++]);
    }
    inv->n = n;
    qsort(inv->v, inv->n, sizeof(*inv->v), cmp_vm);
    return inv;
}

static struct xa_vm *inv_by_uuid(struct xa_inv *inv, const unsigned char *uuid)
{
    for (size_t i = 0; i < inv->n; i++) {
        if (memcmp(inv->v[i].uuid, uuid, VM_UUID_BUFLEN) == 0)
            return &inv->v[i];
    }
    return NULL;
}

/* ---------------------------------------------------------- connection */

static struct xa_conn *xa_of(struct vm_connect *conn)
{
    return conn->priv;
}

void xa_free(struct xa_conn *x)
{
    if (!x)
        return;
    xa_events_stop(x);
    if (x->session && x->http) {
        /* a courtesy: the server forgets the session now, not in 24 h */
        json_object *r = NULL;
        json_object *args = json_object_new_array();
        json_object_array_add(args, json_object_new_string(x->session));
        vm_optional_int(xa_call_plain(x, "session.logout", args, &r), "session.logout");
        json_object_put(r);
    }
    xen_http_free(x->http);
    if (!x->tls_borrowed)
        vm_tls_config_free(x->tls);
    vm_event_list_clear(&x->events);
    vm_auth_secret_free(x->password);
    free(x->session);
    free(x->user);
    free(x->host);
    free(x->uri_host);
    pthread_mutex_destroy(&x->lock);
    free(x);
}

static enum vm_drv_open_result xa_open(struct vm_connect *conn, const struct vm_uri *uri,
                                       unsigned int flags)
{
    VM_AUTOFREE char *authfile = NULL;
    struct xa_conn *x;

    if (strcmp(uri->driver, "xenapi") != 0)
        return VM_DRV_OPEN_DECLINED;
    VM_CHECK_FLAGS(flags, VM_CONNECT_RO, VM_DRV_OPEN_ERROR);
    if (uri->transport) {
        vm_report_error(VM_ERR_INVALID_URI, "xenapi URIs take no transport ('%s')", uri->scheme);
        return VM_DRV_OPEN_ERROR;
    }
    if (!uri->host) {
        vm_report_error(VM_ERR_INVALID_URI, "a xenapi URI names the pool master: "
                                            "xenapi://[user@]host[:port]/");
        return VM_DRV_OPEN_ERROR;
    }
    if (*uri->path && strcmp(uri->path, "/") != 0) {
        vm_report_error(VM_ERR_INVALID_URI, "a xenapi URI has no path ('%s')", uri->path);
        return VM_DRV_OPEN_ERROR;
    }
    if (vm_uri_check_params(uri, VM_URI_PARAM_NO_VERIFY | VM_URI_PARAM_PKI |
                                     VM_URI_PARAM_AUTHFILE) < 0)
        return VM_DRV_OPEN_ERROR;
    if (!(authfile = vm_auth_conf_path(uri->authfile)))
        return VM_DRV_OPEN_ERROR;
    VM_NEW(x);
    pthread_mutex_init(&x->lock, NULL);
    vm_event_list_init(&x->events);
    x->uri_host = vm_strdup(uri->host);
    x->host = vm_strdup(uri->host);
    x->port = uri->port > 0 ? uri->port : XA_PORT;
    if (!(x->tls = vm_tls_config_new(uri->pki)))
        goto error;
    x->tls->no_verify = uri->no_verify;
    x->user = uri->user ? vm_strdup(uri->user)
                        : vm_auth_get(&conn->auth, authfile, "xenapi", uri->host,
                                      VM_CRED_USERNAME, "XenAPI user name", "root");
    if (!x->user)
        goto error;
    /* the password is asked for before connecting, and sent only over a
     * connection whose certificate passed its checks */
    if (!(x->password = vm_auth_get(&conn->auth, authfile, "xenapi", uri->host,
                                    VM_CRED_PASSPHRASE, "XenAPI password", NULL)))
        goto error;
    conn->priv = x;
    if (xa_login(x) < 0) {
        conn->priv = NULL;
        goto error;
    }
    return VM_DRV_OPEN_SUCCESS;
error:
    xa_free(x);
    return VM_DRV_OPEN_ERROR;
}

static int xa_close(struct vm_connect *conn)
{
    xa_free(xa_of(conn));
    conn->priv = NULL;
    return 0;
}

static int xa_alive(struct vm_connect *conn)
{
    json_object *r = NULL;
    int ok = xa_call(xa_of(conn), "pool.get_all", NULL, &r) == 0;

    json_object_put(r);
    return ok;
}

/* The master's record and its metrics (borrowed from inv). */
static json_object *master_of(struct xa_inv *inv, json_object **metrics)
{
    json_object *h = record(inv->hosts, inv->master);

    *metrics = h ? record(inv->host_metrics, xa_str(h, "metrics")) : NULL;
    return h;
}

static int xa_version(struct vm_connect *conn, unsigned long long *version, unsigned int flags)
{
    struct xa_inv *inv;
    json_object *h, *m, *sw;
    unsigned int a = 0, b = 0, c = 0;

    VM_CHECK_FLAGS(flags, 0, -1);
    if (!(inv = inventory(xa_of(conn))))
        return -1;
    h = master_of(inv, &m);
    /* Xen's own version, as libvirt's xen driver reports it */
    if (h && json_object_object_get_ex(h, "software_version", &sw))
        sscanf(xa_str(sw, "xen"), "%u.%u.%u", &a, &b, &c);
    *version = (unsigned long long)a * 1000000 + b * 1000 + c;
    inv_free(inv);
    return 0;
}

static char *xa_hostname(struct vm_connect *conn, unsigned int flags)
{
    struct xa_inv *inv;
    json_object *h, *m;
    char *r;

    VM_CHECK_FLAGS(flags, 0, NULL);
    if (!(inv = inventory(xa_of(conn))))
        return NULL;
    h = master_of(inv, &m);
    r = vm_strdup(h && *xa_str(h, "hostname") ? xa_str(h, "hostname") : xa_of(conn)->host);
    inv_free(inv);
    return r;
}

static int xa_node_info(struct vm_connect *conn, struct vm_node_info *info, unsigned int flags)
{
    struct xa_inv *inv;
    json_object *h, *m, *cpu;

    VM_CHECK_FLAGS(flags, 0, -1);
    if (!(inv = inventory(xa_of(conn))))
        return -1;
    h = master_of(inv, &m);
    memset(info, 0, sizeof(*info));
    if (h && json_object_object_get_ex(h, "cpu_info", &cpu)) {
        info->cpu_model = vm_strdup(xa_str(cpu, "modelname"));
        info->cpus = (unsigned int)xa_int(cpu, "cpu_count", 0);
        /* "2400.000": MHz with decimals */
        info->mhz = (unsigned int)strtod(xa_str(cpu, "speed"), NULL);
        info->sockets = (unsigned int)xa_int(cpu, "socket_count", 1);
    }
    if (!info->cpu_model)
        info->cpu_model = vm_strdup("");
    info->numa_cells = 1;
    info->sockets = info->sockets ? info->sockets : 1;
    info->cores = info->cpus / info->sockets ? info->cpus / info->sockets : 1;
    info->threads = 1;
    info->memory_kib = m ? kib(xa_int(m, "memory_total", -1)) : VM_STAT_UNKNOWN;
    info->free_memory_kib = m ? kib(xa_int(m, "memory_free", -1)) : VM_STAT_UNKNOWN;
    inv_free(inv);
    return 0;
}

static bool list_wants(const struct xa_vm *v, unsigned int flags)
{
    bool active = v->id >= 0;

    if ((flags & (VM_LIST_ACTIVE | VM_LIST_INACTIVE)) == 0)
        return true;
    return active ? (flags & VM_LIST_ACTIVE) != 0 : (flags & VM_LIST_INACTIVE) != 0;
}

static int xa_list(struct vm_connect *conn, struct vm_domain ***domains, unsigned int flags)
{
    struct xa_inv *inv;
    size_t n = 0;

    VM_CHECK_FLAGS(flags, VM_LIST_ACTIVE | VM_LIST_INACTIVE, -1);
    if (!(inv = inventory(xa_of(conn))))
        return -1;
    VM_NEW_N(*domains, inv->n + 1);
    for (size_t i = 0; i < inv->n; i++) {
        if (list_wants(&inv->v[i], flags))
            (*domains)[n++] = vm_domain_new(conn, inv->v[i].name, inv->v[i].uuid, inv->v[i].id);
    }
    inv_free(inv);
    return (int)n;
}

/* ----------------------------------------------------------------- stats */

/* VBD or VIF records by the VM they belong to: sorted once per refresh,
 * so that a pool of N VMs costs N lookups, not N scans. */
struct devmap {
    struct devent {
        const char *vm;
        json_object *rec;
    } *e;
    size_t n;
};

static int cmp_devent(const void *a, const void *b)
{
    return strcmp(((const struct devent *)a)->vm, ((const struct devent *)b)->vm);
}

static void devmap_build(json_object *all, struct devmap *m)
{
    m->n = 0;
    VM_NEW_N(m->e, (size_t)json_object_object_length(all) + 1);
    json_object_object_foreach(all, ref, rec) {
        (void)ref;
        m->e[m->n++] = (struct devent){xa_str(rec, "VM"), rec};
    }
    qsort(m->e, m->n, sizeof(*m->e), cmp_devent);
}

/* The devices of vm_ref: *first and how many. */
static size_t devmap_find(const struct devmap *m, const char *vm_ref, const struct devent **first)
{
    size_t lo = 0, hi = m->n, end;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (strcmp(m->e[mid].vm, vm_ref) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (end = lo; end < m->n && strcmp(m->e[end].vm, vm_ref) == 0; end++)
        ;
    *first = m->e + lo;
    return end - lo;
}

/* A rate from the RRDs (source of the VM's entries), NaN when absent. */
static double rate(const struct xen_rrd_entry *e, size_t n, const char *source)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(e[i].source, source) == 0)
            return e[i].value;
    }
    return NAN;
}

/* A device's two rates, PREFIX_DEV_A and PREFIX_DEV_B ("vbd_xvda_read"),
 * NaN when the VM does not run or the RRDs lack them. */
static void dev_rates(const struct xa_vm *v, const struct xen_rrd_entry *e, size_t ne,
                      const char *prefix, const char *dev, const char *a, const char *b,
                      double *ra, double *rb)
{
    VM_AUTOFREE char *sa = vm_asprintf("%s_%s_%s", prefix, dev, a);
    VM_AUTOFREE char *sb = vm_asprintf("%s_%s_%s", prefix, dev, b);

    *ra = v->id >= 0 ? rate(e, ne, sa) : NAN;
    *rb = v->id >= 0 ? rate(e, ne, sb) : NAN;
}

static struct vm_domain_stats *stats_of(const struct xa_vm *v, const struct devmap *vbds,
                                        const struct devmap *vifs, const struct xen_rrd *rrd)
{
    struct vm_domain_stats *st;
    const struct xen_rrd_entry *e = NULL;
    size_t ne = xen_rrd_find(rrd, false, v->uuid_str, &e);
    const struct devent *dev;
    size_t ndev;
    double cpu = 0;
    unsigned int ncpu = 0;

    VM_NEW(st);
    st->name = vm_strdup(v->name);
    memcpy(st->uuid, v->uuid, VM_UUID_BUFLEN);
    st->id = v->id;
    st->type = vm_strdup("xen");
    st->os_type = vm_strdup(v->os_type);
    st->state = v->state;
    st->reason = v->reason;
    st->control = VM_DOMAIN_CONTROL_OK;
    st->persistent = true;
    st->autostart = v->autostart;
    st->managed_save = v->saved;
    st->vcpus = v->vcpus;
    /* XenAPI has rates, never counters */
    st->cpu_time_ns = VM_STAT_UNKNOWN;
    st->mem_max_kib = v->max_kib;
    st->mem_cur_kib = v->cur_kib;
    st->cpu_util_pct = NAN;
    for (size_t i = 0; i < ne; i++) {
        unsigned int k;
        char tail;
        if (sscanf(e[i].source, "cpu%u%c", &k, &tail) == 1 && !isnan(e[i].value)) {
            cpu += e[i].value;
            ncpu++;
        }
    }
    if (ncpu && v->id >= 0)
        st->cpu_util_pct = cpu / ncpu * 100.0;

    ndev = devmap_find(vbds, v->ref, &dev);
    VM_NEW_N(st->block, ndev ? ndev : 1);
    for (size_t i = 0; i < ndev; i++) {
        struct vm_block_stats *b = &st->block[st->nblock++];
        json_object *r = dev[i].rec;
        const char *d = xa_str(r, "device");
        b->name = vm_strdup(*d ? d : xa_str(r, "userdevice"));
        b->readonly = strcmp(xa_str(r, "mode"), "RO") == 0;
        b->media = strcmp(xa_str(r, "type"), "CD") == 0 ? VM_BLOCK_MEDIA_CDROM
                                                         : VM_BLOCK_MEDIA_DISK;
        b->capacity_bytes = b->allocation_bytes = VM_STAT_UNKNOWN;
        b->rd_reqs = b->rd_bytes = b->wr_reqs = b->wr_bytes = VM_STAT_UNKNOWN;
        b->errs = b->flush_reqs = b->rd_total_ns = b->wr_total_ns = b->flush_total_ns =
            VM_STAT_UNKNOWN;
        dev_rates(v, e, ne, "vbd", d, "read", "write", &b->rd_bytes_rate, &b->wr_bytes_rate);
    }
    ndev = devmap_find(vifs, v->ref, &dev);
    VM_NEW_N(st->net, ndev ? ndev : 1);
    for (size_t i = 0; i < ndev; i++) {
        struct vm_net_stats *n = &st->net[st->nnet++];
        const char *d = xa_str(dev[i].rec, "device");
        /* the backend's name in dom0, as xl and libvirt name it */
        n->name = v->id >= 0 ? vm_asprintf("vif%d.%s", v->id, d) : NULL;
        n->mac = vm_strdup(xa_str(dev[i].rec, "MAC"));
        n->rx_bytes = n->rx_pkts = n->rx_errs = n->rx_drop = VM_STAT_UNKNOWN;
        n->tx_bytes = n->tx_pkts = n->tx_errs = n->tx_drop = VM_STAT_UNKNOWN;
        dev_rates(v, e, ne, "vif", d, "rx", "tx", &n->rx_bytes_rate, &n->tx_bytes_rate);
    }
    return st;
}

/* The newest rates of every VM (and the host): the last minute of the 5 s
 * archive.  A pool whose RRD export fails still lists its VMs: the rates
 * are then unknown, and the failure is logged. */
static struct xen_rrd *rates(struct xa_conn *x)
{
    VM_AUTOFREE char *path =
        vm_asprintf("/rrd_updates?start=%lld&cf=AVERAGE&interval=5&host=true",
                    (long long)time(NULL) - 60);
    VM_AUTOFREE char *body = NULL;
    struct xen_rrd *rrd;
    size_t len;

    if (xa_get(x, path, &body, &len) < 0 || !(rrd = xen_rrd_parse(body, len))) {
        VM_WARN("%s: no rates from /rrd_updates: %s", x->host, vm_error_message());
        vm_error_reset();
        return NULL;
    }
    return rrd;
}

static int xa_all_stats(struct vm_connect *conn, struct vm_domain_stats ***stats,
                        unsigned int flags)
{
    struct xa_conn *x = xa_of(conn);
    struct xa_inv *inv;
    json_object *vbds = NULL, *vifs = NULL;
    struct devmap vbd_map, vif_map;
    struct xen_rrd *rrd;
    size_t n = 0;

    VM_CHECK_FLAGS(flags, VM_LIST_ACTIVE | VM_LIST_INACTIVE, -1);
    if (!(inv = inventory(x)))
        return -1;
    if (all_records(x, "VBD", &vbds) < 0 || all_records(x, "VIF", &vifs) < 0) {
        json_object_put(vbds);
        inv_free(inv);
        return -1;
    }
    rrd = rates(x);
    devmap_build(vbds, &vbd_map);
    devmap_build(vifs, &vif_map);
    VM_NEW_N(*stats, inv->n + 1);
    for (size_t i = 0; i < inv->n; i++) {
        if (list_wants(&inv->v[i], flags))
            (*stats)[n++] = stats_of(&inv->v[i], &vbd_map, &vif_map, rrd);
    }
    free(vbd_map.e);
    free(vif_map.e);
    xen_rrd_free(rrd);
    json_object_put(vbds);
    json_object_put(vifs);
    inv_free(inv);
    return (int)n;
}

/* --------------------------------------------------------------- domains */

/* The inventory and the handle's VM in it; NULL (no-domain) when gone. */
static struct xa_inv *find(struct vm_domain *dom, struct xa_vm **v)
{
    struct xa_inv *inv = inventory(xa_of(dom->conn));

    if (inv && !(*v = inv_by_uuid(inv, dom->uuid))) {
        inv_free(inv);
        vm_report_error(VM_ERR_NO_DOMAIN, "domain '%s' no longer exists", dom->name);
        return NULL;
    }
    return inv;
}

static struct vm_domain *lookup(struct vm_connect *conn, const char *name,
                                const unsigned char *uuid, int id)
{
    struct xa_inv *inv = inventory(xa_of(conn));
    struct vm_domain *dom = NULL;

    if (!inv)
        return NULL;
    for (size_t i = 0; i < inv->n && !dom; i++) {
        struct xa_vm *v = &inv->v[i];
        if ((name && strcmp(v->name, name) == 0) ||
            (uuid && memcmp(v->uuid, uuid, VM_UUID_BUFLEN) == 0) || (id >= 0 && v->id == id))
            dom = vm_domain_new(conn, v->name, v->uuid, v->id);
    }
    inv_free(inv);
    if (!dom)
        vm_report_no_domain(name, uuid, id);
    return dom;
}

static struct vm_domain *xa_lookup_name(struct vm_connect *conn, const char *name,
                                        unsigned int flags)
{
    VM_CHECK_FLAGS(flags, 0, NULL);
    return lookup(conn, name, NULL, -1);
}

static struct vm_domain *xa_lookup_uuid(struct vm_connect *conn, const unsigned char *uuid,
                                        unsigned int flags)
{
    VM_CHECK_FLAGS(flags, 0, NULL);
    return lookup(conn, NULL, uuid, -1);
}

static struct vm_domain *xa_lookup_id(struct vm_connect *conn, int id, unsigned int flags)
{
    VM_CHECK_FLAGS(flags, 0, NULL);
    return lookup(conn, NULL, NULL, id);
}

/* The scalars of the handle's VM (its strings and record left out). */
static int scalars(struct vm_domain *dom, struct xa_vm *out)
{
    struct xa_vm *v;
    struct xa_inv *inv = find(dom, &v);

    if (!inv)
        return -1;
    *out = *v;
    out->ref = NULL;
    out->rec = NULL;
    out->name = NULL;
    inv_free(inv);
    return 0;
}

static int xa_get_info(struct vm_domain *dom, struct vm_domain_info *info, unsigned int flags)
{
    struct xa_vm v;

    VM_CHECK_FLAGS(flags, 0, -1);
    if (scalars(dom, &v) < 0)
        return -1;
    info->state = v.state;
    info->vcpus = v.vcpus;
    info->max_mem_kib = v.max_kib;
    info->cur_mem_kib = v.cur_kib;
    info->cpu_time_ns = VM_STAT_UNKNOWN;
    return 0;
}

static int xa_get_id(struct vm_domain *dom, unsigned int flags)
{
    struct xa_vm v;

    VM_CHECK_FLAGS(flags, 0, -1);
    return scalars(dom, &v) < 0 ? -1 : v.id;
}

static int xa_get_state(struct vm_domain *dom, int *state, int *reason, unsigned int flags)
{
    struct xa_vm v;

    VM_CHECK_FLAGS(flags, 0, -1);
    if (scalars(dom, &v) < 0)
        return -1;
    *state = v.state;
    if (reason)
        *reason = v.reason;
    return 0;
}

static struct vm_domain_stats *xa_get_stats(struct vm_domain *dom, unsigned int flags)
{
    struct vm_domain_stats **all = NULL, *st = NULL;
    int n;

    VM_CHECK_FLAGS(flags, 0, NULL);
    if ((n = xa_all_stats(dom->conn, &all, 0)) < 0)
        return NULL;
    for (int i = 0; i < n; i++) {
        if (!st && memcmp(all[i]->uuid, dom->uuid, VM_UUID_BUFLEN) == 0) {
            st = all[i];
            all[i] = NULL;
        }
    }
    vm_domain_stats_list_free(all, (size_t)n);
    if (!st)
        vm_report_error(VM_ERR_NO_DOMAIN, "domain '%s' no longer exists", dom->name);
    return st;
}

static int xa_get_autostart(struct vm_domain *dom, int *autostart, unsigned int flags)
{
    struct xa_vm v;

    VM_CHECK_FLAGS(flags, 0, -1);
    if (scalars(dom, &v) < 0)
        return -1;
    *autostart = v.autostart;
    return 0;
}

static int xa_has_managed_save(struct vm_domain *dom, unsigned int flags)
{
    struct xa_vm v;

    VM_CHECK_FLAGS(flags, 0, -1);
    return scalars(dom, &v) < 0 ? -1 : v.saved;
}

/* The VM's ref (the caller's), from its UUID; no-domain when unknown. */
static char *vm_ref(struct vm_domain *dom)
{
    char u[VM_UUID_STRING_BUFLEN];
    json_object *args = json_object_new_array(), *r = NULL;
    char *ref;

    vm_uuid_format(dom->uuid, u);
    json_object_array_add(args, json_object_new_string(u));
    if (xa_call(xa_of(dom->conn), "VM.get_by_uuid", args, &r) < 0) {
        if (vm_error_code() == VM_ERR_NO_DOMAIN)
            vm_report_error(VM_ERR_NO_DOMAIN, "domain '%s' no longer exists", dom->name);
        return NULL;
    }
    ref = vm_strdup(json_object_get_string(r));
    json_object_put(r);
    return ref;
}

/* Calls VM.method(ref, extra...) (extra taken, may be NULL); *result (may
 * be NULL) gets the value. */
static int ref_call(struct vm_domain *dom, const char *ref, const char *method,
                    json_object *extra, json_object **result)
{
    json_object *args = json_object_new_array(), *r = NULL;
    int rc;

    json_object_array_add(args, json_object_new_string(ref));
    for (size_t i = 0; extra && i < json_object_array_length(extra); i++)
        json_object_array_add(args, json_object_get(json_object_array_get_idx(extra, i)));
    json_object_put(extra);
    rc = xa_call(xa_of(dom->conn), method, args, &r);
    if (result && rc == 0)
        *result = r;
    else
        json_object_put(r);
    return rc;
}

/* Calls VM.method(ref, extra...) on the domain (extra taken, may be NULL). */
static int vm_call(struct vm_domain *dom, const char *method, json_object *extra)
{
    VM_AUTOFREE char *ref = vm_ref(dom);

    if (!ref) {
        json_object_put(extra);
        return -1;
    }
    return ref_call(dom, ref, method, extra, NULL);
}

/* Whether the VM at ref is Suspended (its managed save): one call, not
 * the pool's inventory.  -1 with an error. */
static int suspended(struct vm_domain *dom, const char *ref)
{
    json_object *r = NULL;
    int s;

    if (ref_call(dom, ref, "VM.get_power_state", NULL, &r) < 0)
        return -1;
    s = strcmp(json_object_get_string(r) ? json_object_get_string(r) : "", "Suspended") == 0;
    json_object_put(r);
    return s;
}

/* [false, false]: start_paused and force of VM.start and VM.resume. */
static json_object *not_paused_not_forced(void)
{
    json_object *a = json_object_new_array();

    json_object_array_add(a, json_object_new_boolean(0));
    json_object_array_add(a, json_object_new_boolean(0));
    return a;
}

static int xa_start(struct vm_domain *dom, unsigned int flags)
{
    VM_AUTOFREE char *ref = NULL;
    int saved;

    VM_CHECK_FLAGS(flags, 0, -1);
    if (!(ref = vm_ref(dom)) || (saved = suspended(dom, ref)) < 0)
        return -1;
    /* a suspended VM starts from its image */
    return ref_call(dom, ref, saved ? "VM.resume" : "VM.start", not_paused_not_forced(), NULL);
}

#define XA_SIMPLE(fname, method)                                    \
    static int fname(struct vm_domain *dom, unsigned int flags)     \
    {                                                               \
        VM_CHECK_FLAGS(flags, 0, -1);                               \
        return vm_call(dom, method, NULL);                          \
    }

XA_SIMPLE(xa_shutdown, "VM.clean_shutdown")
XA_SIMPLE(xa_destroy, "VM.hard_shutdown")
XA_SIMPLE(xa_suspend, "VM.pause")
XA_SIMPLE(xa_resume, "VM.unpause")
XA_SIMPLE(xa_reboot, "VM.clean_reboot")
XA_SIMPLE(xa_reset, "VM.hard_reboot")
XA_SIMPLE(xa_managed_save, "VM.suspend")

static int xa_undefine(struct vm_domain *dom, unsigned int flags)
{
    VM_AUTOFREE char *ref = NULL;
    int saved;

    VM_CHECK_FLAGS(flags, VM_DOMAIN_UNDEFINE_MANAGED_SAVE, -1);
    if (!(ref = vm_ref(dom)) || (saved = suspended(dom, ref)) < 0)
        return -1;
    if (saved) {
        if (!(flags & VM_DOMAIN_UNDEFINE_MANAGED_SAVE)) {
            vm_report_error(VM_ERR_OPERATION_INVALID,
                            "domain '%s' has a managed-save image (it is Suspended): "
                            "undefine it with --managed-save to discard the image",
                            dom->name);
            return -1;
        }
        /* XenAPI discards a suspend image by a hard shutdown */
        if (ref_call(dom, ref, "VM.hard_shutdown", NULL, NULL) < 0)
            return -1;
    }
    return ref_call(dom, ref, "VM.destroy", NULL, NULL);
}

static int xa_set_autostart(struct vm_domain *dom, int autostart, unsigned int flags)
{
    json_object *a = json_object_new_array();

    VM_CHECK_FLAGS(flags, 0, -1);
    /* XenAPI keeps it in other_config; remove_from is a no-op when unset */
    json_object_array_add(a, json_object_new_string("auto_poweron"));
    if (vm_call(dom, "VM.remove_from_other_config", a) < 0)
        return -1;
    a = json_object_new_array();
    json_object_array_add(a, json_object_new_string("auto_poweron"));
    json_object_array_add(a, json_object_new_string(autostart ? "true" : "false"));
    return vm_call(dom, "VM.add_to_other_config", a);
}

/* ------------------------------------------------------------ definitions */

static enum vm_lifecycle_action action_of(const char *xen)
{
    if (strcmp(xen, "destroy") == 0)
        return VM_ACTION_DESTROY;
    if (strcmp(xen, "preserve") == 0)
        return VM_ACTION_PRESERVE;
    if (strcmp(xen, "rename_restart") == 0)
        return VM_ACTION_RENAME_RESTART;
    if (strcmp(xen, "coredump_and_destroy") == 0)
        return VM_ACTION_COREDUMP_DESTROY;
    if (strcmp(xen, "coredump_and_restart") == 0)
        return VM_ACTION_COREDUMP_RESTART;
    return VM_ACTION_RESTART;
}

static const char *xen_action(enum vm_lifecycle_action a)
{
    switch (a) {
    case VM_ACTION_DESTROY: return "destroy";
    case VM_ACTION_PRESERVE: return "preserve";
    case VM_ACTION_RENAME_RESTART: return "rename_restart";
    case VM_ACTION_COREDUMP_DESTROY: return "coredump_and_destroy";
    case VM_ACTION_COREDUMP_RESTART: return "coredump_and_restart";
    default: return "restart";
    }
}

/* HVM_boot_params' order ("dc") as boot devices, and back. */
static void boot_from_order(struct vm_domain_def *def, const char *order)
{
    for (const char *c = order; *c && def->nboot_devs < 4; c++) {
        const char *dev = *c == 'c' ? "hd" : *c == 'd' ? "cdrom" : *c == 'n' ? "network"
                        : *c == 'a' ? "fd" : NULL;
        if (!dev)
            continue;
        vm_realloc_n(&def->boot_devs, def->nboot_devs + 1, sizeof(*def->boot_devs));
        def->boot_devs[def->nboot_devs++] = vm_strdup(dev);
    }
}

static int mac_parse(const char *s, unsigned char mac[6])
{
    unsigned int m[6];

    if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]) != 6)
        return -1;
    for (int i = 0; i < 6; i++)
        mac[i] = (unsigned char)m[i];
    return 0;
}

/* The VM's disks (VBDs, with their VDI and SR) and interfaces (VIFs, with
 * their network's bridge): records fetched for this one VM. */
/* A device whose record the host would not give is said, not silently
 * missing from the definition. */
static void left_out(const struct vm_domain_def *def, const char *what, size_t i)
{
    VM_WARN("domain '%s': %s %zu left out of its definition: %s", def->name, what, i,
            vm_error_message());
    vm_error_reset();
}

static void add_devices(struct xa_conn *x, struct vm_domain_def *def, json_object *rec, int id)
{
    json_object *vbds, *vifs;

    if (json_object_object_get_ex(rec, "VBDs", &vbds)) {
        for (size_t i = 0; i < json_object_array_length(vbds); i++) {
            json_object *args = json_object_new_array(), *vbd = NULL, *vdi = NULL, *sr = NULL;
            struct vm_disk_def *d;
            json_object_array_add(args, json_object_get(json_object_array_get_idx(vbds, i)));
            if (xa_call(x, "VBD.get_record", args, &vbd) < 0) {
                left_out(def, "disk", i);
                continue;
            }
            vm_realloc_n(&def->disks, def->ndisks + 1, sizeof(*def->disks));
            d = &def->disks[def->ndisks++];
            memset(d, 0, sizeof(*d));
            d->type = VM_DISK_TYPE_BLOCK;
            d->device = strcmp(xa_str(vbd, "type"), "CD") == 0 ? VM_DISK_DEVICE_CDROM
                                                               : VM_DISK_DEVICE_DISK;
            d->readonly = strcmp(xa_str(vbd, "mode"), "RO") == 0;
            d->target_dev = vm_strdup(*xa_str(vbd, "device")
                                          ? xa_str(vbd, "device")
                                          : xa_str(vbd, "userdevice"));
            d->target_bus = vm_strdup("xen");
            if (strcmp(xa_str(vbd, "VDI"), "OpaqueRef:NULL") != 0 && *xa_str(vbd, "VDI")) {
                args = json_object_new_array();
                json_object_array_add(args, json_object_new_string(xa_str(vbd, "VDI")));
                if (vm_optional_int(xa_call(x, "VDI.get_record", args, &vdi), "VDI.get_record") ==
                    0) {
                    args = json_object_new_array();
                    json_object_array_add(args, json_object_new_string(xa_str(vdi, "SR")));
                    if (vm_optional_int(xa_call(x, "SR.get_uuid", args, &sr), "SR.get_uuid") == 0)
                        /* where tapdisk shows it in dom0 */
                        d->source = vm_asprintf("/dev/sm/backend/%s/%s",
                                                json_object_get_string(sr), xa_str(vdi, "uuid"));
                }
            }
            json_object_put(vbd);
            json_object_put(vdi);
            json_object_put(sr);
        }
    }
    if (json_object_object_get_ex(rec, "VIFs", &vifs)) {
        for (size_t i = 0; i < json_object_array_length(vifs); i++) {
            json_object *args = json_object_new_array(), *vif = NULL, *bridge = NULL;
            struct vm_net_def *n;
            json_object_array_add(args, json_object_get(json_object_array_get_idx(vifs, i)));
            if (xa_call(x, "VIF.get_record", args, &vif) < 0) {
                left_out(def, "interface", i);
                continue;
            }
            args = json_object_new_array();
            json_object_array_add(args, json_object_new_string(xa_str(vif, "network")));
            vm_optional_int(xa_call(x, "network.get_bridge", args, &bridge), "network.get_bridge");
            vm_realloc_n(&def->nets, def->nnets + 1, sizeof(*def->nets));
            n = &def->nets[def->nnets++];
            memset(n, 0, sizeof(*n));
            n->type = VM_NET_TYPE_BRIDGE;
            mac_parse(xa_str(vif, "MAC"), n->mac);
            n->source = vm_strdup(bridge && *json_object_get_string(bridge)
                                      ? json_object_get_string(bridge)
                                      : "xenbr0");
            n->target_dev = id >= 0 ? vm_asprintf("vif%d.%s", id, xa_str(vif, "device")) : NULL;
            json_object_put(vif);
            json_object_put(bridge);
        }
    }
}

static char *xa_get_xml(struct vm_domain *dom, unsigned int flags)
{
    struct xa_vm *v;
    struct xa_inv *inv;
    struct vm_domain_def *def;
    json_object *rec, *params;
    char *xml;

    /* XenAPI records hold no secrets: SECURE changes nothing */
    VM_CHECK_FLAGS(flags, VM_DOMAIN_XML_INACTIVE | VM_DOMAIN_XML_SECURE, NULL);
    if (!(inv = find(dom, &v)))
        return NULL;
    rec = v->rec;
    VM_NEW(def);
    def->type = VM_VIRT_XEN;
    def->id = flags & VM_DOMAIN_XML_INACTIVE ? -1 : v->id;
    def->name = vm_strdup(v->name);
    memcpy(def->uuid, v->uuid, VM_UUID_BUFLEN);
    if (*xa_str(rec, "name_description"))
        def->description = vm_strdup(xa_str(rec, "name_description"));
    def->memory_kib = v->max_kib;
    def->cur_memory_kib = v->cur_kib;
    def->vcpus = (unsigned int)xa_int(rec, "VCPUs_max", v->vcpus);
    def->os_type = vm_strdup(v->os_type);
    def->test_runstate = -1;
    if (strcmp(def->os_type, "hvm") == 0) {
        if (json_object_object_get_ex(rec, "HVM_boot_params", &params))
            boot_from_order(def, xa_str(params, "order"));
    } else {
        if (*xa_str(rec, "PV_kernel"))
            def->os_kernel = vm_strdup(xa_str(rec, "PV_kernel"));
        if (*xa_str(rec, "PV_ramdisk"))
            def->os_initrd = vm_strdup(xa_str(rec, "PV_ramdisk"));
        if (*xa_str(rec, "PV_args"))
            def->os_cmdline = vm_strdup(xa_str(rec, "PV_args"));
    }
    def->on_poweroff = action_of(xa_str(rec, "actions_after_shutdown"));
    def->on_reboot = action_of(xa_str(rec, "actions_after_reboot"));
    def->on_crash = action_of(xa_str(rec, "actions_after_crash"));
    add_devices(xa_of(dom->conn), def, rec, v->id);
    inv_free(inv);
    xml = vm_domain_def_format(def, flags & VM_DOMAIN_XML_INACTIVE ? VM_DOMAIN_FORMAT_INACTIVE
                                                                   : 0);
    vm_domain_def_free(def);
    return xml;
}

static void add_str(json_object *rec, const char *key, const char *value)
{
    json_object_object_add(rec, key, json_object_new_string(value ? value : ""));
}

static void add_bytes(json_object *rec, const char *key, uint64_t kib_value)
{
    /* ints travel as digit strings: json ints are written as such */
    json_object_object_add(rec, key, json_object_new_int64((int64_t)(kib_value * 1024)));
}

/* The VM.create record of a definition (see ../reference, B.7). */
static json_object *create_record(const struct vm_domain_def *def)
{
    json_object *rec = json_object_new_object(), *boot = json_object_new_object();
    bool hvm = !def->os_type || strcmp(def->os_type, "hvm") == 0;
    uint64_t cur = def->cur_memory_kib ? def->cur_memory_kib : def->memory_kib;
    struct vm_buf order = VM_BUF_INIT;

    add_str(rec, "name_label", def->name);
    add_str(rec, "name_description", def->description);
    json_object_object_add(rec, "user_version", json_object_new_int64(1));
    json_object_object_add(rec, "is_a_template", json_object_new_boolean(0));
    add_str(rec, "affinity", "OpaqueRef:NULL");
    add_bytes(rec, "memory_static_max", def->memory_kib);
    add_bytes(rec, "memory_dynamic_max", cur);
    add_bytes(rec, "memory_dynamic_min", cur);
    add_bytes(rec, "memory_static_min", cur);
    json_object_object_add(rec, "VCPUs_params", json_object_new_object());
    json_object_object_add(rec, "VCPUs_max", json_object_new_int64(def->vcpus));
    json_object_object_add(rec, "VCPUs_at_startup", json_object_new_int64(def->vcpus));
    add_str(rec, "actions_after_shutdown", xen_action(def->on_poweroff));
    add_str(rec, "actions_after_reboot", xen_action(def->on_reboot));
    add_str(rec, "actions_after_crash", xen_action(def->on_crash));
    /* PV: a kernel of its own, else pygrub from the disk */
    add_str(rec, "PV_bootloader", hvm || def->os_kernel ? "" : "pygrub");
    add_str(rec, "PV_kernel", hvm ? "" : def->os_kernel);
    add_str(rec, "PV_ramdisk", hvm ? "" : def->os_initrd);
    add_str(rec, "PV_args", hvm ? "" : def->os_cmdline);
    add_str(rec, "PV_bootloader_args", "");
    add_str(rec, "PV_legacy_args", "");
    add_str(rec, "HVM_boot_policy", hvm ? "BIOS order" : "");
    for (size_t i = 0; i < def->nboot_devs; i++) {
        const char *b = def->boot_devs[i];
        vm_buf_add(&order, strcmp(b, "hd") == 0        ? "c"
                           : strcmp(b, "cdrom") == 0   ? "d"
                           : strcmp(b, "network") == 0 ? "n"
                                                       : "a");
    }
    if (hvm)
        add_str(boot, "order", def->nboot_devs ? vm_buf_str(&order) : "cd");
    vm_buf_clear(&order);
    json_object_object_add(rec, "HVM_boot_params", boot);
    json_object_object_add(rec, "platform", json_object_new_object());
    add_str(rec, "PCI_bus", "");
    json_object_object_add(rec, "other_config", json_object_new_object());
    add_str(rec, "recommendations", "");
    return rec;
}

static struct vm_domain *xa_define(struct vm_connect *conn, const char *xml, unsigned int flags)
{
    struct vm_domain_def *def;
    struct vm_domain *dom = NULL;
    json_object *args, *ref = NULL;

    VM_CHECK_FLAGS(flags, 0, NULL);
    if (!(def = vm_domain_def_parse_string(xml, 0)))
        return NULL;
    if (def->preserved) {
        VM_AUTOFREE char *kept = vm_preserved_describe(def->preserved);
        vm_report_error(VM_ERR_NOT_SUPPORTED,
                        "domain '%s': XenAPI's VM.create cannot carry %s; remove it from the "
                        "definition",
                        def->name, kept);
        vm_domain_def_free(def);
        return NULL;
    }
    if (def->ndisks || def->nnets) {
        /* XenAPI needs an SR for a disk and a network for a NIC, which a
         * definition does not name */
        vm_report_error(VM_ERR_NOT_SUPPORTED,
                        "domain '%s': %s%s%s%s cannot be defined through XenAPI, which needs "
                        "the operator to pick a storage repository and a network; define it "
                        "without them and add them with 'xe vbd-create' / 'xe vif-create'",
                        def->name, def->ndisks ? "disk " : "",
                        def->ndisks ? def->disks[0].target_dev : "",
                        def->ndisks && def->nnets ? " and interface " : def->nnets ? "interface " : "",
                        def->nnets ? (def->nets[0].source ? def->nets[0].source : "") : "");
        vm_domain_def_free(def);
        return NULL;
    }
    if ((dom = vm_domain_lookup_by_name(conn, def->name))) {
        /* an existing name: XenAPI would make a second VM of that name */
        vm_domain_free(dom);
        vm_report_error(VM_ERR_DOMAIN_EXISTS, "domain '%s' already exists", def->name);
        vm_domain_def_free(def);
        return NULL;
    }
    if (vm_error_code() != VM_ERR_NO_DOMAIN) {
        /* the host did not answer: nothing is known of that name yet */
        vm_domain_def_free(def);
        return NULL;
    }
    vm_error_reset();
    args = json_object_new_array();
    json_object_array_add(args, create_record(def));
    if (xa_call(xa_of(conn), "VM.create", args, &ref) == 0) {
        json_object *a2 = json_object_new_array(), *uuid = NULL;
        unsigned char u[VM_UUID_BUFLEN];
        json_object_array_add(a2, json_object_get(ref));
        if (xa_call(xa_of(conn), "VM.get_uuid", a2, &uuid) == 0 &&
            vm_uuid_parse(json_object_get_string(uuid), u) == 0)
            dom = vm_domain_new(conn, def->name, u, -1);
        json_object_put(uuid);
    }
    json_object_put(ref);
    vm_domain_def_free(def);
    return dom;
}

/* ----------------------------------------------------------------- events */

static int xa_event_register(struct vm_connect *conn, vm_domain_event_cb cb, void *opaque,
                             void (*free_opaque)(void *), unsigned int flags)
{
    int id;

    VM_CHECK_FLAGS(flags, 0, -1);
    if ((id = vm_event_list_add(&xa_of(conn)->events, cb, opaque, free_opaque)) < 0)
        return -1;
    if (xa_events_start(conn) < 0) {
        vm_event_list_remove(&xa_of(conn)->events, id);
        return -1;
    }
    return id;
}

static int xa_event_deregister(struct vm_connect *conn, int id)
{
    return vm_event_list_remove(&xa_of(conn)->events, id);
}

const struct vm_driver vm_xenapi_driver = {
    .name = "xenapi",
    .hypervisor = "Xen",
    .connect_open = xa_open,
    .connect_close = xa_close,
    .connect_get_version = xa_version,
    .connect_get_hostname = xa_hostname,
    .connect_is_alive = xa_alive,
    .node_get_info = xa_node_info,
    .connect_list_domains = xa_list,
    .connect_get_all_domain_stats = xa_all_stats,
    .connect_domain_event_register = xa_event_register,
    .connect_domain_event_deregister = xa_event_deregister,
    .domain_lookup_by_name = xa_lookup_name,
    .domain_lookup_by_uuid = xa_lookup_uuid,
    .domain_lookup_by_id = xa_lookup_id,
    .domain_get_id = xa_get_id,
    .domain_get_info = xa_get_info,
    .domain_get_state = xa_get_state,
    .domain_get_stats = xa_get_stats,
    .domain_get_xml = xa_get_xml,
    .domain_define_xml = xa_define,
    .domain_start = xa_start,
    .domain_shutdown = xa_shutdown,
    .domain_destroy = xa_destroy,
    .domain_suspend = xa_suspend,
    .domain_resume = xa_resume,
    .domain_reboot = xa_reboot,
    .domain_reset = xa_reset,
    .domain_managed_save = xa_managed_save,
    .domain_has_managed_save = xa_has_managed_save,
    .domain_undefine = xa_undefine,
    .domain_get_autostart = xa_get_autostart,
    .domain_set_autostart = xa_set_autostart,
};
