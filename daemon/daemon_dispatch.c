/*
 * daemon_dispatch.c: one handler per procedure, each reading its arguments
 * from the call's body (checked field by field) and calling the connection
 * virtmond serves.  The order is enforced: HELLO, the socket's
 * authentication, OPEN, then the rest; the read-only socket gets an error
 * for every mutating procedure.
 */
#include "config.h"

#include <string.h>

#include "daemon.h"
#include "rpc/vm_rpc_proto.h"
#include "util/vm_alloc.h"
#include "util/vm_error.h"
#include "util/vm_file.h"
#include "util/vm_log.h"
#include "util/vm_sasl.h"
#include "util/vm_uri.h"

#define PATH_MAX_BYTES 4096

/* What a handler gets: the call's arguments, the reply's body to fill. */
struct req {
    struct daemon *d;
    struct daemon_peer *peer;
    struct vm_rpc_dec *in;
    struct vm_rpc_enc *out;
};

/* Handlers return 0 (reply filled), -1 (the library's error goes back). */
typedef int (*handler_fn)(struct req *r);

/* The domain an argument names, looked up by UUID; NULL with the error. */
static struct vm_domain *arg_domain(struct req *r)
{
    char *name = NULL;
    unsigned char uuid[VM_UUID_BUFLEN];
    int id;
    struct vm_domain *dom;

    vm_rpc_get_domain(r->in, &name, uuid, &id);
    free(name);
    if (r->in->bad) {
        vm_report_error(VM_ERR_PROTOCOL, "malformed domain: %s", r->in->bad);
        return NULL;
    }
    dom = vm_domain_lookup_by_uuid(daemon_conn(r->d), uuid);
    return dom;
}

static void put_handle(struct req *r, struct vm_domain *dom)
{
    vm_rpc_put_handle(r->out, dom);
}

/* Ends a handler that made a domain handle: the reply names it. */
static int reply_handle(struct req *r, struct vm_domain *dom)
{
    if (!dom)
        return -1;
    put_handle(r, dom);
    vm_domain_free(dom);
    vm_error_reset();
    return 0;
}

static int h_hello(struct req *r)
{
    uint32_t v = vm_rpc_get_u32(r->in);

    (void)v;
    r->peer->greeted = true;
    vm_rpc_put_u32(r->out, VM_RPC_VERSION);
    return 0;
}

/* AUTH_LIST: what this socket asks before OPEN. */
static int h_auth_list(struct req *r)
{
    vm_rpc_put_u32(r->out, r->peer->auth);
    return 0;
}

static int need_sasl(struct req *r)
{
    if (r->peer->auth != VM_RPC_AUTH_SASL) {
        vm_report_error(VM_ERR_OPERATION_INVALID, "this socket does not use SASL");
        return -1;
    }
    if (r->peer->authed) {
        vm_report_error(VM_ERR_OPERATION_INVALID, "already authenticated");
        return -1;
    }
    return 0;
}

/* AUTH_SASL_INIT: a new exchange, and the mechanisms it offers. */
static int h_auth_sasl_init(struct req *r)
{
    VM_AUTOFREE char *mechs = NULL;

    if (need_sasl(r) < 0)
        return -1;
    vm_sasl_free(r->peer->sasl);
    if (!(r->peer->sasl = vm_sasl_server_new(r->peer->local, r->peer->address, r->peer->ssf)) ||
        !(mechs = vm_sasl_server_mechlist(r->peer->sasl))) {
        VM_WARN("client %u: SASL: %s", r->peer->id, vm_error_message());
        return -1;
    }
    vm_rpc_put_str(r->out, mechs);
    return 0;
}

/* A step's outcome: the reply, or a failure that ends the client. */
static int sasl_reply(struct req *r, int st, const char *out, size_t outlen)
{
    if (st < 0) {
        VM_WARN("client %u%s%s: SASL authentication failed: %s: closing its connection",
                r->peer->id, r->peer->address ? " from " : "",
                r->peer->address ? r->peer->address : "", vm_sasl_why(r->peer->sasl));
        r->peer->close_after = true;
        return -1;
    }
    if (st == VM_SASL_DONE) {
        r->peer->authed = true;
        VM_INFO("client %u: SASL: authenticated as '%s'", r->peer->id,
                vm_sasl_username(r->peer->sasl));
    }
    vm_rpc_put_bool(r->out, st == VM_SASL_DONE);
    vm_rpc_put_blob(r->out, out, outlen);
    return 0;
}

/* Whether a start or step can go on: its arguments good (the client is
 * dropped otherwise), SASL asked for and begun.  0 to go on, else what the
 * handler returns. */
static int sasl_ready(struct req *r, bool started, const char *what)
{
    if (r->in->bad)
        return 1;
    if (need_sasl(r) < 0)
        return -1;
    if (!r->peer->sasl || !started) {
        vm_report_error(VM_ERR_OPERATION_INVALID, "%s before auth-sasl-init", what);
        return -1;
    }
    return 0;
}

/* AUTH_SASL_START {str mech, blob? token}: {bool complete, blob? token} */
static int h_auth_sasl_start(struct req *r)
{
    VM_AUTOFREE char *mech = vm_rpc_get_str(r->in, 64);
    size_t inlen = 0;
    VM_AUTOFREE char *in = vm_rpc_get_blob(r->in, VM_RPC_SASL_MAX, &inlen);
    const char *out = NULL;
    size_t outlen = 0;
    int st = sasl_ready(r, mech != NULL, "auth-sasl-start");

    if (st != 0)
        return st > 0 ? 0 : -1;
    st = vm_sasl_server_start(r->peer->sasl, mech, in, inlen, &out, &outlen);
    return sasl_reply(r, st, out, outlen);
}

/* AUTH_SASL_STEP {blob? token}: {bool complete, blob? token} */
static int h_auth_sasl_step(struct req *r)
{
    size_t inlen = 0;
    VM_AUTOFREE char *in = vm_rpc_get_blob(r->in, VM_RPC_SASL_MAX, &inlen);
    const char *out = NULL;
    size_t outlen = 0;
    int st = sasl_ready(r, true, "auth-sasl-step");

    if (st != 0)
        return st > 0 ? 0 : -1;
    st = vm_sasl_server_step(r->peer->sasl, in, inlen, &out, &outlen);
    return sasl_reply(r, st, out, outlen);
}

void daemon_peer_clear(struct daemon_peer *peer)
{
    vm_sasl_free(peer->sasl);
    peer->sasl = NULL;
    free(peer->address);
    free(peer->local);
    free(peer->refused);
    peer->address = peer->local = peer->refused = NULL;
}

/* OPEN {str driver, str? uri}: the client asks for the daemon's URI (no
 * uri) or names it; anything else is refused. */
static int h_open(struct req *r)
{
    VM_AUTOFREE char *driver = vm_rpc_get_str(r->in, 256);
    VM_AUTOFREE char *want = vm_rpc_get_str(r->in, PATH_MAX_BYTES);
    const char *serves = vm_connect_get_uri(daemon_conn(r->d));
    struct vm_uri *u;
    bool ok;

    if (r->in->bad)
        return 0;
    if (!(u = vm_uri_parse(serves)))
        return -1;
    ok = driver && strcmp(driver, u->driver) == 0 && (!want || strcmp(want, serves) == 0);
    vm_uri_free(u);
    if (!ok) {
        vm_report_error(VM_ERR_NO_DRIVER, "this virtmond serves '%s', not '%s'", serves,
                        want ? want : driver ? driver : "");
        return -1;
    }
    r->peer->opened = true;
    vm_rpc_put_str(r->out, vm_connect_get_type(daemon_conn(r->d)));
    return 0;
}

static int h_get_uri(struct req *r)
{
    vm_rpc_put_str(r->out, vm_connect_get_uri(daemon_conn(r->d)));
    return 0;
}

static int h_get_type(struct req *r)
{
    vm_rpc_put_str(r->out, vm_connect_get_type(daemon_conn(r->d)));
    return 0;
}

static int h_get_version(struct req *r)
{
    unsigned long long v;

    if (vm_connect_get_version(daemon_conn(r->d), &v, vm_rpc_get_u32(r->in)) < 0)
        return -1;
    vm_rpc_put_u64(r->out, v);
    return 0;
}

static int h_get_hostname(struct req *r)
{
    char *name = vm_connect_get_hostname(daemon_conn(r->d), vm_rpc_get_u32(r->in));

    if (!name)
        return -1;
    vm_rpc_put_str(r->out, name);
    free(name);
    return 0;
}

static int h_node_info(struct req *r)
{
    struct vm_node_info info;

    if (vm_node_get_info(daemon_conn(r->d), &info, vm_rpc_get_u32(r->in)) < 0)
        return -1;
    vm_rpc_put_node_info(r->out, &info);
    vm_node_info_clear(&info);
    return 0;
}

static int h_node_cpu_stats(struct req *r)
{
    struct vm_node_cpu_stats s;
    int cpu = vm_rpc_get_i32(r->in);

    if (vm_node_get_cpu_stats(daemon_conn(r->d), cpu, &s, vm_rpc_get_u32(r->in)) < 0)
        return -1;
    vm_rpc_put_cpu_stats(r->out, &s);
    return 0;
}

static int h_node_memory_stats(struct req *r)
{
    struct vm_node_memory_stats s;
    int cell = vm_rpc_get_i32(r->in);

    if (vm_node_get_memory_stats(daemon_conn(r->d), cell, &s, vm_rpc_get_u32(r->in)) < 0)
        return -1;
    vm_rpc_put_mem_stats(r->out, &s);
    return 0;
}

static int h_list(struct req *r)
{
    struct vm_domain **doms = NULL;
    int n = vm_connect_list_domains(daemon_conn(r->d), &doms, vm_rpc_get_u32(r->in));

    if (n < 0)
        return -1;
    vm_rpc_put_u32(r->out, (uint32_t)n);
    for (int i = 0; i < n; i++)
        put_handle(r, doms[i]);
    vm_domain_list_free(doms, (size_t)n);
    vm_error_reset();
    return 0;
}

static int h_all_stats(struct req *r)
{
    struct vm_domain_stats **stats = NULL;
    int n = vm_connect_get_all_domain_stats(daemon_conn(r->d), &stats, vm_rpc_get_u32(r->in));

    if (n < 0)
        return -1;
    vm_rpc_put_u32(r->out, (uint32_t)n);
    for (int i = 0; i < n; i++)
        vm_rpc_put_stats(r->out, stats[i]);
    vm_domain_stats_list_free(stats, (size_t)n);
    return 0;
}

static int h_lookup_name(struct req *r)
{
    VM_AUTOFREE char *name = vm_rpc_get_str(r->in, PATH_MAX_BYTES);

    vm_rpc_get_u32(r->in);
    if (r->in->bad || !name)
        return 0;
    return reply_handle(r, vm_domain_lookup_by_name(daemon_conn(r->d), name));
}

static int h_lookup_uuid(struct req *r)
{
    unsigned char uuid[VM_UUID_BUFLEN];

    vm_rpc_get_bytes(r->in, uuid, VM_UUID_BUFLEN);
    vm_rpc_get_u32(r->in);
    if (r->in->bad)
        return 0;
    return reply_handle(r, vm_domain_lookup_by_uuid(daemon_conn(r->d), uuid));
}

static int h_lookup_id(struct req *r)
{
    int id = vm_rpc_get_i32(r->in);

    vm_rpc_get_u32(r->in);
    if (r->in->bad)
        return 0;
    return reply_handle(r, vm_domain_lookup_by_id(daemon_conn(r->d), id));
}

/* The procedures that take a domain and flags and answer one int. */
static int dom_int_call(struct req *r, uint32_t proc)
{
    struct vm_domain *dom = arg_domain(r);
    unsigned int flags = vm_rpc_get_u32(r->in);
    int v = 0, ret = -1;

    if (!dom || r->in->bad) {
        vm_domain_free(dom);
        return r->in->bad ? 0 : -1;
    }
    switch (proc) {
    case VM_PROC_DOMAIN_GET_ID:
        v = vm_domain_get_id(dom);
        ret = 0;
        break;
    case VM_PROC_DOMAIN_GET_CONTROL:
        ret = vm_domain_get_control(dom, &v, flags);
        break;
    case VM_PROC_DOMAIN_GET_VCPU_COUNT:
        ret = (v = vm_domain_get_vcpu_count(dom, flags)) < 0 ? -1 : 0;
        break;
    case VM_PROC_DOMAIN_HAS_MANAGED_SAVE:
        ret = (v = vm_domain_has_managed_save(dom, flags)) < 0 ? -1 : 0;
        break;
    case VM_PROC_DOMAIN_GET_AUTOSTART:
        ret = vm_domain_get_autostart(dom, &v);
        break;
    }
    vm_domain_free(dom);
    if (ret < 0)
        return -1;
    vm_rpc_put_i32(r->out, v);
    return 0;
}

/* The procedures that take a domain and flags and answer nothing: the
 * lifecycle, by the call that does it. */
static int dom_op_call(struct req *r, int (*op)(struct vm_domain *, unsigned int))
{
    struct vm_domain *dom = arg_domain(r);
    unsigned int flags = vm_rpc_get_u32(r->in);
    int ret;

    if (!dom || r->in->bad) {
        vm_domain_free(dom);
        return r->in->bad ? 0 : -1;
    }
    ret = op(dom, flags);
    vm_domain_free(dom);
    return ret < 0 ? -1 : 0;
}

#define DOM_INT_HANDLER(fname, proc) \
    static int fname(struct req *r)     \
    {                                   \
        return dom_int_call(r, proc);   \
    }
DOM_INT_HANDLER(h_get_id, VM_PROC_DOMAIN_GET_ID)
DOM_INT_HANDLER(h_get_control, VM_PROC_DOMAIN_GET_CONTROL)
DOM_INT_HANDLER(h_get_vcpu_count, VM_PROC_DOMAIN_GET_VCPU_COUNT)
DOM_INT_HANDLER(h_has_managed_save, VM_PROC_DOMAIN_HAS_MANAGED_SAVE)
DOM_INT_HANDLER(h_get_autostart, VM_PROC_DOMAIN_GET_AUTOSTART)

#define DOM_OP_HANDLER(fname, call)   \
    static int fname(struct req *r)   \
    {                                 \
        return dom_op_call(r, call);  \
    }
DOM_OP_HANDLER(h_start, vm_domain_start)
DOM_OP_HANDLER(h_shutdown, vm_domain_shutdown)
DOM_OP_HANDLER(h_destroy, vm_domain_destroy)
DOM_OP_HANDLER(h_suspend, vm_domain_suspend)
DOM_OP_HANDLER(h_resume, vm_domain_resume)
DOM_OP_HANDLER(h_reboot, vm_domain_reboot)
DOM_OP_HANDLER(h_reset, vm_domain_reset)
DOM_OP_HANDLER(h_managed_save, vm_domain_managed_save)
DOM_OP_HANDLER(h_undefine, vm_domain_undefine)

static int h_get_info(struct req *r)
{
    struct vm_domain *dom = arg_domain(r);
    unsigned int flags = vm_rpc_get_u32(r->in);
    struct vm_domain_info info;
    int ret;

    if (!dom)
        return r->in->bad ? 0 : -1;
    ret = vm_domain_get_info(dom, &info, flags);
    vm_domain_free(dom);
    if (ret < 0)
        return -1;
    vm_rpc_put_info(r->out, &info);
    return 0;
}

static int h_get_state(struct req *r)
{
    struct vm_domain *dom = arg_domain(r);
    unsigned int flags = vm_rpc_get_u32(r->in);
    int state, reason, ret;

    if (!dom)
        return r->in->bad ? 0 : -1;
    ret = vm_domain_get_state(dom, &state, &reason, flags);
    vm_domain_free(dom);
    if (ret < 0)
        return -1;
    vm_rpc_put_i32(r->out, state);
    vm_rpc_put_i32(r->out, reason);
    return 0;
}

static int h_get_stats(struct req *r)
{
    struct vm_domain *dom = arg_domain(r);
    unsigned int flags = vm_rpc_get_u32(r->in);
    struct vm_domain_stats *st;

    if (!dom)
        return r->in->bad ? 0 : -1;
    st = vm_domain_get_stats(dom, flags);
    vm_domain_free(dom);
    if (!st)
        return -1;
    vm_rpc_put_stats(r->out, st);
    vm_domain_stats_free(st);
    return 0;
}

/* The handlers whose answer is one string; refused_flags are flags the
 * peer may not ask for (a read-only error). */
static int dom_str_call(struct req *r, char *(*fn)(struct vm_domain *, unsigned int),
                        unsigned int refused_flags)
{
    struct vm_domain *dom = arg_domain(r);
    unsigned int flags = vm_rpc_get_u32(r->in);
    char *s;

    if (!dom || r->in->bad) {
        vm_domain_free(dom);
        return r->in->bad ? 0 : -1;
    }
    if (flags & refused_flags) {
        vm_domain_free(dom);
        vm_report_error(VM_ERR_READ_ONLY,
                        "secrets are for read-write connections (virtmond-sock)");
        return -1;
    }
    s = fn(dom, flags);
    vm_domain_free(dom);
    if (!s)
        return -1;
    vm_rpc_put_str(r->out, s);
    free(s);
    return 0;
}

static int h_get_xml(struct req *r)
{
    /* secrets only to who may change the domain (the core checks the
     * connection, which is the daemon's: the socket is checked here) */
    return dom_str_call(r, vm_domain_get_xml, r->peer->readonly ? VM_DOMAIN_XML_SECURE : 0);
}

static int h_get_display(struct req *r)
{
    return dom_str_call(r, vm_domain_get_display, 0);
}

static int h_get_vcpus(struct req *r)
{
    struct vm_domain *dom = arg_domain(r);
    unsigned int flags = vm_rpc_get_u32(r->in);
    struct vm_vcpu_list *l;

    if (!dom)
        return r->in->bad ? 0 : -1;
    l = vm_domain_get_vcpus(dom, flags);
    vm_domain_free(dom);
    if (!l)
        return -1;
    vm_rpc_put_vcpus(r->out, l);
    vm_vcpu_list_free(l);
    return 0;
}

static int h_get_guest_info(struct req *r)
{
    struct vm_domain *dom = arg_domain(r);
    unsigned int flags = vm_rpc_get_u32(r->in);
    struct vm_guest_info *g;

    if (!dom)
        return r->in->bad ? 0 : -1;
    g = vm_domain_get_guest_info(dom, flags);
    vm_domain_free(dom);
    if (!g)
        return -1;
    vm_rpc_put_guest(r->out, g);
    vm_guest_info_free(g);
    return 0;
}

static int h_event_register(struct req *r)
{
    vm_rpc_get_u32(r->in);
    if (!r->in->bad)
        daemon_set_events(r->d, r->peer, true);
    return 0;
}

static int h_event_deregister(struct req *r)
{
    vm_rpc_get_u32(r->in);
    if (!r->in->bad)
        daemon_set_events(r->d, r->peer, false);
    return 0;
}

static int h_memory_stats(struct req *r)
{
    struct vm_domain *dom = arg_domain(r);
    uint32_t nr = vm_rpc_get_u32(r->in);
    unsigned int flags = vm_rpc_get_u32(r->in);
    struct vm_memory_stat stats[VM_MEMORY_STAT_NR];
    int n;

    if (!dom)
        return r->in->bad ? 0 : -1;
    n = vm_domain_memory_stats(dom, stats, nr < VM_MEMORY_STAT_NR ? nr : VM_MEMORY_STAT_NR,
                               flags);
    vm_domain_free(dom);
    if (n < 0)
        return -1;
    vm_rpc_put_u32(r->out, (uint32_t)n);
    for (int i = 0; i < n; i++) {
        vm_rpc_put_i32(r->out, stats[i].tag);
        vm_rpc_put_u64(r->out, stats[i].val);
    }
    return 0;
}

static int xml_call(struct req *r, bool create)
{
    VM_AUTOFREE char *xml = vm_rpc_get_str(r->in, VM_FILE_MAX_XML);
    unsigned int flags = vm_rpc_get_u32(r->in);

    if (r->in->bad || !xml)
        return 0;
    return reply_handle(r, create ? vm_domain_create_xml(daemon_conn(r->d), xml, flags)
                                  : vm_domain_define_xml(daemon_conn(r->d), xml, flags));
}

static int h_define(struct req *r)
{
    return xml_call(r, false);
}

static int h_create(struct req *r)
{
    return xml_call(r, true);
}

static int h_set_autostart(struct req *r)
{
    struct vm_domain *dom = arg_domain(r);
    int on = vm_rpc_get_i32(r->in);
    int ret;

    vm_rpc_get_u32(r->in);
    if (!dom)
        return r->in->bad ? 0 : -1;
    ret = r->in->bad ? 0 : vm_domain_set_autostart(dom, on);
    vm_domain_free(dom);
    return ret;
}

static int h_set_memory(struct req *r)
{
    struct vm_domain *dom = arg_domain(r);
    uint64_t kib = vm_rpc_get_u64(r->in);
    unsigned int flags = vm_rpc_get_u32(r->in);
    int ret;

    if (!dom)
        return r->in->bad ? 0 : -1;
    ret = r->in->bad ? 0 : vm_domain_set_memory(dom, kib, flags);
    vm_domain_free(dom);
    return ret;
}

static int h_set_vcpus(struct req *r)
{
    struct vm_domain *dom = arg_domain(r);
    uint32_t count = vm_rpc_get_u32(r->in);
    unsigned int flags = vm_rpc_get_u32(r->in);
    int ret;

    if (!dom)
        return r->in->bad ? 0 : -1;
    ret = r->in->bad ? 0 : vm_domain_set_vcpus(dom, count, flags);
    vm_domain_free(dom);
    return ret;
}

/* save and restore: the path is the daemon's (it is read and written with
 * the daemon's rights) */
static int h_save(struct req *r)
{
    struct vm_domain *dom = arg_domain(r);
    VM_AUTOFREE char *path = vm_rpc_get_str(r->in, PATH_MAX_BYTES);
    unsigned int flags = vm_rpc_get_u32(r->in);
    int ret;

    if (!dom)
        return r->in->bad ? 0 : -1;
    ret = r->in->bad ? 0 : vm_domain_save(dom, path, flags);
    vm_domain_free(dom);
    return ret;
}

static int h_restore(struct req *r)
{
    VM_AUTOFREE char *path = vm_rpc_get_str(r->in, PATH_MAX_BYTES);
    unsigned int flags = vm_rpc_get_u32(r->in);

    if (r->in->bad)
        return 0;
    return vm_domain_restore(daemon_conn(r->d), path, flags);
}

static const handler_fn handlers[VM_PROC_LAST] = {
    [VM_PROC_HELLO] = h_hello,
    [VM_PROC_OPEN] = h_open,
    [VM_PROC_GET_URI] = h_get_uri,
    [VM_PROC_GET_TYPE] = h_get_type,
    [VM_PROC_GET_VERSION] = h_get_version,
    [VM_PROC_GET_HOSTNAME] = h_get_hostname,
    [VM_PROC_NODE_INFO] = h_node_info,
    [VM_PROC_NODE_CPU_STATS] = h_node_cpu_stats,
    [VM_PROC_NODE_MEMORY_STATS] = h_node_memory_stats,
    [VM_PROC_LIST_DOMAINS] = h_list,
    [VM_PROC_ALL_STATS] = h_all_stats,
    [VM_PROC_LOOKUP_NAME] = h_lookup_name,
    [VM_PROC_LOOKUP_UUID] = h_lookup_uuid,
    [VM_PROC_LOOKUP_ID] = h_lookup_id,
    [VM_PROC_DOMAIN_GET_ID] = h_get_id,
    [VM_PROC_DOMAIN_GET_INFO] = h_get_info,
    [VM_PROC_DOMAIN_GET_STATE] = h_get_state,
    [VM_PROC_DOMAIN_GET_CONTROL] = h_get_control,
    [VM_PROC_DOMAIN_GET_STATS] = h_get_stats,
    [VM_PROC_DOMAIN_GET_XML] = h_get_xml,
    [VM_PROC_DOMAIN_GET_DISPLAY] = h_get_display,
    [VM_PROC_DOMAIN_GET_VCPU_COUNT] = h_get_vcpu_count,
    [VM_PROC_DOMAIN_GET_VCPUS] = h_get_vcpus,
    [VM_PROC_DOMAIN_MEMORY_STATS] = h_memory_stats,
    [VM_PROC_DOMAIN_HAS_MANAGED_SAVE] = h_has_managed_save,
    [VM_PROC_DOMAIN_GET_AUTOSTART] = h_get_autostart,
    [VM_PROC_DOMAIN_DEFINE] = h_define,
    [VM_PROC_DOMAIN_CREATE] = h_create,
    [VM_PROC_DOMAIN_START] = h_start,
    [VM_PROC_DOMAIN_SHUTDOWN] = h_shutdown,
    [VM_PROC_DOMAIN_DESTROY] = h_destroy,
    [VM_PROC_DOMAIN_SUSPEND] = h_suspend,
    [VM_PROC_DOMAIN_RESUME] = h_resume,
    [VM_PROC_DOMAIN_REBOOT] = h_reboot,
    [VM_PROC_DOMAIN_RESET] = h_reset,
    [VM_PROC_DOMAIN_MANAGED_SAVE] = h_managed_save,
    [VM_PROC_DOMAIN_UNDEFINE] = h_undefine,
    [VM_PROC_DOMAIN_SET_AUTOSTART] = h_set_autostart,
    [VM_PROC_DOMAIN_SET_MEMORY] = h_set_memory,
    [VM_PROC_DOMAIN_SET_VCPUS] = h_set_vcpus,
    [VM_PROC_DOMAIN_SAVE] = h_save,
    [VM_PROC_DOMAIN_RESTORE] = h_restore,
    [VM_PROC_DOMAIN_GET_GUEST_INFO] = h_get_guest_info,
    [VM_PROC_EVENT_REGISTER] = h_event_register,
    [VM_PROC_EVENT_DEREGISTER] = h_event_deregister,
    [VM_PROC_AUTH_LIST] = h_auth_list,
    [VM_PROC_AUTH_SASL_INIT] = h_auth_sasl_init,
    [VM_PROC_AUTH_SASL_START] = h_auth_sasl_start,
    [VM_PROC_AUTH_SASL_STEP] = h_auth_sasl_step,
};

int daemon_dispatch(struct daemon *d, struct daemon_peer *peer, const struct vm_rpc_header *h,
                    const uint8_t *body, size_t len, struct vm_rpc_enc *reply, const char **why)
{
    const struct vm_rpc_proc_info *info = vm_rpc_proc_info(h->procedure);
    struct vm_rpc_dec in;
    struct req r = {d, peer, &in, reply};
    int ret;

    *why = NULL;
    /* the order of a session, then the socket's rights */
    if (!info || !handlers[h->procedure])
        *why = "an unknown procedure";
    else if (!peer->greeted && h->procedure != VM_PROC_HELLO)
        *why = "a call before HELLO";
    else if (peer->greeted && !peer->opened && h->procedure != VM_PROC_OPEN && !info->auth)
        *why = "a call before OPEN";
    if (*why)
        return -1;
    vm_rpc_dec_init(&in, body, len);
    /* the answer goes straight into the reply (a bulk stats reply runs to
     * megabytes: not copied); an error starts it again */
    vm_rpc_enc_start(reply, h->procedure, VM_RPC_REPLY, h->serial, VM_RPC_OK);
    vm_error_reset();
    if (peer->refused) {
        /* its certificate got it a connection, not a hearing */
        vm_report_error(VM_ERR_AUTH, "%s", peer->refused);
        peer->close_after = true;
        in.pos = in.len;
        ret = -1;
    } else if (!peer->authed && h->procedure != VM_PROC_HELLO && !info->auth) {
        VM_WARN("client %u: '%s' before authenticating: refused, closing its connection",
                peer->id, info->name);
        vm_report_error(VM_ERR_AUTH, "authentication required: this virtmond socket asks "
                                     "for SASL first");
        peer->close_after = true;
        in.pos = in.len;
        ret = -1;
    } else if (info->mutating && peer->readonly) {
        vm_report_error(VM_ERR_READ_ONLY,
                        "operation '%s' forbidden on virtmond's read-only socket", info->name);
        ret = -1;
    } else {
        ret = handlers[h->procedure](&r);
    }
    /* arguments that do not decode: the client is not speaking the
     * protocol, and goes */
    if (in.bad || (ret == 0 && in.pos != in.len)) {
        *why = in.bad ? in.bad : "arguments left over";
        vm_rpc_enc_clear(reply);
        return -1;
    }
    if (ret < 0) {
        vm_rpc_enc_clear(reply);
        vm_rpc_enc_start(reply, h->procedure, VM_RPC_REPLY, h->serial, VM_RPC_ERROR);
        vm_rpc_put_error(reply, vm_error_code(), vm_error_message());
    }
    return 0;
}
