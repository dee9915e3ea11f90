/*
 * libvirt_driver.c: the libvirt driver: libvirt:LIBVIRT-URI, every
 * operation one call of libvirt's C API, the bulk stats one
 * virConnectGetAllDomainStats.  Units and states are libvirt's (KiB, ns,
 * the same enumerations), so they pass through; the domain XML passes
 * through untouched both ways.  Credentials go through our callback and
 * auth.conf (service "libvirt"); libvirt's event loop runs in a thread of
 * this driver and feeds our lifecycle events.
 */
#include "config.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>
#include <time.h>

#include <libvirt/virterror.h>

#include "libvirt_priv.h"
#include "util/vm_alloc.h"
#include "util/vm_auth.h"
#include "util/vm_error.h"
#include "util/vm_log.h"

/* ------------------------------------------------------------- errors */

int lv_error(const char *what)
{
    virErrorPtr e = virGetLastError();
    enum vm_error_code code = VM_ERR_OPERATION_FAILED;

    if (e) {
        switch (e->code) {
        case VIR_ERR_NO_DOMAIN: code = VM_ERR_NO_DOMAIN; break;
        case VIR_ERR_INVALID_ARG:
        case VIR_ERR_INVALID_DOMAIN: code = VM_ERR_INVALID_ARG; break;
        case VIR_ERR_XML_ERROR:
        case VIR_ERR_XML_DETAIL:
        case VIR_ERR_XML_INVALID_SCHEMA: code = VM_ERR_XML; break;
        case VIR_ERR_OPERATION_INVALID: code = VM_ERR_OPERATION_INVALID; break;
        case VIR_ERR_NO_SUPPORT:
        case VIR_ERR_ARGUMENT_UNSUPPORTED: code = VM_ERR_NOT_SUPPORTED; break;
        case VIR_ERR_OPERATION_DENIED: code = VM_ERR_READ_ONLY; break;
        case VIR_ERR_AUTH_FAILED:
        case VIR_ERR_AUTH_CANCELLED:
        case VIR_ERR_AUTH_UNAVAILABLE:
        case VIR_ERR_ACCESS_DENIED: code = VM_ERR_AUTH; break;
        case VIR_ERR_OPERATION_TIMEOUT:
        case VIR_ERR_AGENT_UNRESPONSIVE: code = VM_ERR_TIMEOUT; break;
        case VIR_ERR_SYSTEM_ERROR: code = VM_ERR_SYSTEM; break;
        case VIR_ERR_NO_CONNECT:
        case VIR_ERR_RPC:
        case VIR_ERR_INVALID_CONN: code = VM_ERR_CONNECTION_LOST; break;
        case VIR_ERR_DOM_EXIST: code = VM_ERR_DOMAIN_EXISTS; break;
        default: break;
        }
    }
    vm_report_error(code, "%s: %s", what, e && e->message ? e->message : "libvirt gave no reason");
    return -1;
}

/* libvirt prints its errors on stderr unless told otherwise; the library
 * never prints */
static void silent(void *opaque, virErrorPtr e)
{
}

/* ----------------------------------------------------- the event loop */

static pthread_once_t loop_once = PTHREAD_ONCE_INIT;
static bool loop_running;

static void *run_loop(void *arg)
{
    for (;;) {
        if (virEventRunDefaultImpl() < 0)
            break;
    }
    return NULL;
}

/* Once per process, before the first connection (libvirt requires the
 * loop's registration before a connection wants its events or keepalive). */
static void start_loop(void)
{
    pthread_t t;
    pthread_attr_t attr;

    virSetErrorFunc(NULL, silent);
    if (virInitialize() < 0 || virEventRegisterDefaultImpl() < 0)
        return;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    loop_running = pthread_create(&t, &attr, run_loop, NULL) == 0;
    pthread_attr_destroy(&attr);
}

/* ------------------------------------------------------- credentials */

struct auth_ctx {
    const struct vm_connect_auth *auth;
    char *authfile;
    const char *host;
};

static int ask(virConnectCredentialPtr cred, unsigned int ncred, void *cbdata)
{
    struct auth_ctx *a = cbdata;

    for (unsigned int i = 0; i < ncred; i++) {
        int type;
        char *v;
        switch (cred[i].type) {
        case VIR_CRED_USERNAME:
        case VIR_CRED_AUTHNAME: type = VM_CRED_USERNAME; break;
        case VIR_CRED_PASSPHRASE:
        case VIR_CRED_NOECHOPROMPT: type = VM_CRED_PASSPHRASE; break;
        case VIR_CRED_REALM: type = VM_CRED_REALM; break;
        case VIR_CRED_ECHOPROMPT: type = VM_CRED_CHALLENGE; break;
        default:
            /* language, client nonce: libvirt's default or nothing */
            cred[i].result = vm_strdup(cred[i].defresult ? cred[i].defresult : "");
            cred[i].resultlen = (unsigned int)strlen(cred[i].result);
            continue;
        }
        if (!(v = vm_auth_get(a->auth, a->authfile, "libvirt", a->host, type, cred[i].prompt,
                              cred[i].defresult)))
            return -1;
        cred[i].result = v;
        cred[i].resultlen = (unsigned int)strlen(v);
    }
    return 0;
}

/* --------------------------------------------------------- connection */

static struct lv_conn *lv_of(struct vm_connect *conn)
{
    return conn->priv;
}

static enum vm_drv_open_result lv_open(struct vm_connect *conn, const struct vm_uri *uri,
                                       unsigned int flags)
{
    static int credtypes[] = {VIR_CRED_AUTHNAME, VIR_CRED_USERNAME, VIR_CRED_PASSPHRASE,
                              VIR_CRED_NOECHOPROMPT, VIR_CRED_ECHOPROMPT, VIR_CRED_REALM,
                              VIR_CRED_CNONCE};
    struct auth_ctx actx = {&conn->auth, NULL, uri->host};
    virConnectAuth auth = {credtypes, sizeof(credtypes) / sizeof(*credtypes), ask, &actx};
    struct lv_conn *lv;
    const char *type;

    if (strcmp(uri->driver, "libvirt") != 0)
        return VM_DRV_OPEN_DECLINED;
    VM_CHECK_FLAGS(flags, VM_CONNECT_RO, VM_DRV_OPEN_ERROR);
    pthread_once(&loop_once, start_loop);
    if (!(actx.authfile = vm_auth_conf_path(NULL)))
        return VM_DRV_OPEN_ERROR;
    VM_NEW(lv);
    lv->lifecycle_id = -1;
    /* "libvirt:" alone is libvirt's default URI */
    lv->conn = virConnectOpenAuth(*uri->path ? uri->path : NULL, &auth,
                                  flags & VM_CONNECT_RO ? VIR_CONNECT_RO : 0);
    free(actx.authfile);
    if (!lv->conn) {
        /* an auth.conf problem was reported by our callback: keep it */
        if (vm_error_code() != VM_ERR_AUTH)
            lv_error("cannot connect to libvirt");
        free(lv);
        return VM_DRV_OPEN_ERROR;
    }
    /* a remote libvirtd that dies must be noticed, not waited on */
    if (loop_running)
        virConnectSetKeepAlive(lv->conn, 5, 3);
    type = virConnectGetType(lv->conn);
    lv->type = vm_strdup(type ? type : "libvirt");
    /* "QEMU" -> "qemu", "Xen" -> "xen", "Test" -> "test": the stats' type */
    lv->type_lower = vm_strdup(lv->type);
    for (char *c = lv->type_lower; *c; c++)
        *c = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
    vm_event_list_init(&lv->events);
    pthread_mutex_init(&lv->sets_lock, NULL);
    atomic_init(&lv->sets_stale, true);
    conn->priv = lv;
    return VM_DRV_OPEN_SUCCESS;
}

static int lv_close(struct vm_connect *conn)
{
    struct lv_conn *lv = lv_of(conn);

    if (!lv)
        return 0;
    if (lv->lifecycle_id >= 0)
        virConnectDomainEventDeregisterAny(lv->conn, lv->lifecycle_id);
    virConnectClose(lv->conn);
    vm_event_list_clear(&lv->events);
    lv_uuid_set_free(lv->persistent);
    lv_uuid_set_free(lv->autostart);
    lv_uuid_set_free(lv->managed_save);
    lv_idents_free(lv->idents);
    pthread_mutex_destroy(&lv->sets_lock);
    free(lv->type);
    free(lv->type_lower);
    free(lv);
    conn->priv = NULL;
    return 0;
}

static const char *lv_get_type(struct vm_connect *conn)
{
    return lv_of(conn)->type;
}

static int lv_get_version(struct vm_connect *conn, unsigned long long *version,
                          unsigned int flags)
{
    unsigned long v = 0;

    VM_CHECK_FLAGS(flags, 0, -1);
    if (virConnectGetVersion(lv_of(conn)->conn, &v) < 0)
        return lv_error("cannot get the hypervisor's version");
    *version = v;   /* libvirt's major * 1e6 + minor * 1e3 + micro, as ours */
    return 0;
}

static char *lv_get_hostname(struct vm_connect *conn, unsigned int flags)
{
    char *h, *r;

    VM_CHECK_FLAGS(flags, 0, NULL);
    if (!(h = virConnectGetHostname(lv_of(conn)->conn))) {
        lv_error("cannot get the host name");
        return NULL;
    }
    r = vm_strdup(h);
    free(h);
    return r;
}

static int lv_is_alive(struct vm_connect *conn)
{
    return virConnectIsAlive(lv_of(conn)->conn) == 1 ? 1 : 0;
}

static int lv_node_info(struct vm_connect *conn, struct vm_node_info *info, unsigned int flags)
{
    virNodeInfo n;
    unsigned long long free_bytes;

    VM_CHECK_FLAGS(flags, 0, -1);
    if (virNodeGetInfo(lv_of(conn)->conn, &n) < 0)
        return lv_error("cannot get node information");
    memset(info, 0, sizeof(*info));
    info->cpu_model = vm_strndup(n.model, sizeof(n.model));
    info->cpus = n.cpus;
    info->mhz = n.mhz;
    info->numa_cells = n.nodes;
    info->sockets = n.sockets;
    info->cores = n.cores;
    info->threads = n.threads;
    info->memory_kib = n.memory;
    /* free memory is in bytes (virNodeGetFreeMemory), 0 on error */
    free_bytes = virNodeGetFreeMemory(lv_of(conn)->conn);
    info->free_memory_kib = free_bytes ? free_bytes / 1024 : VM_STAT_UNKNOWN;
    virResetLastError();   /* libvirt's error of that optional call */
    return 0;
}

static struct vm_domain *handle_of(struct vm_connect *conn, virDomainPtr d)
{
    unsigned char uuid[VM_UUID_BUFLEN];
    unsigned int id = virDomainGetID(d);

    virDomainGetUUID(d, uuid);
    return vm_domain_new(conn, virDomainGetName(d), uuid, id == (unsigned int)-1 ? -1 : (int)id);
}

static unsigned int list_flags(unsigned int flags)
{
    unsigned int both = VM_LIST_ACTIVE | VM_LIST_INACTIVE;
    unsigned int lf = 0;

    if ((flags & both) != both) {
        if (flags & VM_LIST_ACTIVE)
            lf |= VIR_CONNECT_LIST_DOMAINS_ACTIVE;
        if (flags & VM_LIST_INACTIVE)
            lf |= VIR_CONNECT_LIST_DOMAINS_INACTIVE;
    }
    return lf;
}

static int lv_list(struct vm_connect *conn, struct vm_domain ***domains, unsigned int flags)
{
    virDomainPtr *doms = NULL;
    int n;

    VM_CHECK_FLAGS(flags, VM_LIST_ACTIVE | VM_LIST_INACTIVE, -1);
    if ((n = virConnectListAllDomains(lv_of(conn)->conn, &doms, list_flags(flags))) < 0)
        return lv_error("cannot list domains");
    VM_NEW_N(*domains, n ? (size_t)n : 1);
    for (int i = 0; i < n; i++) {
        (*domains)[i] = handle_of(conn, doms[i]);
        virDomainFree(doms[i]);
    }
    free(doms);
    return n;
}

#define STATS_GROUPS                                                                      \
    (VIR_DOMAIN_STATS_STATE | VIR_DOMAIN_STATS_CPU_TOTAL | VIR_DOMAIN_STATS_BALLOON |      \
     VIR_DOMAIN_STATS_VCPU | VIR_DOMAIN_STATS_INTERFACE | VIR_DOMAIN_STATS_BLOCK)

/* The three UUID sets a stats record needs beyond the bulk call. */
struct sets {
    struct lv_uuid_set *persistent, *autostart, *managed_save;
};

static int sets_get(virConnectPtr c, struct sets *s)
{
    s->persistent = lv_uuid_set_list(c, VIR_CONNECT_LIST_DOMAINS_PERSISTENT);
    s->autostart = lv_uuid_set_list(c, VIR_CONNECT_LIST_DOMAINS_AUTOSTART);
    s->managed_save = lv_uuid_set_list(c, VIR_CONNECT_LIST_DOMAINS_MANAGEDSAVE);
    return s->persistent && s->autostart && s->managed_save ? 0 : -1;
}

static void sets_free(struct sets *s)
{
    lv_uuid_set_free(s->persistent);
    lv_uuid_set_free(s->autostart);
    lv_uuid_set_free(s->managed_save);
}

static void sets_mark_stale(struct lv_conn *lv)
{
    atomic_store(&lv->sets_stale, true);
}

/* The cached sets, taken again when stale or old; the bulk call holds
 * sets_lock while it reads them.  -1 with an error (lock released). */
static int sets_fresh(struct lv_conn *lv)
{
    time_t now = time(NULL);
    struct sets s = {NULL, NULL, NULL};

    pthread_mutex_lock(&lv->sets_lock);
    /* cleared before the lists are taken: a change meanwhile marks them
     * stale again */
    if (!atomic_exchange(&lv->sets_stale, false) && lv->persistent &&
        now - lv->sets_taken < LV_SETS_MAX_AGE)
        return 0;
    if (sets_get(lv->conn, &s) < 0) {
        sets_free(&s);
        atomic_store(&lv->sets_stale, true);
        pthread_mutex_unlock(&lv->sets_lock);
        return -1;
    }
    lv_uuid_set_free(lv->persistent);
    lv_uuid_set_free(lv->autostart);
    lv_uuid_set_free(lv->managed_save);
    lv_idents_free(lv->idents);
    lv->idents = NULL;
    lv->persistent = s.persistent;
    lv->autostart = s.autostart;
    lv->managed_save = s.managed_save;
    lv->sets_taken = now;
    return 0;
}

static int lv_all_stats(struct vm_connect *conn, struct vm_domain_stats ***stats,
                        unsigned int flags)
{
    struct lv_conn *lv = lv_of(conn);
    virDomainStatsRecordPtr *records = NULL;
    int n;

    VM_CHECK_FLAGS(flags, VM_LIST_ACTIVE | VM_LIST_INACTIVE, -1);
    if (sets_fresh(lv) < 0)
        return -1;
    /* one call for every domain's figures (not one per domain) */
    if (virConnectGetAllDomainStats(lv->conn, STATS_GROUPS, &records, list_flags(flags)) < 0) {
        pthread_mutex_unlock(&lv->sets_lock);
        return lv_error("cannot get domain stats");
    }
    /* identities are kept only while events tell us when they change */
    n = (int)lv_stats_convert(conn, records, lv->persistent, lv->autostart, lv->managed_save,
                              lv->lifecycle_id >= 0 ? &lv->idents : NULL, stats);
    pthread_mutex_unlock(&lv->sets_lock);
    virDomainStatsRecordListFree(records);
    return n;
}

/* ------------------------------------------------------------ domains */

static virDomainPtr lv_dom(struct vm_domain *dom)
{
    virDomainPtr d = virDomainLookupByUUID(lv_of(dom->conn)->conn, dom->uuid);

    if (!d) {
        lv_error("cannot find the domain");
        if (vm_error_code() == VM_ERR_NO_DOMAIN)
            vm_report_error(VM_ERR_NO_DOMAIN, "domain '%s' no longer exists", dom->name);
    }
    return d;
}

/* Ends a call r made on d: libvirt's error taken (before virDomainFree,
 * which resets it) when r < 0, d freed.  r, or -1. */
static int call_done(virDomainPtr d, int r, const char *what)
{
    if (r < 0)
        lv_error(what);
    virDomainFree(d);
    return r < 0 ? -1 : r;
}

static struct vm_domain *lookup_done(struct vm_connect *conn, virDomainPtr d, const char *what)
{
    struct vm_domain *h;

    if (!d) {
        lv_error(what);
        return NULL;
    }
    h = handle_of(conn, d);
    virDomainFree(d);
    return h;
}

static struct vm_domain *lv_lookup_name(struct vm_connect *conn, const char *name,
                                        unsigned int flags)
{
    VM_CHECK_FLAGS(flags, 0, NULL);
    return lookup_done(conn, virDomainLookupByName(lv_of(conn)->conn, name), "no such domain");
}

static struct vm_domain *lv_lookup_uuid(struct vm_connect *conn, const unsigned char *uuid,
                                        unsigned int flags)
{
    VM_CHECK_FLAGS(flags, 0, NULL);
    return lookup_done(conn, virDomainLookupByUUID(lv_of(conn)->conn, uuid), "no such domain");
}

static struct vm_domain *lv_lookup_id(struct vm_connect *conn, int id, unsigned int flags)
{
    VM_CHECK_FLAGS(flags, 0, NULL);
    return lookup_done(conn, virDomainLookupByID(lv_of(conn)->conn, id), "no such domain");
}

static int lv_get_id(struct vm_domain *dom, unsigned int flags)
{
    virDomainPtr d;
    unsigned int id;

    VM_CHECK_FLAGS(flags, 0, -1);
    if (!(d = lv_dom(dom)))
        return -1;
    id = virDomainGetID(d);
    virDomainFree(d);
    return id == (unsigned int)-1 ? -1 : (int)id;
}

static int lv_get_info(struct vm_domain *dom, struct vm_domain_info *info, unsigned int flags)
{
    virDomainPtr d;
    virDomainInfo i;

    VM_CHECK_FLAGS(flags, 0, -1);
    if (!(d = lv_dom(dom)))
        return -1;
    if (call_done(d, virDomainGetInfo(d, &i), "cannot get domain information") < 0)
        return -1;
    info->state = i.state < VM_DOMAIN_STATE_LAST ? i.state : VM_DOMAIN_NOSTATE;
    info->vcpus = i.nrVirtCpu;
    info->max_mem_kib = i.maxMem;
    info->cur_mem_kib = i.memory;
    info->cpu_time_ns = i.cpuTime;
    return 0;
}

static int lv_get_state(struct vm_domain *dom, int *state, int *reason, unsigned int flags)
{
    virDomainPtr d;

    VM_CHECK_FLAGS(flags, 0, -1);
    if (!(d = lv_dom(dom)))
        return -1;
    if (call_done(d, virDomainGetState(d, state, reason, 0), "cannot get the domain's state") < 0)
        return -1;
    if (*state < 0 || *state >= VM_DOMAIN_STATE_LAST)
        *state = VM_DOMAIN_NOSTATE;
    return 0;
}

static int lv_get_control(struct vm_domain *dom, int *control, unsigned int flags)
{
    virDomainPtr d;
    virDomainControlInfo ci;

    VM_CHECK_FLAGS(flags, 0, -1);
    if (!(d = lv_dom(dom)))
        return -1;
    if (call_done(d, virDomainGetControlInfo(d, &ci, 0), "cannot get the domain's control state") <
        0)
        return -1;
    /* a job or a command in progress is still a monitor that answers */
    *control = ci.state == VIR_DOMAIN_CONTROL_ERROR ? VM_DOMAIN_CONTROL_UNRESPONSIVE
                                                    : VM_DOMAIN_CONTROL_OK;
    return 0;
}

/* One domain's record, completed with what virsh dominfo shows and the
 * bulk call leaves out (some drivers' stats report only the state): two
 * calls more, for one domain only. */
static void complete(virDomainPtr d, struct vm_domain_stats *st)
{
    virDomainInfo i;
    char *os = virDomainGetOSType(d);

    free(st->os_type);
    st->os_type = vm_strdup(os ? os : "unknown");
    free(os);
    if (virDomainGetInfo(d, &i) == 0) {
        if (st->missing & VM_STATS_MISSING_VCPU)
            st->vcpus = i.nrVirtCpu;
        if (st->cpu_time_ns == VM_STAT_UNKNOWN)
            st->cpu_time_ns = i.cpuTime;
        if (st->mem_max_kib == VM_STAT_UNKNOWN)
            st->mem_max_kib = i.maxMem;
        if (st->mem_cur_kib == VM_STAT_UNKNOWN)
            st->mem_cur_kib = i.memory;
    }
    virResetLastError();   /* what stays unknown is no failure of the caller */
}

static struct vm_domain_stats *lv_get_stats(struct vm_domain *dom, unsigned int flags)
{
    virDomainPtr d;
    virDomainPtr list[2] = {NULL, NULL};
    virDomainStatsRecordPtr *records = NULL;
    struct vm_domain_stats **out = NULL, *st = NULL;

    VM_CHECK_FLAGS(flags, 0, NULL);
    if (!(d = lv_dom(dom)))
        return NULL;
    list[0] = d;
    if (virDomainListGetStats(list, STATS_GROUPS, &records, 0) >= 0) {
        if (lv_stats_convert(dom->conn, records, NULL, NULL, NULL, NULL, &out) == 1)
            st = out[0];
        free(out);
        virDomainStatsRecordListFree(records);
        if (st) {
            int autostart = 0;
            /* one domain: three calls on it, not three lists */
            st->persistent = virDomainIsPersistent(d) == 1;
            st->autostart = virDomainGetAutostart(d, &autostart) == 0 && autostart;
            st->managed_save = virDomainHasManagedSaveImage(d, 0) == 1;
            complete(d, st);
        } else {
            vm_report_error(VM_ERR_NO_DOMAIN, "domain '%s' no longer exists", dom->name);
        }
    } else {
        lv_error("cannot get domain stats");
    }
    virDomainFree(d);
    return st;
}

static int lv_get_vcpu_count(struct vm_domain *dom, unsigned int flags)
{
    virDomainPtr d;
    unsigned int lf = 0;

    VM_CHECK_FLAGS(flags, VM_DOMAIN_AFFECT_LIVE | VM_DOMAIN_AFFECT_CONFIG | VM_DOMAIN_VCPU_MAXIMUM,
                   -1);
    if (!(d = lv_dom(dom)))
        return -1;
    if (flags & VM_DOMAIN_AFFECT_LIVE)
        lf |= VIR_DOMAIN_AFFECT_LIVE;
    if (flags & VM_DOMAIN_AFFECT_CONFIG)
        lf |= VIR_DOMAIN_AFFECT_CONFIG;
    if (flags & VM_DOMAIN_VCPU_MAXIMUM)
        lf |= VIR_DOMAIN_VCPU_MAXIMUM;
    return call_done(d, virDomainGetVcpusFlags(d, lf), "cannot get the vCPU count");
}

/* What virsh vcpuinfo asks: where each vCPU runs (virDomainGetVcpus), or,
 * of a domain that is off, its pinning (virDomainGetVcpuPinInfo). */
static struct vm_vcpu_list *lv_get_vcpus(struct vm_domain *dom, unsigned int flags)
{
    virDomainPtr d;
    virDomainInfo di;
    virVcpuInfoPtr info = NULL;
    unsigned char *maps = NULL;
    struct vm_vcpu_list *l = NULL;
    int ncpus, n = -1, maplen;
    bool active;

    VM_CHECK_FLAGS(flags, 0, NULL);
    if (!(d = lv_dom(dom)))
        return NULL;
    if ((ncpus = virNodeGetCPUMap(lv_of(dom->conn)->conn, NULL, NULL, 0)) <= 0 ||
        virDomainGetInfo(d, &di) < 0) {
        call_done(d, -1, "cannot get the vCPUs");
        return NULL;
    }
    maplen = VIR_CPU_MAPLEN(ncpus);
    active = virDomainIsActive(d) == 1;
    VM_NEW_N(maps, (size_t)di.nrVirtCpu * (size_t)maplen + 1);
    if (active) {
        VM_NEW_N(info, di.nrVirtCpu + 1);
        n = virDomainGetVcpus(d, info, (int)di.nrVirtCpu, maps, maplen);
    } else {
        n = virDomainGetVcpuPinInfo(d, (int)di.nrVirtCpu, maps, maplen, VIR_DOMAIN_AFFECT_CONFIG);
    }
    if (call_done(d, n, "cannot get the vCPUs") >= 0) {
        VM_NEW(l);
        l->host_cpus = (unsigned int)ncpus;
        l->n = (size_t)n;
        VM_NEW_N(l->vcpus, l->n + 1);
        for (int i = 0; i < n; i++) {
            struct vm_vcpu_info *v = &l->vcpus[i];
            v->number = active ? info[i].number : (unsigned int)i;
            v->state = active ? info[i].state : -1;
            v->cpu = active ? info[i].cpu : -1;
            v->cpu_time_ns = active ? info[i].cpuTime : VM_STAT_UNKNOWN;
            VM_NEW_N(v->cpumap, (size_t)maplen);
            memcpy(v->cpumap, VIR_GET_CPUMAP(maps, maplen, i), (size_t)maplen);
        }
    }
    free(info);
    free(maps);
    return l;
}

static int lv_memory_stats(struct vm_domain *dom, struct vm_memory_stat *stats, unsigned int nr,
                           unsigned int flags)
{
    virDomainPtr d;
    virDomainMemoryStatStruct got[VIR_DOMAIN_MEMORY_STAT_NR];
    int n;
    unsigned int k = 0;

    VM_CHECK_FLAGS(flags, 0, -1);
    if (!(d = lv_dom(dom)))
        return -1;
    if ((n = call_done(d, virDomainMemoryStats(d, got, VIR_DOMAIN_MEMORY_STAT_NR, 0),
                       "cannot get memory statistics")) < 0)
        return -1;
    /* libvirt's tags are ours; newer ones than we know are left out */
    for (int i = 0; i < n && k < nr; i++) {
        if (got[i].tag < VM_MEMORY_STAT_NR) {
            stats[k].tag = got[i].tag;
            stats[k++].val = got[i].val;
        }
    }
    return (int)k;
}

static int lv_node_cpu_stats(struct vm_connect *conn, int cpu, struct vm_node_cpu_stats *st,
                             unsigned int flags)
{
    virConnectPtr c = lv_of(conn)->conn;
    virNodeCPUStatsPtr params;
    int n = 0;
    int c_cpu = cpu == VM_NODE_ALL ? VIR_NODE_CPU_STATS_ALL_CPUS : cpu;

    VM_CHECK_FLAGS(flags, 0, -1);
    if (virNodeGetCPUStats(c, c_cpu, NULL, &n, 0) < 0 || n <= 0 || n > 64)
        return lv_error("cannot get node CPU stats");
    VM_NEW_N(params, (size_t)n);
    if (virNodeGetCPUStats(c, c_cpu, params, &n, 0) < 0) {
        free(params);
        return lv_error("cannot get node CPU stats");
    }
    for (int i = 0; i < n; i++) {
        const char *f = params[i].field;
        if (strcmp(f, VIR_NODE_CPU_STATS_USER) == 0)
            st->user_ns = params[i].value;
        else if (strcmp(f, VIR_NODE_CPU_STATS_KERNEL) == 0)
            st->kernel_ns = params[i].value;
        else if (strcmp(f, VIR_NODE_CPU_STATS_IDLE) == 0)
            st->idle_ns = params[i].value;
        else if (strcmp(f, VIR_NODE_CPU_STATS_IOWAIT) == 0)
            st->iowait_ns = params[i].value;
        else if (strcmp(f, VIR_NODE_CPU_STATS_UTILIZATION) == 0)
            st->utilization_pct = (double)params[i].value;
    }
    free(params);
    return 0;
}

static int lv_node_memory_stats(struct vm_connect *conn, int cell,
                                struct vm_node_memory_stats *st, unsigned int flags)
{
    virConnectPtr c = lv_of(conn)->conn;
    virNodeMemoryStatsPtr params;
    int n = 0;
    int c_cell = cell == VM_NODE_ALL ? VIR_NODE_MEMORY_STATS_ALL_CELLS : cell;

    VM_CHECK_FLAGS(flags, 0, -1);
    if (virNodeGetMemoryStats(c, c_cell, NULL, &n, 0) < 0 || n <= 0 || n > 64)
        return lv_error("cannot get node memory stats");
    VM_NEW_N(params, (size_t)n);
    if (virNodeGetMemoryStats(c, c_cell, params, &n, 0) < 0) {
        free(params);
        return lv_error("cannot get node memory stats");
    }
    for (int i = 0; i < n; i++) {
        const char *f = params[i].field;
        if (strcmp(f, VIR_NODE_MEMORY_STATS_TOTAL) == 0)
            st->total_kib = params[i].value;
        else if (strcmp(f, VIR_NODE_MEMORY_STATS_FREE) == 0)
            st->free_kib = params[i].value;
        else if (strcmp(f, VIR_NODE_MEMORY_STATS_BUFFERS) == 0)
            st->buffers_kib = params[i].value;
        else if (strcmp(f, VIR_NODE_MEMORY_STATS_CACHED) == 0)
            st->cached_kib = params[i].value;
    }
    free(params);
    return 0;
}

static char *lv_get_xml(struct vm_domain *dom, unsigned int flags)
{
    virDomainPtr d;
    char *xml, *r = NULL;

    VM_CHECK_FLAGS(flags, VM_DOMAIN_XML_INACTIVE | VM_DOMAIN_XML_SECURE, NULL);
    if (!(d = lv_dom(dom)))
        return NULL;
    xml = virDomainGetXMLDesc(d, (flags & VM_DOMAIN_XML_INACTIVE ? VIR_DOMAIN_XML_INACTIVE : 0) |
                                     (flags & VM_DOMAIN_XML_SECURE ? VIR_DOMAIN_XML_SECURE : 0));
    if (!xml)
        lv_error("cannot get the domain's XML");
    virDomainFree(d);
    if (!xml)
        return NULL;
    r = vm_strdup(xml);
    free(xml);
    return r;
}

static struct vm_domain *lv_define(struct vm_connect *conn, const char *xml, unsigned int flags)
{
    VM_CHECK_FLAGS(flags, 0, NULL);
    sets_mark_stale(lv_of(conn));
    /* libvirt's own XML, untouched: libvirt validates it */
    return lookup_done(conn, virDomainDefineXML(lv_of(conn)->conn, xml),
                       "cannot define the domain");
}

static struct vm_domain *lv_create(struct vm_connect *conn, const char *xml, unsigned int flags)
{
    VM_CHECK_FLAGS(flags, 0, NULL);
    sets_mark_stale(lv_of(conn));
    return lookup_done(conn, virDomainCreateXML(lv_of(conn)->conn, xml, 0),
                       "cannot create the domain");
}

/* The operations that are one libvirt call on the domain; those that
 * change it also mark the cached persistent/autostart/managed-save sets
 * (and identities) stale. */
#define LV_CALL_FLAGS(fname, known, changes, call, what)                    \
    static int fname(struct vm_domain *dom, unsigned int flags)             \
    {                                                                       \
        virDomainPtr d;                                                     \
        VM_CHECK_FLAGS(flags, known, -1);                                   \
        if (!(d = lv_dom(dom)))                                             \
            return -1;                                                      \
        if (changes)                                                        \
            sets_mark_stale(lv_of(dom->conn));                              \
        return call_done(d, call, what);                                    \
    }
#define LV_CALL(fname, changes, call, what) LV_CALL_FLAGS(fname, 0, changes, call, what)

LV_CALL_FLAGS(lv_start, VM_DOMAIN_START_PAUSED, true,
              virDomainCreateWithFlags(d, flags & VM_DOMAIN_START_PAUSED ? VIR_DOMAIN_START_PAUSED
                                                                         : 0),
              "cannot start the domain")
LV_CALL(lv_shutdown, true, virDomainShutdown(d), "cannot shut the domain down")
LV_CALL_FLAGS(lv_destroy, VM_DOMAIN_DESTROY_GRACEFUL, true,
              virDomainDestroyFlags(d, flags & VM_DOMAIN_DESTROY_GRACEFUL
                                           ? VIR_DOMAIN_DESTROY_GRACEFUL
                                           : 0),
              "cannot destroy the domain")
LV_CALL(lv_suspend, false, virDomainSuspend(d), "cannot suspend the domain")
LV_CALL(lv_resume, false, virDomainResume(d), "cannot resume the domain")
LV_CALL(lv_reboot, false, virDomainReboot(d, 0), "cannot reboot the domain")
LV_CALL(lv_reset, false, virDomainReset(d, 0), "cannot reset the domain")
LV_CALL(lv_managed_save, true, virDomainManagedSave(d, 0), "cannot save the domain")
LV_CALL(lv_has_managed_save, false, virDomainHasManagedSaveImage(d, 0),
        "cannot tell whether the domain has a managed-save image")

/* libvirt's affect flags for ours (the same meaning, spelled out) */
static unsigned int lv_affect(unsigned int flags)
{
    return (flags & VM_DOMAIN_AFFECT_LIVE ? VIR_DOMAIN_AFFECT_LIVE : 0) |
           (flags & VM_DOMAIN_AFFECT_CONFIG ? VIR_DOMAIN_AFFECT_CONFIG : 0);
}

static int lv_set_memory(struct vm_domain *dom, uint64_t kib, unsigned int flags)
{
    virDomainPtr d;

    VM_CHECK_FLAGS(flags, VM_DOMAIN_AFFECT_LIVE | VM_DOMAIN_AFFECT_CONFIG | VM_DOMAIN_MEM_MAXIMUM,
                   -1);
    if (kib > ULONG_MAX) {
        vm_report_error(VM_ERR_INVALID_ARG, "%llu KiB is more than libvirt takes",
                        (unsigned long long)kib);
        return -1;
    }
    if (!(d = lv_dom(dom)))
        return -1;
    return call_done(d,
                     virDomainSetMemoryFlags(d, (unsigned long)kib,
                                             lv_affect(flags) | (flags & VM_DOMAIN_MEM_MAXIMUM
                                                                     ? VIR_DOMAIN_MEM_MAXIMUM
                                                                     : 0)),
                     "cannot change the memory");
}

static int lv_set_vcpus(struct vm_domain *dom, unsigned int count, unsigned int flags)
{
    virDomainPtr d;

    VM_CHECK_FLAGS(flags, VM_DOMAIN_AFFECT_LIVE | VM_DOMAIN_AFFECT_CONFIG | VM_DOMAIN_VCPU_MAXIMUM,
                   -1);
    if (!(d = lv_dom(dom)))
        return -1;
    return call_done(d,
                     virDomainSetVcpusFlags(d, count,
                                            lv_affect(flags) | (flags & VM_DOMAIN_VCPU_MAXIMUM
                                                                    ? VIR_DOMAIN_VCPU_MAXIMUM
                                                                    : 0)),
                     "cannot change the vCPUs");
}

/* save and restore: the path is libvirtd's (a remote daemon's file) */
static int lv_save(struct vm_domain *dom, const char *path, unsigned int flags)
{
    virDomainPtr d;

    VM_CHECK_FLAGS(flags, 0, -1);
    if (!(d = lv_dom(dom)))
        return -1;
    sets_mark_stale(lv_of(dom->conn));
    return call_done(d, virDomainSave(d, path), "cannot save the domain");
}

static int lv_restore(struct vm_connect *conn, const char *path, unsigned int flags)
{
    VM_CHECK_FLAGS(flags, 0, -1);
    sets_mark_stale(lv_of(conn));
    if (virDomainRestore(lv_of(conn)->conn, path) < 0)
        return lv_error("cannot restore the domain");
    return 0;
}

static int lv_undefine(struct vm_domain *dom, unsigned int flags)
{
    virDomainPtr d;

    VM_CHECK_FLAGS(flags,
                   VM_DOMAIN_UNDEFINE_MANAGED_SAVE | VM_DOMAIN_UNDEFINE_NVRAM |
                       VM_DOMAIN_UNDEFINE_KEEP_NVRAM,
                   -1);
    if (!(d = lv_dom(dom)))
        return -1;
    sets_mark_stale(lv_of(dom->conn));
    return call_done(d,
                     virDomainUndefineFlags(
                         d, (flags & VM_DOMAIN_UNDEFINE_MANAGED_SAVE
                                 ? VIR_DOMAIN_UNDEFINE_MANAGED_SAVE
                                 : 0) |
                                (flags & VM_DOMAIN_UNDEFINE_NVRAM ? VIR_DOMAIN_UNDEFINE_NVRAM : 0) |
                                (flags & VM_DOMAIN_UNDEFINE_KEEP_NVRAM
                                     ? VIR_DOMAIN_UNDEFINE_KEEP_NVRAM
                                     : 0)),
                     "cannot undefine the domain") < 0
               ? -1
               : 0;
}

static int lv_get_autostart(struct vm_domain *dom, int *autostart, unsigned int flags)
{
    virDomainPtr d;

    VM_CHECK_FLAGS(flags, 0, -1);
    if (!(d = lv_dom(dom)))
        return -1;
    return call_done(d, virDomainGetAutostart(d, autostart),
                     "cannot get the domain's autostart") < 0
               ? -1
               : 0;
}

static int lv_set_autostart(struct vm_domain *dom, int autostart, unsigned int flags)
{
    virDomainPtr d;

    VM_CHECK_FLAGS(flags, 0, -1);
    if (!(d = lv_dom(dom)))
        return -1;
    sets_mark_stale(lv_of(dom->conn));
    return call_done(d, virDomainSetAutostart(d, autostart),
                     "cannot set the domain's autostart") < 0
               ? -1
               : 0;
}

/* ------------------------------------------------------------- events */

/* libvirt's lifecycle events have our numbering (virtmon.h follows it). */
static int on_lifecycle(virConnectPtr c, virDomainPtr d, int event, int detail, void *opaque)
{
    struct vm_connect *conn = opaque;
    unsigned char uuid[VM_UUID_BUFLEN];
    unsigned int id = virDomainGetID(d);

    if (event < 0 || event >= VM_EVENT_LAST)
        return 0;
    /* defined, undefined, saved, started from a save: the sets changed */
    sets_mark_stale(lv_of(conn));
    virDomainGetUUID(d, uuid);
    vm_event_list_dispatch(&lv_of(conn)->events, conn, virDomainGetName(d), uuid,
                           id == (unsigned int)-1 ? -1 : (int)id, event, detail);
    return 0;
}

static int lv_event_register(struct vm_connect *conn, vm_domain_event_cb cb, void *opaque,
                             void (*free_opaque)(void *), unsigned int flags)
{
    struct lv_conn *lv = lv_of(conn);

    VM_CHECK_FLAGS(flags, 0, -1);
    if (!loop_running) {
        vm_report_error(VM_ERR_NOT_SUPPORTED, "libvirt's event loop is not running");
        return -1;
    }
    if (lv->lifecycle_id < 0 &&
        (lv->lifecycle_id = virConnectDomainEventRegisterAny(
             lv->conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE, VIR_DOMAIN_EVENT_CALLBACK(on_lifecycle),
             conn, NULL)) < 0)
        return lv_error("cannot register for lifecycle events");
    return vm_event_list_add(&lv->events, cb, opaque, free_opaque);
}

static int lv_event_deregister(struct vm_connect *conn, int id)
{
    return vm_event_list_remove(&lv_of(conn)->events, id);
}

const struct vm_driver vm_libvirt_driver = {
    .name = "libvirt",
    .hypervisor = "libvirt",
    .connect_open = lv_open,
    .connect_close = lv_close,
    .connect_get_type = lv_get_type,
    .connect_get_version = lv_get_version,
    .connect_get_hostname = lv_get_hostname,
    .connect_is_alive = lv_is_alive,
    .node_get_info = lv_node_info,
    .node_get_cpu_stats = lv_node_cpu_stats,
    .node_get_memory_stats = lv_node_memory_stats,
    .connect_list_domains = lv_list,
    .connect_get_all_domain_stats = lv_all_stats,
    .connect_domain_event_register = lv_event_register,
    .connect_domain_event_deregister = lv_event_deregister,
    .domain_lookup_by_name = lv_lookup_name,
    .domain_lookup_by_uuid = lv_lookup_uuid,
    .domain_lookup_by_id = lv_lookup_id,
    .domain_get_id = lv_get_id,
    .domain_get_info = lv_get_info,
    .domain_get_state = lv_get_state,
    .domain_get_control = lv_get_control,
    .domain_get_stats = lv_get_stats,
    .domain_get_vcpu_count = lv_get_vcpu_count,
    .domain_set_memory = lv_set_memory,
    .domain_set_vcpus = lv_set_vcpus,
    .domain_save = lv_save,
    .domain_restore = lv_restore,
    .domain_get_vcpus = lv_get_vcpus,
    .domain_memory_stats = lv_memory_stats,
    .domain_get_xml = lv_get_xml,
    .domain_define_xml = lv_define,
    .domain_create_xml = lv_create,
    .domain_start = lv_start,
    .domain_shutdown = lv_shutdown,
    .domain_destroy = lv_destroy,
    .domain_suspend = lv_suspend,
    .domain_resume = lv_resume,
    .domain_reboot = lv_reboot,
    .domain_reset = lv_reset,
    .domain_managed_save = lv_managed_save,
    .domain_has_managed_save = lv_has_managed_save,
    .domain_undefine = lv_undefine,
    .domain_get_autostart = lv_get_autostart,
    .domain_set_autostart = lv_set_autostart,
};
