/*
 * vm_domain.c: domain handles and the public wrappers of domain operations.
 */
#include "config.h"

#include <ctype.h>
#include <stddef.h>
#include <string.h>

#include "conf/domain_conf.h"
#include "util/vm_alloc.h"
#include "util/vm_error.h"
#include "util/vm_units.h"
#include "vm_api.h"
#include "vm_driver.h"

int vm_report_no_domain(const char *name, const unsigned char *uuid, int id)
{
    char buf[VM_UUID_STRING_BUFLEN];

    if (name) {
        vm_report_error(VM_ERR_NO_DOMAIN, "no domain with name '%s'", name);
    } else if (uuid) {
        vm_uuid_format(uuid, buf);
        vm_report_error(VM_ERR_NO_DOMAIN, "no domain with UUID '%s'", buf);
    } else {
        vm_report_error(VM_ERR_NO_DOMAIN, "no domain with id %d", id);
    }
    return -1;
}

struct vm_domain *vm_domain_new(struct vm_connect *conn, const char *name,
                                const unsigned char uuid[VM_UUID_BUFLEN], int id)
{
    struct vm_domain *dom;

    VM_NEW(dom);
    vm_connect_ref(conn);
    dom->conn = conn;
    dom->name = vm_strdup(name);
    memcpy(dom->uuid, uuid, VM_UUID_BUFLEN);
    dom->id = id;
    return dom;
}

void vm_domain_free(struct vm_domain *dom)
{
    if (!dom)
        return;
    vm_connect_unref(dom->conn);
    free(dom->name);
    free(dom);
}

void vm_domain_list_free(struct vm_domain **domains, size_t n)
{
    if (!domains)
        return;
    for (size_t i = 0; i < n; i++)
        vm_domain_free(domains[i]);
    free(domains);
}

static int dom_check(struct vm_domain *dom, const char *op, bool mutating, size_t member)
{
    const void *fn = NULL;

    if (!dom) {
        vm_report_error(VM_ERR_INVALID_ARG, "%s: no domain given", op);
        return -1;
    }
    memcpy(&fn, (const char *)dom->conn->driver + member, sizeof(fn));
    return vm_api_check_conn(dom->conn, op, mutating, fn != NULL);
}

#define DRV(dom) ((dom)->conn->driver)
#define DOM_CHECK(dom, op, mutating, member, retval)                                   \
    do {                                                                               \
        if (dom_check((dom), (op), (mutating), offsetof(struct vm_driver, member)) < 0) \
            return retval;                                                             \
    } while (0)

/* The operations that take only the domain and flags, by driver member. */
#define DOMAIN_SIMPLE_OP(fname, member, opname, mutating)  \
    int fname(struct vm_domain *dom, unsigned int flags)   \
    {                                                      \
        DOM_CHECK(dom, opname, mutating, member, -1);      \
        return DRV(dom)->member(dom, flags);               \
    }

DOMAIN_SIMPLE_OP(vm_domain_start, domain_start, "start", true)
DOMAIN_SIMPLE_OP(vm_domain_shutdown, domain_shutdown, "shutdown", true)
DOMAIN_SIMPLE_OP(vm_domain_destroy, domain_destroy, "destroy", true)
DOMAIN_SIMPLE_OP(vm_domain_suspend, domain_suspend, "suspend", true)
DOMAIN_SIMPLE_OP(vm_domain_resume, domain_resume, "resume", true)
DOMAIN_SIMPLE_OP(vm_domain_reboot, domain_reboot, "reboot", true)
DOMAIN_SIMPLE_OP(vm_domain_reset, domain_reset, "reset", true)
DOMAIN_SIMPLE_OP(vm_domain_managed_save, domain_managed_save, "managedsave", true)
DOMAIN_SIMPLE_OP(vm_domain_undefine, domain_undefine, "undefine", true)
DOMAIN_SIMPLE_OP(vm_domain_has_managed_save, domain_has_managed_save, "has-managed-save", false)

struct vm_domain *vm_domain_lookup_by_name(struct vm_connect *conn, const char *name)
{
    if (vm_api_check_conn(conn, "lookup-by-name", false,
                          conn && conn->driver->domain_lookup_by_name) < 0)
        return NULL;
    if (!name || !*name) {
        vm_report_error(VM_ERR_INVALID_ARG, "lookup-by-name: no name given");
        return NULL;
    }
    return conn->driver->domain_lookup_by_name(conn, name, 0);
}

struct vm_domain *vm_domain_lookup_by_uuid(struct vm_connect *conn,
                                           const unsigned char uuid[VM_UUID_BUFLEN])
{
    if (vm_api_check_conn(conn, "lookup-by-uuid", false,
                          conn && conn->driver->domain_lookup_by_uuid) < 0)
        return NULL;
    if (!uuid) {
        vm_report_error(VM_ERR_INVALID_ARG, "lookup-by-uuid: no UUID given");
        return NULL;
    }
    return conn->driver->domain_lookup_by_uuid(conn, uuid, 0);
}

struct vm_domain *vm_domain_lookup_by_uuid_string(struct vm_connect *conn, const char *uuidstr)
{
    unsigned char uuid[VM_UUID_BUFLEN];

    vm_error_reset();
    if (!uuidstr || vm_uuid_parse(uuidstr, uuid) < 0) {
        vm_report_error(VM_ERR_INVALID_ARG, "invalid UUID '%s'", uuidstr ? uuidstr : "");
        return NULL;
    }
    return vm_domain_lookup_by_uuid(conn, uuid);
}

struct vm_domain *vm_domain_lookup_by_id(struct vm_connect *conn, int id)
{
    if (vm_api_check_conn(conn, "lookup-by-id", false,
                          conn && conn->driver->domain_lookup_by_id) < 0)
        return NULL;
    if (id < 0) {
        vm_report_error(VM_ERR_INVALID_ARG, "lookup-by-id: invalid id %d", id);
        return NULL;
    }
    return conn->driver->domain_lookup_by_id(conn, id, 0);
}

struct vm_domain *vm_domain_lookup(struct vm_connect *conn, const char *what)
{
    struct vm_domain *dom;
    unsigned char uuid[VM_UUID_BUFLEN];
    int id;

    vm_error_reset();
    if (!what || !*what) {
        vm_report_error(VM_ERR_INVALID_ARG, "no domain name, UUID or id given");
        return NULL;
    }
    /* virsh's order: an id, then a UUID, then a name; a miss falls through
     * because a name may look like a number or a UUID. */
    if (vm_parse_int(what, &id) == 0 && id >= 0) {
        if ((dom = vm_domain_lookup_by_id(conn, id)))
            return dom;
        if (vm_error_code() != VM_ERR_NO_DOMAIN)
            return NULL;
    }
    if (vm_uuid_parse(what, uuid) == 0) {
        if ((dom = vm_domain_lookup_by_uuid(conn, uuid)))
            return dom;
        if (vm_error_code() != VM_ERR_NO_DOMAIN)
            return NULL;
    }
    if ((dom = vm_domain_lookup_by_name(conn, what)))
        return dom;
    if (vm_error_code() == VM_ERR_NO_DOMAIN)
        vm_report_error(VM_ERR_NO_DOMAIN, "failed to get domain '%s'", what);
    return NULL;
}

/* The handle accessors never call the driver and leave the thread's error
 * alone, so a tool can name the domain while it reports a failure. */
const char *vm_domain_get_name(struct vm_domain *dom)
{
    if (!dom) {
        vm_report_error(VM_ERR_INVALID_ARG, "get-name: no domain given");
        return NULL;
    }
    return dom->name;
}

int vm_domain_get_uuid(struct vm_domain *dom, unsigned char uuid[VM_UUID_BUFLEN])
{
    if (!dom || !uuid) {
        vm_report_error(VM_ERR_INVALID_ARG, "get-uuid: no domain or buffer given");
        return -1;
    }
    memcpy(uuid, dom->uuid, VM_UUID_BUFLEN);
    return 0;
}

int vm_domain_get_uuid_string(struct vm_domain *dom, char buf[VM_UUID_STRING_BUFLEN])
{
    if (!dom || !buf) {
        vm_report_error(VM_ERR_INVALID_ARG, "get-uuid: no domain or buffer given");
        return -1;
    }
    vm_uuid_format(dom->uuid, buf);
    return 0;
}

struct vm_connect *vm_domain_get_connect(struct vm_domain *dom)
{
    if (!dom) {
        vm_report_error(VM_ERR_INVALID_ARG, "get-connect: no domain given");
        return NULL;
    }
    return dom->conn;
}

int vm_domain_get_id(struct vm_domain *dom)
{
    DOM_CHECK(dom, "domid", false, domain_get_id, -1);
    return DRV(dom)->domain_get_id(dom, 0);
}

int vm_domain_get_info(struct vm_domain *dom, struct vm_domain_info *info, unsigned int flags)
{
    DOM_CHECK(dom, "dominfo", false, domain_get_info, -1);
    if (!info) {
        vm_report_error(VM_ERR_INVALID_ARG, "dominfo: no result pointer given");
        return -1;
    }
    memset(info, 0, sizeof(*info));
    return DRV(dom)->domain_get_info(dom, info, flags);
}

int vm_domain_get_state(struct vm_domain *dom, int *state, int *reason, unsigned int flags)
{
    int dummy;

    DOM_CHECK(dom, "domstate", false, domain_get_state, -1);
    if (!state) {
        vm_report_error(VM_ERR_INVALID_ARG, "domstate: no result pointer given");
        return -1;
    }
    return DRV(dom)->domain_get_state(dom, state, reason ? reason : &dummy, flags);
}

int vm_domain_get_control(struct vm_domain *dom, int *control, unsigned int flags)
{
    DOM_CHECK(dom, "domcontrol", false, domain_get_control, -1);
    if (!control) {
        vm_report_error(VM_ERR_INVALID_ARG, "domcontrol: no result pointer given");
        return -1;
    }
    return DRV(dom)->domain_get_control(dom, control, flags);
}

struct vm_guest_info *vm_domain_get_guest_info(struct vm_domain *dom, unsigned int flags)
{
    DOM_CHECK(dom, "guestinfo", false, domain_get_guest_info, NULL);
    return DRV(dom)->domain_get_guest_info(dom, flags);
}

char *vm_domain_get_display(struct vm_domain *dom, unsigned int flags)
{
    DOM_CHECK(dom, "domdisplay", false, domain_get_display, NULL);
    return DRV(dom)->domain_get_display(dom, flags);
}

struct vm_domain_stats *vm_domain_get_stats(struct vm_domain *dom, unsigned int flags)
{
    DOM_CHECK(dom, "domstats", false, domain_get_stats, NULL);
    return DRV(dom)->domain_get_stats(dom, flags);
}

int vm_domain_get_vcpu_count(struct vm_domain *dom, unsigned int flags)
{
    DOM_CHECK(dom, "vcpucount", false, domain_get_vcpu_count, -1);
    if ((flags & VM_DOMAIN_AFFECT_LIVE) && (flags & VM_DOMAIN_AFFECT_CONFIG)) {
        vm_report_error(VM_ERR_INVALID_ARG, "vcpucount: live and config are exclusive");
        return -1;
    }
    return DRV(dom)->domain_get_vcpu_count(dom, flags);
}

int vm_domain_set_memory(struct vm_domain *dom, uint64_t kib, unsigned int flags)
{
    DOM_CHECK(dom, "setmem", true, domain_set_memory, -1);
    if (kib == 0 || kib == VM_STAT_UNKNOWN) {
        vm_report_error(VM_ERR_INVALID_ARG, "memory must be at least 1 KiB");
        return -1;
    }
    return DRV(dom)->domain_set_memory(dom, kib, flags);
}

int vm_domain_set_vcpus(struct vm_domain *dom, unsigned int count, unsigned int flags)
{
    DOM_CHECK(dom, "setvcpus", true, domain_set_vcpus, -1);
    if (count == 0 || count > VM_DOMAIN_VCPUS_MAX) {
        vm_report_error(VM_ERR_INVALID_ARG, "a domain has 1 to %d vCPUs, not %u",
                        VM_DOMAIN_VCPUS_MAX, count);
        return -1;
    }
    if ((flags & VM_DOMAIN_VCPU_MAXIMUM) && (flags & VM_DOMAIN_AFFECT_LIVE)) {
        vm_report_error(VM_ERR_INVALID_ARG,
                        "the maximum vCPUs of a running domain cannot change: set it in its "
                        "definition (config)");
        return -1;
    }
    return DRV(dom)->domain_set_vcpus(dom, count, flags);
}

int vm_domain_save(struct vm_domain *dom, const char *path, unsigned int flags)
{
    DOM_CHECK(dom, "save", true, domain_save, -1);
    if (!path || !*path) {
        vm_report_error(VM_ERR_INVALID_ARG, "save: no file given");
        return -1;
    }
    return DRV(dom)->domain_save(dom, path, flags);
}

int vm_domain_restore(struct vm_connect *conn, const char *path, unsigned int flags)
{
    if (vm_api_check_conn(conn, "restore", true, conn && conn->driver->domain_restore) < 0)
        return -1;
    if (!path || !*path) {
        vm_report_error(VM_ERR_INVALID_ARG, "restore: no file given");
        return -1;
    }
    return conn->driver->domain_restore(conn, path, flags);
}

int vm_domain_open_console(struct vm_domain *dom, const char *dev, unsigned int flags)
{
    DOM_CHECK(dom, "console", true, domain_open_console, -1);
    return DRV(dom)->domain_open_console(dom, dev, flags);
}

struct vm_vcpu_list *vm_domain_get_vcpus(struct vm_domain *dom, unsigned int flags)
{
    DOM_CHECK(dom, "vcpuinfo", false, domain_get_vcpus, NULL);
    return DRV(dom)->domain_get_vcpus(dom, flags);
}

int vm_domain_memory_stats(struct vm_domain *dom, struct vm_memory_stat *stats, unsigned int nr,
                           unsigned int flags)
{
    DOM_CHECK(dom, "dommemstat", false, domain_memory_stats, -1);
    if (!stats && nr) {
        vm_report_error(VM_ERR_INVALID_ARG, "dommemstat: no result array given");
        return -1;
    }
    return DRV(dom)->domain_memory_stats(dom, stats, nr, flags);
}

const struct vm_net_stats *vm_domain_stats_find_net(const struct vm_domain_stats *st,
                                                    const char *iface)
{
    unsigned char want[6], mac[6];
    bool is_mac = iface && vm_mac_parse(iface, want) == 0;

    vm_error_reset();
    for (size_t i = 0; st && iface && i < st->nnet; i++) {
        const struct vm_net_stats *n = &st->net[i];
        if ((n->name && strcmp(n->name, iface) == 0) ||
            (is_mac && n->mac && vm_mac_parse(n->mac, mac) == 0 && memcmp(mac, want, 6) == 0))
            return n;
    }
    vm_report_error(VM_ERR_INVALID_ARG, "'%s' is not a known interface", iface ? iface : "");
    return NULL;
}

const struct vm_block_stats *vm_domain_stats_find_block(const struct vm_domain_stats *st,
                                                        const char *dev)
{
    vm_error_reset();
    for (size_t i = 0; st && dev && i < st->nblock; i++) {
        const struct vm_block_stats *b = &st->block[i];
        if ((b->name && strcmp(b->name, dev) == 0) || (b->source && strcmp(b->source, dev) == 0))
            return b;
    }
    vm_report_error(VM_ERR_INVALID_ARG, "invalid path: %s", dev ? dev : "");
    return NULL;
}

char *vm_domain_get_xml(struct vm_domain *dom, unsigned int flags)
{
    /* secrets go only to who may change the domain anyway (libvirt's rule) */
    DOM_CHECK(dom, "dumpxml", (flags & VM_DOMAIN_XML_SECURE) != 0, domain_get_xml, NULL);
    return DRV(dom)->domain_get_xml(dom, flags);
}

static struct vm_domain *define_or_create(struct vm_connect *conn, const char *xml,
                                          unsigned int flags, bool create)
{
    const char *op = create ? "create" : "define";

    if (vm_api_check_conn(conn, op, true,
                          conn && (create ? conn->driver->domain_create_xml
                                          : conn->driver->domain_define_xml)) < 0)
        return NULL;
    if (!xml || !*xml) {
        vm_report_error(VM_ERR_INVALID_ARG, "%s: no XML given", op);
        return NULL;
    }
    if (create)
        return conn->driver->domain_create_xml(conn, xml, flags);
    return conn->driver->domain_define_xml(conn, xml, flags);
}

struct vm_domain *vm_domain_define_xml(struct vm_connect *conn, const char *xml, unsigned int flags)
{
    return define_or_create(conn, xml, flags, false);
}

struct vm_domain *vm_domain_create_xml(struct vm_connect *conn, const char *xml, unsigned int flags)
{
    return define_or_create(conn, xml, flags, true);
}

int vm_domain_get_autostart(struct vm_domain *dom, int *autostart)
{
    DOM_CHECK(dom, "autostart", false, domain_get_autostart, -1);
    if (!autostart) {
        vm_report_error(VM_ERR_INVALID_ARG, "autostart: no result pointer given");
        return -1;
    }
    return DRV(dom)->domain_get_autostart(dom, autostart, 0);
}

int vm_domain_set_autostart(struct vm_domain *dom, int autostart)
{
    DOM_CHECK(dom, "autostart", true, domain_set_autostart, -1);
    return DRV(dom)->domain_set_autostart(dom, autostart != 0, 0);
}
