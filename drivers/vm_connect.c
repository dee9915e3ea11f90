/*
 * vm_connect.c: opening connections (URI -> registry -> driver) and the
 * public wrappers of the connection-level operations.
 */
#include "config.h"

#include <stdatomic.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "util/vm_alloc.h"
#include "util/vm_conf_file.h"
#include "util/vm_dirs.h"
#include "util/vm_error.h"
#include "vm_api.h"
#include "vm_driver.h"

char *vm_uri_default(void)
{
    const char *env = getenv("VIRTMON_DEFAULT_URI");
    VM_AUTOFREE char *path = NULL;
    struct vm_conf *conf;
    const char *value = NULL;
    char *result = NULL;

    vm_error_reset();
    if (env && *env)
        return vm_strdup(env);
    if (!(path = vm_dir_file(VM_DIR_CONFIG, VM_DIR_SCOPE_AUTO, "virtmon.conf")))
        return NULL;
    if (!(conf = vm_conf_read_file(path, true)))
        return NULL;
    if (vm_conf_get_string(conf, "uri_default", &value) < 0) {
        vm_conf_free(conf);
        return NULL;
    }
    if (value && *value)
        result = vm_strdup(value);
    vm_conf_free(conf);
    if (result)
        return result;
    return vm_strdup(geteuid() == 0 ? "qemu:///system" : "qemu:///session");
}

static void connect_unref(struct vm_connect *conn)
{
    if (atomic_fetch_sub(&conn->refs, 1) != 1)
        return;
    if (conn->driver && conn->driver->connect_close)
        conn->driver->connect_close(conn);
    free(conn->uri);
    free(conn);
}

struct vm_connect *vm_connect_open(const char *uristr, unsigned int flags)
{
    return vm_connect_open_auth(uristr, NULL, flags);
}

struct vm_connect *vm_connect_open_auth(const char *uristr, const struct vm_connect_auth *auth,
                                        unsigned int flags)
{
    VM_AUTOFREE char *defuri = NULL;
    struct vm_uri *uri;
    struct vm_connect *conn;
    const struct vm_driver *const *drv;

    vm_error_reset();
    VM_CHECK_FLAGS(flags, VM_CONNECT_RO, NULL);
    if (!uristr) {
        if (!(defuri = vm_uri_default()))
            return NULL;
        uristr = defuri;
    }
    if (!(uri = vm_uri_parse(uristr)))
        return NULL;

    VM_NEW(conn);
    atomic_init(&conn->refs, 1);
    conn->flags = flags;
    if (auth)
        conn->auth = *auth;
    for (drv = vm_registry_drivers(); *drv; drv++) {
        enum vm_drv_open_result r;

        conn->driver = *drv;
        r = (*drv)->connect_open(conn, uri, flags);
        if (r == VM_DRV_OPEN_SUCCESS)
            break;
        conn->driver = NULL;
        if (r == VM_DRV_OPEN_ERROR) {
            vm_uri_free(uri);
            free(conn);
            return NULL;
        }
    }
    if (!*drv) {
        if (strcmp(uri->driver, "libvirt") == 0)
            vm_report_error(VM_ERR_NO_DRIVER,
                            "no driver serves URI '%s': this build has no libvirt driver (it "
                            "was built without libvirt-dev)",
                            uristr);
        else
            vm_report_error(VM_ERR_NO_DRIVER, "no driver serves URI '%s'", uristr);
        vm_uri_free(uri);
        free(conn);
        return NULL;
    }
    if (!conn->uri)
        conn->uri = vm_uri_format(uri);
    vm_uri_free(uri);
    return conn;
}

int vm_connect_close(struct vm_connect *conn)
{
    vm_error_reset();
    if (!conn) {
        vm_report_error(VM_ERR_INVALID_ARG, "no connection given");
        return -1;
    }
    connect_unref(conn);
    return 0;
}

void vm_connect_ref(struct vm_connect *conn)
{
    atomic_fetch_add(&conn->refs, 1);
}

void vm_connect_unref(struct vm_connect *conn)
{
    connect_unref(conn);
}

int vm_api_check_conn(struct vm_connect *conn, const char *op, bool mutating, bool supported)
{
    vm_error_reset();
    if (!conn) {
        vm_report_error(VM_ERR_INVALID_ARG, "%s: no connection given", op);
        return -1;
    }
    if (mutating && (conn->flags & VM_CONNECT_RO)) {
        vm_report_error(VM_ERR_READ_ONLY, "operation '%s' forbidden on a read-only connection",
                        op);
        return -1;
    }
    if (!supported) {
        vm_report_error(VM_ERR_NOT_SUPPORTED, "operation '%s' is not supported by the '%s' driver",
                        op, conn->driver->name);
        return -1;
    }
    return 0;
}

#define CONN_CHECK(conn, op, mutating, member, retval)                                         \
    do {                                                                                       \
        if (vm_api_check_conn((conn), (op), (mutating), (conn) && (conn)->driver->member) < 0) \
            return retval;                                                                     \
    } while (0)

const char *vm_connect_get_uri(struct vm_connect *conn)
{
    CONN_CHECK(conn, "get-uri", false, name, NULL);
    return conn->uri;
}

const char *vm_connect_get_type(struct vm_connect *conn)
{
    CONN_CHECK(conn, "get-type", false, hypervisor, NULL);
    /* a driver in front of several hypervisors (libvirt) says which */
    if (conn->driver->connect_get_type)
        return conn->driver->connect_get_type(conn);
    return conn->driver->hypervisor;
}

const char *vm_connect_get_domain_type(struct vm_connect *conn)
{
    static const struct {
        const char *hypervisor, *type;
    } types[] = {{"Test", "test"}, {"QEMU", "qemu"}, {"Xen", "xen"}};
    const char *hv = vm_connect_get_type(conn);

    for (size_t i = 0; hv && i < sizeof(types) / sizeof(types[0]); i++) {
        if (strcmp(types[i].hypervisor, hv) == 0)
            return types[i].type;
    }
    if (hv)
        vm_report_error(VM_ERR_NOT_SUPPORTED, "no domain type for hypervisor '%s'", hv);
    return NULL;
}

int vm_connect_get_version(struct vm_connect *conn, unsigned long long *version,
                           unsigned int flags)
{
    CONN_CHECK(conn, "version", false, connect_get_version, -1);
    if (!version) {
        vm_report_error(VM_ERR_INVALID_ARG, "version: no result pointer given");
        return -1;
    }
    return conn->driver->connect_get_version(conn, version, flags);
}

char *vm_connect_get_hostname(struct vm_connect *conn, unsigned int flags)
{
    CONN_CHECK(conn, "hostname", false, connect_get_hostname, NULL);
    return conn->driver->connect_get_hostname(conn, flags);
}

int vm_connect_is_alive(struct vm_connect *conn)
{
    CONN_CHECK(conn, "is-alive", false, connect_is_alive, -1);
    return conn->driver->connect_is_alive(conn);
}

int vm_connect_is_read_only(struct vm_connect *conn)
{
    CONN_CHECK(conn, "is-read-only", false, name, -1);
    return (conn->flags & VM_CONNECT_RO) != 0;
}

int vm_node_get_info(struct vm_connect *conn, struct vm_node_info *info, unsigned int flags)
{
    CONN_CHECK(conn, "nodeinfo", false, node_get_info, -1);
    if (!info) {
        vm_report_error(VM_ERR_INVALID_ARG, "nodeinfo: no result pointer given");
        return -1;
    }
    memset(info, 0, sizeof(*info));
    return conn->driver->node_get_info(conn, info, flags);
}

int vm_node_get_cpu_stats(struct vm_connect *conn, int cpu, struct vm_node_cpu_stats *stats,
                          unsigned int flags)
{
    CONN_CHECK(conn, "nodecpustats", false, node_get_cpu_stats, -1);
    if (!stats || cpu < VM_NODE_ALL) {
        vm_report_error(VM_ERR_INVALID_ARG, "nodecpustats: %s",
                        stats ? "a CPU number is 0 or more" : "no result pointer given");
        return -1;
    }
    stats->user_ns = stats->kernel_ns = stats->idle_ns = stats->iowait_ns = VM_STAT_UNKNOWN;
    stats->utilization_pct = NAN;
    return conn->driver->node_get_cpu_stats(conn, cpu, stats, flags);
}

int vm_node_get_memory_stats(struct vm_connect *conn, int cell,
                             struct vm_node_memory_stats *stats, unsigned int flags)
{
    CONN_CHECK(conn, "nodememstats", false, node_get_memory_stats, -1);
    if (!stats || cell < VM_NODE_ALL) {
        vm_report_error(VM_ERR_INVALID_ARG, "nodememstats: %s",
                        stats ? "a cell number is 0 or more" : "no result pointer given");
        return -1;
    }
    stats->total_kib = stats->free_kib = stats->buffers_kib = stats->cached_kib =
        VM_STAT_UNKNOWN;
    return conn->driver->node_get_memory_stats(conn, cell, stats, flags);
}

int vm_connect_list_domains(struct vm_connect *conn, struct vm_domain ***domains,
                            unsigned int flags)
{
    CONN_CHECK(conn, "list", false, connect_list_domains, -1);
    if (!domains) {
        vm_report_error(VM_ERR_INVALID_ARG, "list: no result pointer given");
        return -1;
    }
    *domains = NULL;
    return conn->driver->connect_list_domains(conn, domains, flags);
}

#define ACTIVITY (VM_LIST_ACTIVE | VM_LIST_INACTIVE)
#define STATES (VM_LIST_RUNNING | VM_LIST_PAUSED | VM_LIST_SHUTOFF | VM_LIST_OTHER)

/* What the driver is asked for: active/inactive (narrowed to the active
 * domains when the state filters exclude shut-off ones) and the agents. */
static unsigned int driver_flags(unsigned int flags)
{
    unsigned int f = flags & (ACTIVITY | VM_STATS_GUEST);

    if ((flags & STATES) && !(flags & VM_LIST_SHUTOFF) && !(flags & ACTIVITY))
        f |= VM_LIST_ACTIVE;
    return f;
}

/* One group of filters: true when none of its flags is given or st has the
 * property of one that is. */
static bool group_ok(unsigned int flags, unsigned int yes, unsigned int no, bool has)
{
    if (!(flags & (yes | no)) || (flags & (yes | no)) == (yes | no))
        return true;
    return (flags & yes) ? has : !has;
}

static bool stats_match(const struct vm_domain_stats *st, unsigned int flags)
{
    bool running = st->state == VM_DOMAIN_RUNNING, paused = st->state == VM_DOMAIN_PAUSED;
    bool shutoff = st->state == VM_DOMAIN_SHUTOFF;

    if (!group_ok(flags, VM_LIST_ACTIVE, VM_LIST_INACTIVE, st->id >= 0) ||
        !group_ok(flags, VM_LIST_PERSISTENT, VM_LIST_TRANSIENT, st->persistent) ||
        !group_ok(flags, VM_LIST_AUTOSTART, VM_LIST_NO_AUTOSTART, st->autostart) ||
        !group_ok(flags, VM_LIST_MANAGEDSAVE, VM_LIST_NO_MANAGEDSAVE, st->managed_save))
        return false;
    if (!(flags & STATES))
        return true;
    return ((flags & VM_LIST_RUNNING) && running) || ((flags & VM_LIST_PAUSED) && paused) ||
           ((flags & VM_LIST_SHUTOFF) && shutoff) ||
           ((flags & VM_LIST_OTHER) && !running && !paused && !shutoff);
}

/* Keeps the records that pass every filter group, in order; frees the
 * others.  Returns how many are kept. */
static size_t filter_stats(struct vm_domain_stats **stats, size_t n, unsigned int flags)
{
    size_t kept = 0;

    for (size_t i = 0; i < n; i++) {
        if (stats_match(stats[i], flags))
            stats[kept++] = stats[i];
        else
            vm_domain_stats_free(stats[i]);
    }
    return kept;
}

int vm_connect_get_all_domain_stats(struct vm_connect *conn, struct vm_domain_stats ***stats,
                                    unsigned int flags)
{
    int n;

    CONN_CHECK(conn, "domstats", false, connect_get_all_domain_stats, -1);
    if (!stats) {
        vm_report_error(VM_ERR_INVALID_ARG, "domstats: no result pointer given");
        return -1;
    }
    *stats = NULL;
    if (flags & ~(VM_LIST_FILTERS | VM_STATS_GUEST)) {
        vm_report_error(VM_ERR_INVALID_ARG, "domstats: unsupported flags (0x%x)",
                        flags & ~(VM_LIST_FILTERS | VM_STATS_GUEST));
        return -1;
    }
    n = conn->driver->connect_get_all_domain_stats(conn, stats, driver_flags(flags));
    if (n > 0 && (flags & VM_LIST_FILTERS & ~ACTIVITY))
        n = (int)filter_stats(*stats, (size_t)n, flags);
    return n;
}

int vm_connect_domain_event_register(struct vm_connect *conn, vm_domain_event_cb cb,
                                     void *opaque, void (*free_opaque)(void *),
                                     unsigned int flags)
{
    CONN_CHECK(conn, "event-register", false, connect_domain_event_register, -1);
    if (!cb) {
        vm_report_error(VM_ERR_INVALID_ARG, "event-register: no callback given");
        return -1;
    }
    return conn->driver->connect_domain_event_register(conn, cb, opaque, free_opaque, flags);
}

int vm_connect_domain_event_deregister(struct vm_connect *conn, int callback_id)
{
    CONN_CHECK(conn, "event-deregister", false, connect_domain_event_deregister, -1);
    return conn->driver->connect_domain_event_deregister(conn, callback_id);
}

unsigned long long vm_library_version(void)
{
    return VM_VERSION_NUMBER;
}
