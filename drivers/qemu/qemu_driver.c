/*
 * qemu_driver.c: the QEMU/KVM driver (qemu:///system, qemu:///session): its
 * table and the operations, each a look at the domain (qemu_look.c) and a
 * step on what it found.
 *
 * Stateless per process: every operation reads the domain's files under its
 * lock (qemu_state.h) and, for an active domain, asks QEMU over a short QMP
 * connection.  Nothing holds the monitor between operations: QEMU runs with
 * -no-shutdown, so a guest that powered off leaves QEMU in status
 * "shutdown", which the next look notices.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "qemu_agent.h"
#include "qemu_command.h"
#include "qemu_devices.h"
#include "qemu_tpm.h"
#include "qemu_domain.h"
#include "util/vm_alloc.h"
#include "util/vm_error.h"
#include "util/vm_file.h"
#include "util/vm_host.h"
#include "util/vm_log.h"

static struct qemu_conn *priv_of(struct vm_connect *conn)
{
    return conn->priv;
}

static enum vm_drv_open_result qemu_open(struct vm_connect *conn, const struct vm_uri *uri,
                                         unsigned int flags)
{
    struct qemu_conn *p;
    bool system;

    if (strcmp(uri->driver, "qemu") != 0 || uri->transport)
        return VM_DRV_OPEN_DECLINED;
    VM_CHECK_FLAGS(flags, VM_CONNECT_RO, VM_DRV_OPEN_ERROR);
    if (uri->host) {
        vm_report_error(VM_ERR_INVALID_URI,
                        "qemu:// URIs are local: '%s' names a host (use qemu+tls:// or "
                        "qemu+ssh:// through virtmond)",
                        uri->host);
        return VM_DRV_OPEN_ERROR;
    }
    if (vm_uri_check_params(uri, 0) < 0)
        return VM_DRV_OPEN_ERROR;
    if (strcmp(uri->path, "/system") == 0)
        system = true;
    else if (strcmp(uri->path, "/session") == 0)
        system = false;
    else {
        vm_report_error(VM_ERR_INVALID_URI,
                        "unknown QEMU URI path '%s' (expected qemu:///system or qemu:///session)",
                        uri->path);
        return VM_DRV_OPEN_ERROR;
    }
    /* looks run in threads (qemu_for_each_domain): libxml2 2.9 must be
     * initialised once, before any of them */
    xmlInitParser();
    VM_NEW(p);
    p->system = system;
    if (qemu_conf_load(&p->conf, system) < 0 || qemu_dirs_init(&p->dirs, system, flags & VM_CONNECT_RO) < 0) {
        qemu_conf_clear(&p->conf);
        free(p);
        return VM_DRV_OPEN_ERROR;
    }
    conn->priv = p;
    return VM_DRV_OPEN_SUCCESS;
}

static int qemu_close(struct vm_connect *conn)
{
    struct qemu_conn *p = conn->priv;

    if (p) {
        qemu_dirs_clear(&p->dirs);
        qemu_conf_clear(&p->conf);
        free(p);
    }
    return 0;
}

static int qemu_get_version(struct vm_connect *conn, unsigned long long *version,
                            unsigned int flags)
{
    struct qemu_conn *p = priv_of(conn);
    struct vm_domain_def probe = {.name = (char *)"(version probe)"};
    VM_AUTOFREE char *emu = NULL;
    VM_AUTOFREE char *out = NULL;
    unsigned int a, b, c;

    VM_CHECK_FLAGS(flags, 0, -1);
    if (!p->version) {
        char *argv[3] = {NULL, (char *)"--version", NULL};
        if (!(emu = qemu_conf_emulator(&p->conf, &probe)))
            return -1;
        argv[0] = emu;
        if (!(out = qemu_process_output(argv, 4096, QMP_TIMEOUT_MS)))
            return -1;
        if (sscanf(out, "QEMU emulator version %u.%u.%u", &a, &b, &c) != 3) {
            vm_report_error(VM_ERR_OPERATION_FAILED, "cannot tell the version of '%s'", emu);
            return -1;
        }
        p->version = a * 1000000ULL + b * 1000ULL + c;
    }
    *version = p->version;
    return 0;
}

static char *qemu_get_hostname(struct vm_connect *conn, unsigned int flags)
{
    VM_CHECK_FLAGS(flags, 0, NULL);
    return vm_host_name();
}

static int qemu_is_alive(struct vm_connect *conn)
{
    return 1;
}

static int qemu_node_info(struct vm_connect *conn, struct vm_node_info *info, unsigned int flags)
{
    VM_CHECK_FLAGS(flags, 0, -1);
    return vm_host_node_info(info);
}

static void *gather_handle(struct vm_connect *conn, struct qemu_conn *p, struct qemu_look *l,
                           void *opaque)
{
    return vm_domain_new(conn, l->def->name, l->def->uuid, l->active ? l->live.id : -1);
}

static int qemu_list_domains(struct vm_connect *conn, struct vm_domain ***domains,
                             unsigned int flags)
{
    VM_CHECK_FLAGS(flags, VM_LIST_ACTIVE | VM_LIST_INACTIVE, -1);
    return (int)qemu_for_each_domain(conn, flags, gather_handle, NULL, (void ***)domains);
}

/* The name of the domain with this UUID, or NULL. */
static char *name_of_uuid(struct qemu_conn *p, const unsigned char *uuid)
{
    char **names;
    size_t n;
    char *found = NULL;

    qemu_names(&p->dirs, &names, &n);
    for (size_t i = 0; i < n && !found; i++) {
        VM_AUTOFREE char *cfg = qemu_file(&p->dirs, QEMU_FILE_DEF, names[i], NULL);
        VM_AUTOFREE char *live = qemu_file(&p->dirs, QEMU_FILE_LIVE_DEF, names[i], NULL);
        /* an unreadable definition is not the one sought */
        struct vm_domain_def *def = vm_optional_ptr(
            qemu_def_read(qemu_file_exists(live) ? live : cfg), "definition");
        if (def && memcmp(def->uuid, uuid, VM_UUID_BUFLEN) == 0)
            found = vm_strdup(names[i]);
        vm_domain_def_free(def);
    }
    qemu_names_free(names, n);
    return found;
}

static struct vm_domain *qemu_lookup_by_name(struct vm_connect *conn, const char *name,
                                             unsigned int flags)
{
    struct qemu_look l;
    struct vm_domain *dom;

    VM_CHECK_FLAGS(flags, 0, NULL);
    if (qemu_look(priv_of(conn), name, QEMU_LOOK_MONITOR, NULL, &l) < 0)
        return NULL;
    dom = vm_domain_new(conn, l.def->name, l.def->uuid, l.active ? l.live.id : -1);
    qemu_look_release(&l);
    return dom;
}

static struct vm_domain *qemu_lookup_by_uuid(struct vm_connect *conn, const unsigned char *uuid,
                                             unsigned int flags)
{
    VM_AUTOFREE char *name = NULL;

    VM_CHECK_FLAGS(flags, 0, NULL);
    if ((name = name_of_uuid(priv_of(conn), uuid)))
        return qemu_lookup_by_name(conn, name, 0);
    vm_report_no_domain(NULL, uuid, -1);
    return NULL;
}

static void *gather_id(struct vm_connect *conn, struct qemu_conn *p, struct qemu_look *l,
                       void *opaque)
{
    return l->active && l->live.id == *(int *)opaque
               ? vm_domain_new(conn, l->def->name, l->def->uuid, l->live.id)
               : NULL;
}

static struct vm_domain *qemu_lookup_by_id(struct vm_connect *conn, int id, unsigned int flags)
{
    struct vm_domain **found = NULL;
    struct vm_domain *dom = NULL;
    size_t n;

    VM_CHECK_FLAGS(flags, 0, NULL);
    n = qemu_for_each_domain(conn, VM_LIST_ACTIVE, gather_id, &id, (void ***)&found);
    if (n)
        dom = found[0];
    for (size_t i = 1; i < n; i++)
        vm_domain_free(found[i]);
    free(found);
    if (!dom)
        vm_report_no_domain(NULL, NULL, id);
    return dom;
}

/* Looks at the domain a handle names (same name and UUID), with flags
 * as qemu_look(). */
static int look_dom(struct vm_domain *dom, unsigned int flags, struct qemu_look *l)
{
    if (qemu_look(priv_of(dom->conn), dom->name, flags, NULL, l) < 0) {
        if (vm_error_code() == VM_ERR_NO_DOMAIN)
            vm_report_error(VM_ERR_NO_DOMAIN, "domain '%s' no longer exists", dom->name);
        return -1;
    }
    if (memcmp(l->def->uuid, dom->uuid, VM_UUID_BUFLEN) != 0) {
        qemu_look_release(l);
        vm_report_error(VM_ERR_NO_DOMAIN, "domain '%s' no longer exists", dom->name);
        return -1;
    }
    return 0;
}

/* look_dom() for an operation on a running domain: -1 (released) when it
 * is not running, or (need_monitor) when its monitor does not answer. */
static int look_active(struct vm_domain *dom, bool need_monitor, struct qemu_look *l)
{
    if (look_dom(dom, need_monitor ? QEMU_LOOK_MONITOR : 0, l) < 0)
        return -1;
    if (!l->active) {
        vm_report_error(VM_ERR_OPERATION_INVALID, "domain '%s' is not running", dom->name);
        qemu_look_release(l);
        return -1;
    }
    if (need_monitor && l->unresponsive) {
        vm_report_error(VM_ERR_TIMEOUT,
                        "domain '%s': monitor not responding (QEMU pid %d does not answer "
                        "within %d ms; 'destroy' still works)",
                        dom->name, (int)l->pid, QMP_TIMEOUT_MS);
        qemu_look_release(l);
        return -1;
    }
    return 0;
}

static int qemu_get_id(struct vm_domain *dom, unsigned int flags)
{
    struct qemu_look l;
    int id;

    VM_CHECK_FLAGS(flags, 0, -1);
    if (look_dom(dom, QEMU_LOOK_MONITOR, &l) < 0)
        return -1;
    id = l.active ? l.live.id : -1;
    qemu_look_release(&l);
    return id;
}

static int qemu_get_state(struct vm_domain *dom, int *state, int *reason, unsigned int flags)
{
    struct qemu_look l;

    VM_CHECK_FLAGS(flags, 0, -1);
    if (look_dom(dom, QEMU_LOOK_MONITOR, &l) < 0)
        return -1;
    *state = l.state;
    *reason = l.reason;
    qemu_look_release(&l);
    return 0;
}

static int qemu_get_control(struct vm_domain *dom, int *control, unsigned int flags)
{
    struct qemu_look l;

    VM_CHECK_FLAGS(flags, 0, -1);
    if (look_dom(dom, QEMU_LOOK_MONITOR, &l) < 0)
        return -1;
    *control = l.unresponsive ? VM_DOMAIN_CONTROL_UNRESPONSIVE
               : l.tpm_gone   ? VM_DOMAIN_CONTROL_TPM_GONE
                              : VM_DOMAIN_CONTROL_OK;
    qemu_look_release(&l);
    return 0;
}

/* virsh's host part: the listen address, bracketed when IPv6, localhost
 * for a wildcard. */
static char *display_uri(const char *scheme, const char *host, long port)
{
    if (!host || !*host || strcmp(host, "0.0.0.0") == 0 || strcmp(host, "::") == 0)
        host = "localhost";
    return vm_asprintf(strchr(host, ':') ? "%s://[%s]:%ld" : "%s://%s:%ld", scheme, host, port);
}

static char *qemu_get_display(struct vm_domain *dom, unsigned int flags)
{
    struct qemu_look l;
    json_object *ret = NULL, *v;
    char *uri = NULL;

    VM_CHECK_FLAGS(flags, 0, NULL);
    if (look_dom(dom, QEMU_LOOK_MONITOR, &l) < 0)
        return NULL;
    if (!l.active || !l.mon) {
        vm_report_error(l.active ? VM_ERR_TIMEOUT : VM_ERR_OPERATION_INVALID,
                        l.active ? "domain '%s': monitor not responding"
                                 : "domain '%s' is not running",
                        dom->name);
        goto out;
    }
    /* VNC first, as virsh asks */
    if (vm_optional_int(qemu_monitor_command(l.mon, "query-vnc", NULL, &ret), "query-vnc") == 0 &&
        json_object_object_get_ex(ret, "enabled", &v) && json_object_get_boolean(v)) {
        json_object *host = NULL, *service = NULL;
        json_object_object_get_ex(ret, "host", &host);
        json_object_object_get_ex(ret, "service", &service);
        if (service)
            uri = display_uri("vnc", host ? json_object_get_string(host) : NULL,
                              strtol(json_object_get_string(service), NULL, 10) - 5900);
    }
    json_object_put(ret);
    ret = NULL;
    if (!uri &&
        vm_optional_int(qemu_monitor_command(l.mon, "query-spice", NULL, &ret), "query-spice") ==
            0 &&
        json_object_object_get_ex(ret, "enabled", &v) && json_object_get_boolean(v)) {
        json_object *host = NULL, *port = NULL;
        json_object_object_get_ex(ret, "host", &host);
        if (json_object_object_get_ex(ret, "port", &port))
            uri = display_uri("spice", host ? json_object_get_string(host) : NULL,
                              json_object_get_int(port));
    }
    json_object_put(ret);
    if (!uri)
        vm_report_error(VM_ERR_OPERATION_INVALID, "domain '%s' has no graphical display",
                        dom->name);
out:
    qemu_look_release(&l);
    return uri;
}

static struct vm_domain_stats *qemu_get_stats(struct vm_domain *dom, unsigned int flags)
{
    struct qemu_look l;
    struct vm_domain_stats *st;

    VM_CHECK_FLAGS(flags, 0, NULL);
    if (look_dom(dom, QEMU_LOOK_MONITOR, &l) < 0)
        return NULL;
    st = qemu_stats_of(priv_of(dom->conn), &l);
    qemu_look_release(&l);
    return st;
}

static int qemu_get_vcpu_count(struct vm_domain *dom, unsigned int flags)
{
    struct qemu_conn *p = priv_of(dom->conn);
    struct qemu_look l;
    bool live, config;
    int n = -1, r;

    VM_CHECK_FLAGS(flags, VM_DOMAIN_AFFECT_LIVE | VM_DOMAIN_AFFECT_CONFIG | VM_DOMAIN_VCPU_MAXIMUM,
                   -1);
    if (look_dom(dom, QEMU_LOOK_MONITOR, &l) < 0)
        return -1;
    /* the maximum is on record even when the monitor does not answer */
    if (flags & VM_DOMAIN_VCPU_MAXIMUM)
        r = vm_domain_affected(flags, l.active, l.persistent, &live, &config);
    else
        r = qemu_affected_sides(&l, flags, &live, &config);
    if (r == 0 && live) {
        n = qemu_vcpu_count_of(&l, l.def, true, flags & VM_DOMAIN_VCPU_MAXIMUM);
    } else if (r == 0) {
        /* the definition the next boot uses, not the running one */
        struct vm_domain_def *def = qemu_config_def(p, &l);
        if (def)
            n = qemu_vcpu_count_of(&l, def, false, flags & VM_DOMAIN_VCPU_MAXIMUM);
        vm_domain_def_free(def);
    }
    qemu_look_release(&l);
    return n;
}

static int qemu_set_memory_op(struct vm_domain *dom, uint64_t kib, unsigned int flags)
{
    struct qemu_look l;
    int r;

    VM_CHECK_FLAGS(flags, VM_DOMAIN_AFFECT_LIVE | VM_DOMAIN_AFFECT_CONFIG | VM_DOMAIN_MEM_MAXIMUM,
                   -1);
    if (look_dom(dom, QEMU_LOOK_MONITOR, &l) < 0)
        return -1;
    r = qemu_set_memory(priv_of(dom->conn), &l, kib, flags);
    qemu_look_release(&l);
    return r;
}

static int qemu_set_vcpus_op(struct vm_domain *dom, unsigned int count, unsigned int flags)
{
    struct qemu_look l;
    int r;

    VM_CHECK_FLAGS(flags, VM_DOMAIN_AFFECT_LIVE | VM_DOMAIN_AFFECT_CONFIG | VM_DOMAIN_VCPU_MAXIMUM,
                   -1);
    if (look_dom(dom, QEMU_LOOK_MONITOR, &l) < 0)
        return -1;
    r = qemu_set_vcpus(priv_of(dom->conn), &l, count, flags);
    qemu_look_release(&l);
    return r;
}

static int qemu_open_console_op(struct vm_domain *dom, const char *dev, unsigned int flags)
{
    struct qemu_look l;
    int fd;

    VM_CHECK_FLAGS(flags, 0, -1);
    /* the pty is on record: the monitor is not needed */
    if (look_dom(dom, 0, &l) < 0)
        return -1;
    fd = qemu_open_console(&l, dev);
    qemu_look_release(&l);
    return fd;
}

static struct vm_vcpu_list *qemu_get_vcpus(struct vm_domain *dom, unsigned int flags)
{
    struct qemu_look l;
    struct vm_vcpu_list *list = NULL;

    VM_CHECK_FLAGS(flags, 0, NULL);
    if (look_dom(dom, QEMU_LOOK_MONITOR, &l) < 0)
        return NULL;
    if (l.active && l.unresponsive)
        vm_report_error(VM_ERR_TIMEOUT, "domain '%s': monitor not responding", dom->name);
    else
        list = qemu_vcpus_of(&l);
    qemu_look_release(&l);
    return list;
}

static int qemu_memory_stats(struct vm_domain *dom, struct vm_memory_stat *stats, unsigned int nr,
                             unsigned int flags)
{
    struct qemu_look l;
    int n;

    VM_CHECK_FLAGS(flags, 0, -1);
    if (look_active(dom, true, &l) < 0)
        return -1;
    n = qemu_memory_stats_of(&l, stats, nr);
    qemu_look_release(&l);
    return n;
}

static int qemu_node_cpu_stats(struct vm_connect *conn, int cpu, struct vm_node_cpu_stats *st,
                               unsigned int flags)
{
    (void)conn;
    VM_CHECK_FLAGS(flags, 0, -1);
    return vm_host_cpu_stats(cpu, st);
}

static int qemu_node_memory_stats(struct vm_connect *conn, int cell,
                                  struct vm_node_memory_stats *st, unsigned int flags)
{
    (void)conn;
    VM_CHECK_FLAGS(flags, 0, -1);
    return vm_host_memory_stats(cell, st);
}

static int qemu_get_info(struct vm_domain *dom, struct vm_domain_info *info, unsigned int flags)
{
    struct vm_domain_stats *st = qemu_get_stats(dom, flags);

    if (!st)
        return -1;
    info->state = st->state;
    info->vcpus = st->vcpus;
    info->max_mem_kib = st->mem_max_kib;
    info->cur_mem_kib = st->mem_cur_kib;
    info->cpu_time_ns = st->cpu_time_ns;
    vm_domain_stats_free(st);
    return 0;
}

static char *qemu_get_xml(struct vm_domain *dom, unsigned int flags)
{
    struct qemu_conn *p = priv_of(dom->conn);
    struct qemu_look l;
    struct vm_domain_def *shown = NULL;
    char *xml;

    VM_CHECK_FLAGS(flags, VM_DOMAIN_XML_INACTIVE | VM_DOMAIN_XML_SECURE, NULL);
    /* files only: the monitor has nothing to add, and the subagent asks
     * this of every domain at every refresh */
    if (look_dom(dom, 0, &l) < 0)
        return NULL;
    if ((flags & VM_DOMAIN_XML_INACTIVE) && l.persistent && l.active) {
        VM_AUTOFREE char *cfg = qemu_file(&p->dirs, QEMU_FILE_DEF, l.def->name, NULL);
        if (!(shown = qemu_def_read(cfg))) {
            qemu_look_release(&l);
            return NULL;
        }
    } else {
        shown = vm_domain_def_copy(l.def);
        shown->id = l.active && !(flags & VM_DOMAIN_XML_INACTIVE) ? l.live.id : -1;
    }
    qemu_look_release(&l);
    xml = vm_domain_def_format(shown, flags & VM_DOMAIN_XML_SECURE ? VM_DOMAIN_FORMAT_SECURE : 0);
    vm_domain_def_free(shown);
    return xml;
}

static int qemu_start(struct vm_domain *dom, unsigned int flags)
{
    struct qemu_conn *p = priv_of(dom->conn);
    struct qemu_look l;
    struct vm_domain_def *def;
    VM_AUTOFREE char *cfg = NULL;
    int id, reason, r;

    VM_CHECK_FLAGS(flags, VM_DOMAIN_START_PAUSED, -1);
    if (look_dom(dom, QEMU_LOOK_MONITOR, &l) < 0)
        return -1;
    if (l.active) {
        qemu_look_release(&l);
        vm_report_error(VM_ERR_OPERATION_INVALID, "domain '%s' is already running", dom->name);
        return -1;
    }
    cfg = qemu_file(&p->dirs, QEMU_FILE_DEF, dom->name, NULL);
    if (!l.persistent) {
        qemu_look_release(&l);
        vm_report_error(VM_ERR_NO_DOMAIN, "domain '%s' no longer exists", dom->name);
        return -1;
    }
    if (!(def = qemu_def_read(cfg))) {
        qemu_look_release(&l);
        return -1;
    }
    {
        struct qemu_start_opts opts = {.paused = flags & VM_DOMAIN_START_PAUSED};
        r = qemu_start_process(p, def, false, &opts, &id, &reason);
    }
    vm_domain_def_free(def);
    qemu_look_release(&l);
    if (r == 0)
        dom->id = id;
    return r;
}

/* The operations that send one QMP command to an active domain (in
 * need_state, unless it is -1); new_reason, unless -1, is recorded as why it
 * runs. */
static int simple_command(struct vm_domain *dom, const char *cmd, int need_state,
                          const char *need_what, int new_reason)
{
    struct qemu_look l;
    int r = -1;

    if (look_active(dom, true, &l) < 0)
        return -1;
    if (need_state >= 0 && l.state != need_state) {
        vm_report_error(VM_ERR_OPERATION_INVALID, "domain '%s' is not %s (it is %s)", dom->name,
                        need_what, vm_domain_state_name(l.state));
    } else if ((r = qemu_monitor_command(l.mon, cmd, NULL, NULL)) == 0 && new_reason >= 0) {
        l.live.start_reason = new_reason;
        r = qemu_live_write(&priv_of(dom->conn)->dirs, dom->name, &l.live);
    }
    qemu_look_release(&l);
    return r;
}

/* The socket of a running domain's agent channel: the look is released
 * before anyone talks to the agent, so no lock waits on the guest. */
static char *agent_socket(struct vm_domain *dom)
{
    struct qemu_conn *p = priv_of(dom->conn);
    struct qemu_look l;
    struct qemu_devices *m = NULL;
    char uuid[VM_UUID_STRING_BUFLEN];
    char *sock = NULL;

    if (look_active(dom, false, &l) < 0)
        return NULL;
    vm_uuid_format(l.def->uuid, uuid);
    if ((m = qemu_devices_read(l.def))) {
        VM_AUTOFREE char *prefix = vm_asprintf("%s/%s", p->dirs.run, uuid);
        if (!(sock = qemu_agent_socket(m, prefix)))
            vm_report_error(VM_ERR_OPERATION_INVALID,
                            "domain '%s' has no guest agent channel (a unix <channel> with "
                            "<target type='virtio' name='org.qemu.guest_agent.0'/>)",
                            dom->name);
    }
    qemu_devices_free(m);
    qemu_look_release(&l);
    return sock;
}

static struct vm_guest_info *qemu_get_guest_info(struct vm_domain *dom, unsigned int flags)
{
    struct qemu_conn *p = priv_of(dom->conn);
    VM_AUTOFREE char *sock = NULL;

    VM_CHECK_FLAGS(flags, 0, NULL);
    if (!(sock = agent_socket(dom)))
        return NULL;
    return qemu_agent_guest_info(sock, qemu_agent_now_ms() + p->conf.agent_timeout_ms);
}

/* Shutdown and reboot through the agent, when asked for. */
static int agent_shutdown(struct vm_domain *dom, unsigned int flags, bool reboot)
{
    struct qemu_conn *p = priv_of(dom->conn);
    VM_AUTOFREE char *sock = NULL;

    if ((flags & VM_DOMAIN_SHUTDOWN_ACPI) && (flags & VM_DOMAIN_SHUTDOWN_AGENT)) {
        vm_report_error(VM_ERR_INVALID_ARG, "one shutdown mode at a time (acpi or agent)");
        return -1;
    }
    if (!(sock = agent_socket(dom)))
        return -1;
    return qemu_agent_shutdown(sock, reboot, qemu_agent_now_ms() + p->conf.agent_timeout_ms);
}

static int qemu_shutdown(struct vm_domain *dom, unsigned int flags)
{
    VM_CHECK_FLAGS(flags, VM_DOMAIN_SHUTDOWN_ACPI | VM_DOMAIN_SHUTDOWN_AGENT, -1);
    if (flags & VM_DOMAIN_SHUTDOWN_AGENT)
        return agent_shutdown(dom, flags, false);
    /* an ACPI button press: a guest without ACPI keeps running, as with libvirt */
    return simple_command(dom, "system_powerdown", -1, "running", -1);
}

static int qemu_suspend(struct vm_domain *dom, unsigned int flags)
{
    VM_CHECK_FLAGS(flags, 0, -1);
    return simple_command(dom, "stop", VM_DOMAIN_RUNNING, "running", -1);
}

static int qemu_resume(struct vm_domain *dom, unsigned int flags)
{
    VM_CHECK_FLAGS(flags, 0, -1);
    return simple_command(dom, "cont", VM_DOMAIN_PAUSED, "paused", VM_RUNNING_UNPAUSED);
}

static int qemu_reset(struct vm_domain *dom, unsigned int flags)
{
    VM_CHECK_FLAGS(flags, 0, -1);
    return simple_command(dom, "system_reset", -1, "running", -1);
}

static int qemu_reboot(struct vm_domain *dom, unsigned int flags)
{
    struct qemu_conn *p = priv_of(dom->conn);
    struct qemu_look l;
    int r = -1;

    VM_CHECK_FLAGS(flags, VM_DOMAIN_SHUTDOWN_ACPI | VM_DOMAIN_SHUTDOWN_AGENT, -1);
    if (flags & VM_DOMAIN_SHUTDOWN_AGENT)
        return agent_shutdown(dom, flags, true);
    if (look_active(dom, true, &l) < 0)
        return -1;
    /* The mark makes the next look reset a guest that powers off instead of
     * stopping it: a graceful reboot without holding the monitor. */
    l.live.reboot = true;
    if (qemu_live_write(&p->dirs, dom->name, &l.live) == 0 &&
        qemu_monitor_command(l.mon, "system_powerdown", NULL, NULL) == 0)
        r = 0;
    qemu_look_release(&l);
    return r;
}

static int qemu_destroy(struct vm_domain *dom, unsigned int flags)
{
    struct qemu_conn *p = priv_of(dom->conn);
    struct qemu_look l;
    struct qemu_ident id;
    bool graceful = flags & VM_DOMAIN_DESTROY_GRACEFUL;
    VM_AUTOFREE char *partial = NULL;

    VM_CHECK_FLAGS(flags, VM_DOMAIN_DESTROY_GRACEFUL, -1);
    /* signals to the verified process: a hung monitor cannot stop it */
    if (look_active(dom, false, &l) < 0)
        return -1;
    id = qemu_look_ident(&l);
    if ((graceful ? qemu_process_term(l.pid, &id, DESTROY_GRACEFUL_MS)
                  : qemu_process_kill(l.pid, &id, DESTROY_GRACE_MS)) < 0) {
        qemu_look_release(&l);
        return -1;
    }
    /* a save it was in the middle of is void */
    if (l.live.phase == QEMU_PHASE_SAVING) {
        VM_AUTOFREE char *final = NULL;
        qemu_save_files(p, &l, &partial, &final);
        unlink(partial);
    }
    qemu_finish_stop(p, &l, VM_DOMAIN_SHUTOFF, VM_SHUTOFF_DESTROYED);
    qemu_look_release(&l);
    return 0;
}

static int qemu_managed_save(struct vm_domain *dom, unsigned int flags)
{
    struct qemu_look l;
    int r = -1;

    VM_CHECK_FLAGS(flags, 0, -1);
    if (look_active(dom, true, &l) < 0)
        return -1;
    if (!l.persistent)
        vm_report_error(VM_ERR_OPERATION_INVALID,
                        "cannot do managed save of transient domain '%s'", dom->name);
    else
        r = qemu_save_process(priv_of(dom->conn), &l);
    qemu_look_release(&l);
    return r;
}

static int qemu_save(struct vm_domain *dom, const char *path, unsigned int flags)
{
    struct qemu_look l;
    int r;

    VM_CHECK_FLAGS(flags, 0, -1);
    if (look_active(dom, true, &l) < 0)
        return -1;
    r = qemu_save_to_file(priv_of(dom->conn), &l, path);
    qemu_look_release(&l);
    return r;
}

static int check_clash(struct qemu_conn *p, const struct vm_domain_def *def, bool *same);

static int qemu_restore(struct vm_connect *conn, const char *path, unsigned int flags)
{
    struct qemu_conn *p = priv_of(conn);
    struct qemu_start_opts opts = {.image = path};
    struct vm_domain_def *def;
    struct qemu_look l;
    bool same;
    int r = -1, id, reason;

    VM_CHECK_FLAGS(flags, 0, -1);
    if (!(def = qemu_save_file_read(path, &opts.image_offset, &opts.paused)))
        return -1;
    if (check_clash(p, def, &same) < 0)
        goto out;
    if (same) {
        /* a domain of that name and UUID: it runs what was saved and keeps
         * its definition for the next boot */
        if (qemu_look(p, def->name, 0, NULL, &l) < 0)
            goto out;
        if (l.active)
            vm_report_error(VM_ERR_OPERATION_INVALID, "domain '%s' is already active",
                            def->name);
        else
            r = qemu_start_process(p, def, !l.persistent, &opts, &id, &reason);
        qemu_look_release(&l);
    } else {
        int lock = qemu_lock(&p->dirs, def->name, LOCK_TIMEOUT_MS);
        if (lock < 0)
            goto out;
        r = qemu_start_process(p, def, true, &opts, &id, &reason);
        qemu_unlock(lock);
    }
out:
    vm_domain_def_free(def);
    return r;
}

static int qemu_has_managed_save(struct vm_domain *dom, unsigned int flags)
{
    VM_AUTOFREE char *save = qemu_file(&priv_of(dom->conn)->dirs, QEMU_FILE_SAVE, dom->name, NULL);

    VM_CHECK_FLAGS(flags, 0, -1);
    return qemu_file_exists(save);
}

/* Refuses a definition clashing with another domain's name or UUID; sets
 * *same when a domain has both (an update). */
static int check_clash(struct qemu_conn *p, const struct vm_domain_def *def, bool *same)
{
    VM_AUTOFREE char *owner = name_of_uuid(p, def->uuid);
    VM_AUTOFREE char *cfg = qemu_file(&p->dirs, QEMU_FILE_DEF, def->name, NULL);
    VM_AUTOFREE char *live = qemu_file(&p->dirs, QEMU_FILE_LIVE_DEF, def->name, NULL);
    struct vm_domain_def *existing = NULL;
    char uuid[VM_UUID_STRING_BUFLEN];

    *same = false;
    /* an unreadable one is replaced */
    if (qemu_file_exists(live))
        existing = vm_optional_ptr(qemu_def_read(live), "live definition");
    else if (qemu_file_exists(cfg))
        existing = vm_optional_ptr(qemu_def_read(cfg), "definition");
    if (existing && memcmp(existing->uuid, def->uuid, VM_UUID_BUFLEN) != 0) {
        vm_uuid_format(existing->uuid, uuid);
        vm_domain_def_free(existing);
        vm_report_error(VM_ERR_DOMAIN_EXISTS, "domain '%s' already exists with UUID '%s'",
                        def->name, uuid);
        return -1;
    }
    *same = existing != NULL;
    vm_domain_def_free(existing);
    if (owner && strcmp(owner, def->name) != 0) {
        vm_uuid_format(def->uuid, uuid);
        vm_report_error(VM_ERR_DOMAIN_EXISTS, "domain with UUID '%s' already exists as '%s'",
                        uuid, owner);
        return -1;
    }
    return 0;
}

static struct vm_domain_def *parse_for_qemu(const char *xml)
{
    struct vm_domain_def *def = vm_domain_def_parse_string(xml, 0);

    if (def && def->type != VM_VIRT_QEMU && def->type != VM_VIRT_KVM) {
        vm_report_error(VM_ERR_INVALID_ARG,
                        "the QEMU driver runs domains of type 'qemu' or 'kvm', not '%s'",
                        vm_virt_type_name(def->type));
        vm_domain_def_free(def);
        return NULL;
    }
    if (def && qemu_check_name(def->name) < 0) {
        vm_domain_def_free(def);
        return NULL;
    }
    return def;
}

static struct vm_domain *qemu_define(struct vm_connect *conn, const char *xml, unsigned int flags)
{
    struct qemu_conn *p = priv_of(conn);
    struct vm_domain_def *def;
    struct vm_domain *dom = NULL;
    VM_AUTOFREE char *cfg = NULL;
    struct qemu_live live;
    bool same;
    int lock;

    VM_CHECK_FLAGS(flags, 0, NULL);
    if (!(def = parse_for_qemu(xml)))
        return NULL;
    if ((lock = qemu_lock(&p->dirs, def->name, LOCK_TIMEOUT_MS)) < 0)
        goto out;
    cfg = qemu_file(&p->dirs, QEMU_FILE_DEF, def->name, NULL);
    if (check_clash(p, def, &same) == 0 && qemu_def_write(cfg, def) == 0) {
        /* an active transient domain defined again becomes persistent */
        if (qemu_live_read(&p->dirs, def->name, &live) == 1 && live.transient) {
            live.transient = false;
            qemu_live_write(&p->dirs, def->name, &live);
        }
        dom = vm_domain_new(conn, def->name, def->uuid, -1);
    }
    qemu_unlock(lock);
out:
    vm_domain_def_free(def);
    return dom;
}

static struct vm_domain *qemu_create(struct vm_connect *conn, const char *xml, unsigned int flags)
{
    struct qemu_conn *p = priv_of(conn);
    struct vm_domain_def *def;
    struct vm_domain *dom = NULL;
    VM_AUTOFREE char *cfg = NULL;
    VM_AUTOFREE char *state = NULL;
    VM_AUTOFREE char *owner = NULL;
    int lock, id, reason;

    VM_CHECK_FLAGS(flags, 0, NULL);
    if (!(def = parse_for_qemu(xml)))
        return NULL;
    if ((lock = qemu_lock(&p->dirs, def->name, LOCK_TIMEOUT_MS)) < 0)
        goto out;
    cfg = qemu_file(&p->dirs, QEMU_FILE_DEF, def->name, NULL);
    state = qemu_file(&p->dirs, QEMU_FILE_STATE, def->name, NULL);
    owner = name_of_uuid(p, def->uuid);
    if (qemu_file_exists(cfg) || qemu_file_exists(state) || owner) {
        vm_report_error(VM_ERR_DOMAIN_EXISTS, "domain '%s' already exists",
                        owner ? owner : def->name);
    } else if (qemu_start_process(p, def, true, NULL, &id, &reason) == 0) {
        dom = vm_domain_new(conn, def->name, def->uuid, id);
    }
    qemu_unlock(lock);
out:
    vm_domain_def_free(def);
    return dom;
}

/* The UEFI variables file of def when it exists (its <nvram>, else the
 * state dir's NAME_VARS.fd), else NULL.  Caller frees. */
static char *nvram_of(struct qemu_conn *p, const struct vm_domain_def *def)
{
    struct qemu_devices *m = vm_optional_ptr(qemu_devices_read(def), "devices");
    char *path = m && m->nvram ? vm_strdup(m->nvram)
                               : qemu_file(&p->dirs, QEMU_FILE_NVRAM, def->name, NULL);

    qemu_devices_free(m);
    if (access(path, F_OK) == 0)
        return path;
    free(path);
    return NULL;
}

static int qemu_undefine(struct vm_domain *dom, unsigned int flags)
{
    struct qemu_conn *p = priv_of(dom->conn);
    struct qemu_look l;
    VM_AUTOFREE char *cfg = qemu_file(&p->dirs, QEMU_FILE_DEF, dom->name, NULL);
    VM_AUTOFREE char *save = qemu_file(&p->dirs, QEMU_FILE_SAVE, dom->name, NULL);
    VM_AUTOFREE char *flag = qemu_file(&p->dirs, QEMU_FILE_AUTOSTART, dom->name, NULL);
    VM_AUTOFREE char *stop = qemu_file(&p->dirs, QEMU_FILE_STOP, dom->name, NULL);
    int r = -1;

    VM_AUTOFREE char *nvram = NULL;

    VM_CHECK_FLAGS(flags,
                   VM_DOMAIN_UNDEFINE_MANAGED_SAVE | VM_DOMAIN_UNDEFINE_NVRAM |
                       VM_DOMAIN_UNDEFINE_KEEP_NVRAM,
                   -1);
    if ((flags & VM_DOMAIN_UNDEFINE_NVRAM) && (flags & VM_DOMAIN_UNDEFINE_KEEP_NVRAM)) {
        vm_report_error(VM_ERR_INVALID_ARG, "--nvram and --keep-nvram are exclusive");
        return -1;
    }
    if (look_dom(dom, QEMU_LOOK_MONITOR, &l) < 0)
        return -1;
    nvram = nvram_of(p, l.def);
    if (!l.persistent) {
        vm_report_error(VM_ERR_OPERATION_INVALID, "cannot undefine transient domain '%s'",
                        dom->name);
        goto out;
    }
    if (qemu_file_exists(save) && !(flags & VM_DOMAIN_UNDEFINE_MANAGED_SAVE)) {
        vm_report_error(VM_ERR_OPERATION_INVALID,
                        "refusing to undefine domain '%s' while it has a managed-save image",
                        dom->name);
        goto out;
    }
    if (nvram && !(flags & (VM_DOMAIN_UNDEFINE_NVRAM | VM_DOMAIN_UNDEFINE_KEEP_NVRAM))) {
        vm_report_error(VM_ERR_OPERATION_INVALID,
                        "cannot undefine domain '%s' with nvram '%s' (--nvram removes it, "
                        "--keep-nvram keeps it)",
                        dom->name, nvram);
        goto out;
    }
    if (l.active) {
        /* it runs on as a transient domain */
        l.live.transient = true;
        if (qemu_live_write(&p->dirs, dom->name, &l.live) < 0)
            goto out;
    }
    if (unlink(cfg) < 0 && errno != ENOENT) {
        vm_report_system_error(errno, "cannot remove '%s'", cfg);
        goto out;
    }
    unlink(save);
    unlink(flag);
    unlink(stop);
    /* the TPM's state goes with the definition, as libvirt has it (one
     * that runs on as a transient domain keeps it until it stops) */
    if (!l.active && qemu_tpm_remove_state(&p->dirs, dom->name) < 0) {
        VM_WARN("domain '%s' undefined, but its TPM state stays: %s", dom->name,
                vm_error_message());
        vm_error_reset();
    }
    if (nvram && (flags & VM_DOMAIN_UNDEFINE_NVRAM) && unlink(nvram) < 0 && errno != ENOENT)
        VM_WARN("domain '%s' undefined, but its nvram '%s' stays: %s", dom->name, nvram,
                strerror(errno));
    r = 0;
out:
    qemu_look_release(&l);
    return r;
}

static int qemu_get_autostart(struct vm_domain *dom, int *autostart, unsigned int flags)
{
    VM_AUTOFREE char *flag =
        qemu_file(&priv_of(dom->conn)->dirs, QEMU_FILE_AUTOSTART, dom->name, NULL);

    VM_CHECK_FLAGS(flags, 0, -1);
    *autostart = qemu_file_exists(flag);
    return 0;
}

static int qemu_set_autostart(struct vm_domain *dom, int autostart, unsigned int flags)
{
    struct qemu_conn *p = priv_of(dom->conn);
    struct qemu_look l;
    VM_AUTOFREE char *flag = qemu_file(&p->dirs, QEMU_FILE_AUTOSTART, dom->name, NULL);
    int r = -1;

    VM_CHECK_FLAGS(flags, 0, -1);
    if (look_dom(dom, QEMU_LOOK_MONITOR, &l) < 0)
        return -1;
    if (!l.persistent) {
        vm_report_error(VM_ERR_OPERATION_INVALID,
                        "cannot set autostart for transient domain '%s'", dom->name);
    } else if (autostart) {
        r = vm_file_write_atomic(flag, "", 0, 0644);
    } else if (unlink(flag) == 0 || errno == ENOENT) {
        r = 0;
    } else {
        vm_report_system_error(errno, "cannot remove '%s'", flag);
    }
    qemu_look_release(&l);
    return r;
}

const struct vm_driver vm_qemu_driver = {
    .name = "qemu",
    .hypervisor = "QEMU",
    .connect_open = qemu_open,
    .connect_close = qemu_close,
    .connect_get_version = qemu_get_version,
    .connect_get_hostname = qemu_get_hostname,
    .connect_is_alive = qemu_is_alive,
    .node_get_info = qemu_node_info,
    .node_get_cpu_stats = qemu_node_cpu_stats,
    .node_get_memory_stats = qemu_node_memory_stats,
    .connect_list_domains = qemu_list_domains,
    .connect_get_all_domain_stats = qemu_get_all_stats,
    .domain_lookup_by_name = qemu_lookup_by_name,
    .domain_lookup_by_uuid = qemu_lookup_by_uuid,
    .domain_lookup_by_id = qemu_lookup_by_id,
    .domain_get_id = qemu_get_id,
    .domain_get_info = qemu_get_info,
    .domain_get_state = qemu_get_state,
    .domain_get_control = qemu_get_control,
    .domain_get_display = qemu_get_display,
    .domain_get_guest_info = qemu_get_guest_info,
    .domain_get_vcpu_count = qemu_get_vcpu_count,
    .domain_set_memory = qemu_set_memory_op,
    .domain_save = qemu_save,
    .domain_restore = qemu_restore,
    .domain_set_vcpus = qemu_set_vcpus_op,
    .domain_open_console = qemu_open_console_op,
    .domain_get_vcpus = qemu_get_vcpus,
    .domain_memory_stats = qemu_memory_stats,
    .domain_get_stats = qemu_get_stats,
    .domain_get_xml = qemu_get_xml,
    .domain_define_xml = qemu_define,
    .domain_create_xml = qemu_create,
    .domain_start = qemu_start,
    .domain_shutdown = qemu_shutdown,
    .domain_destroy = qemu_destroy,
    .domain_suspend = qemu_suspend,
    .domain_resume = qemu_resume,
    .domain_reboot = qemu_reboot,
    .domain_reset = qemu_reset,
    .domain_managed_save = qemu_managed_save,
    .domain_has_managed_save = qemu_has_managed_save,
    .domain_undefine = qemu_undefine,
    .domain_get_autostart = qemu_get_autostart,
    .domain_set_autostart = qemu_set_autostart,
};
