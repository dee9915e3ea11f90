/*
 * agentx_control.c: what a VIRTMON-MIB SET may do, and doing it.
 */
#include "config.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include <string.h>

#include "agentx_audit.h"
#include "agentx_control.h"
#include "agentx_mib.h"
#include "agentx_notify.h"
#include "mibdefs/virtmonVmTable_columns.h"
#include "mibdefs/virtmonVmTable_enums.h"
#include "mibdefs/vmTable_enums.h"
#include "util/vm_alloc.h"
#include "util/vm_buf.h"
#include "util/vm_error.h"

static unsigned int allowed_ops;
static struct ax_refresher *refresher;

static const struct {
    const char *name;
    unsigned int ops;
} op_names[] = {
    {"start", AX_OP_START},       {"shutdown", AX_OP_SHUTDOWN},
    {"suspend", AX_OP_SUSPEND},   {"resume", AX_OP_RESUME},
    {"save", AX_OP_SAVE},         {"destroy", AX_OP_DESTROY},
    {"reboot", AX_OP_REBOOT},     {"reset", AX_OP_RESET},
    {"autostart", AX_OP_AUTOSTART | AX_OP_AUTOSTART_OFF},
    {"define", AX_OP_DEFINE},     {"undefine", AX_OP_UNDEFINE},
};

int ax_control_parse(const char *list, unsigned int *ops)
{
    VM_AUTOFREE char *copy = vm_strdup(list ? list : "");
    char *save = NULL;

    *ops = 0;
    for (char *w = strtok_r(copy, ", \t", &save); w; w = strtok_r(NULL, ", \t", &save)) {
        size_t i;
        if (strcmp(w, "all") == 0) {
            *ops = ~0U;
            continue;
        }
        for (i = 0; i < sizeof(op_names) / sizeof(op_names[0]); i++) {
            if (strcmp(w, op_names[i].name) == 0) {
                *ops |= op_names[i].ops;
                break;
            }
        }
        if (i == sizeof(op_names) / sizeof(op_names[0])) {
            vm_report_error(VM_ERR_CONFIG,
                            "unknown control operation '%s' (expected start, shutdown, suspend, "
                            "resume, save, destroy, reboot, reset, autostart, define, undefine "
                            "or all)",
                            w);
            return -1;
        }
    }
    return 0;
}

void ax_control_init(unsigned int allowed, struct ax_refresher *r)
{
    allowed_ops = allowed;
    refresher = r;
}

static const char *op_name(enum ax_op op)
{
    for (size_t i = 0; i < sizeof(op_names) / sizeof(op_names[0]); i++) {
        if (op_names[i].ops & op)
            return op_names[i].name;
    }
    return "none";
}

static bool active(const struct ax_vm *vm)
{
    return vm->oper == VMOPERSTATE_RUNNING || vm->oper == VMOPERSTATE_PAUSED ||
           vm->oper == VMOPERSTATE_SHUTTINGDOWN || vm->oper == VMOPERSTATE_OTHER;
}

/* The operation for virtmonVmAdminState := want, given the state now. */
static int admin_op(const struct ax_vm *vm, long want, enum ax_op *op)
{
    int oper = vm->oper;

    switch (want) {
    case VIRTMONVMADMINSTATE_RUNNING:
        *op = oper == VMOPERSTATE_RUNNING ? AX_OP_NONE
              : oper == VMOPERSTATE_PAUSED ? AX_OP_RESUME
              : active(vm)                 ? 0
                                           : AX_OP_START;   /* shut off, crashed, saved */
        break;
    case VIRTMONVMADMINSTATE_PAUSED:
        *op = oper == VMOPERSTATE_PAUSED ? AX_OP_NONE : oper == VMOPERSTATE_RUNNING ? AX_OP_SUSPEND : 0;
        break;
    case VIRTMONVMADMINSTATE_SUSPENDED:
        *op = oper == VMOPERSTATE_SUSPENDED                              ? AX_OP_NONE
              : oper == VMOPERSTATE_RUNNING || oper == VMOPERSTATE_PAUSED ? AX_OP_SAVE
                                                                          : 0;
        break;
    case VIRTMONVMADMINSTATE_SHUTDOWN:
        *op = !active(vm) ? AX_OP_NONE
              : oper == VMOPERSTATE_RUNNING || oper == VMOPERSTATE_PAUSED ? AX_OP_SHUTDOWN
                                                                          : 0;
        break;
    default:
        return SNMP_ERR_WRONGVALUE;
    }
    return *op ? SNMP_ERR_NOERROR : SNMP_ERR_INCONSISTENTVALUE;
}

int ax_control_check(const struct ax_vm *vm, int col, long value, enum ax_op *op, int *err)
{
    *op = 0;
    switch (col) {
    case COLUMN_VIRTMONVMADMINSTATE:
        *err = admin_op(vm, value, op);
        break;
    case COLUMN_VIRTMONVMACTION:
        switch (value) {
        case VIRTMONVMACTION_NONE: *op = AX_OP_NONE; break;
        case VIRTMONVMACTION_DESTROY: *op = active(vm) ? AX_OP_DESTROY : 0; break;
        case VIRTMONVMACTION_REBOOT: *op = vm->oper == VMOPERSTATE_RUNNING ? AX_OP_REBOOT : 0; break;
        case VIRTMONVMACTION_RESET:
            *op = vm->oper == VMOPERSTATE_RUNNING || vm->oper == VMOPERSTATE_PAUSED ? AX_OP_RESET
                                                                                    : 0;
            break;
        default: *err = SNMP_ERR_WRONGVALUE; return -1;
        }
        *err = *op ? SNMP_ERR_NOERROR : SNMP_ERR_INCONSISTENTVALUE;
        break;
    case COLUMN_VIRTMONVMAUTOSTART:
        if (value != VIRTMONVMAUTOSTART_TRUE && value != VIRTMONVMAUTOSTART_FALSE) {
            *err = SNMP_ERR_WRONGVALUE;
            return -1;
        }
        /* a transient domain has no autostart to set */
        *op = vm->persistent != VMPERSISTENT_PERSISTENT ? 0
              : value == VIRTMONVMAUTOSTART_TRUE        ? AX_OP_AUTOSTART
                                                        : AX_OP_AUTOSTART_OFF;
        *err = *op ? SNMP_ERR_NOERROR : SNMP_ERR_INCONSISTENTVALUE;
        break;
    default:
        *err = SNMP_ERR_NOTWRITABLE;
        return -1;
    }
    if (*err == SNMP_ERR_NOERROR && *op != AX_OP_NONE && !(allowed_ops & *op))
        *err = SNMP_ERR_NOTWRITABLE;   /* control of this operation is not enabled */
    return *err == SNMP_ERR_NOERROR ? 0 : -1;
}

/* After a change (the connection still held): the snapshots taken before
 * it would undo it and notify a change back and forth; the refresher is
 * poked for one that has it. */
static void drop_stale_snapshots(void)
{
    ax_refresher_drop_pending(refresher);
    ax_mib_drop_deferred();
}

int ax_control_apply(struct ax_vm *vm, enum ax_op op, const char *requester)
{
    struct vm_connect *conn;
    struct vm_domain *dom = NULL;
    struct vm_domain_stats *st;
    int r = -1, err = SNMP_ERR_NOERROR;

    if (op == AX_OP_NONE)
        return SNMP_ERR_NOERROR;
    conn = ax_refresher_conn_lock(refresher);
    if (conn && (dom = vm_domain_lookup_by_uuid(conn, vm->uuid))) {
        switch (op) {
        case AX_OP_START: r = vm_domain_start(dom, 0); break;
        case AX_OP_SHUTDOWN: r = vm_domain_shutdown(dom, 0); break;
        case AX_OP_SUSPEND: r = vm_domain_suspend(dom, 0); break;
        case AX_OP_RESUME: r = vm_domain_resume(dom, 0); break;
        case AX_OP_SAVE: r = vm_domain_managed_save(dom, 0); break;
        case AX_OP_DESTROY: r = vm_domain_destroy(dom, 0); break;
        case AX_OP_REBOOT: r = vm_domain_reboot(dom, 0); break;
        case AX_OP_RESET: r = vm_domain_reset(dom, 0); break;
        case AX_OP_AUTOSTART: r = vm_domain_set_autostart(dom, 1); break;
        case AX_OP_AUTOSTART_OFF: r = vm_domain_set_autostart(dom, 0); break;
        case AX_OP_UNDEFINE: r = vm_domain_undefine(dom, 0); break;
        default: vm_report_error(VM_ERR_NOT_SUPPORTED, "not a domain operation"); break;
        }
    }
    if (r < 0) {
        err = vm_error_code() == VM_ERR_NOT_SUPPORTED ? SNMP_ERR_RESOURCEUNAVAILABLE
                                                       : SNMP_ERR_COMMITFAILED;
        snmp_log(LOG_WARNING, "SET %s: %s of domain '%s' failed: %s\n", requester,
                 op_name(op), vm->name, vm_error_message());
    } else {
        snmp_log(LOG_NOTICE, "SET %s: %s of domain '%s' done\n", requester, op_name(op),
                 vm->name);
        /* the next GET shows it at once, not at the next refresh */
        if (op != AX_OP_UNDEFINE && (st = vm_domain_get_stats(dom, 0))) {
            int prev = vm->oper;
            ax_map_state(st, &vm->admin, &vm->oper);
            if (vm->oper != prev) {
                /* the next snapshot will not see a change: tell now */
                struct ax_change c = {ax_notif_for_oper(vm->oper), vm->index, prev, vm};
                if (c.notif != AX_NOTIF_NONE)
                    ax_notify_changes(ax_mib_served(), &c, 1);
            }
            vm->running = vm_domain_state_is_running(st->state);
            vm->id = st->id;
            vm->autostart = st->autostart ? VMAUTOSTART_ENABLED : VMAUTOSTART_DISABLED;
            vm_domain_stats_free(st);
        }
        vm_error_reset();
        drop_stale_snapshots();
    }
    vm_domain_free(dom);
    ax_refresher_conn_unlock(refresher);
    ax_refresher_poke(refresher);
    return err;
}

int ax_control_undefine_check(const struct ax_vm *vm, int *err)
{
    if (vm->persistent != VMPERSISTENT_PERSISTENT || active(vm))
        *err = SNMP_ERR_INCONSISTENTVALUE;   /* running, or nothing to undefine */
    else if (!(allowed_ops & AX_OP_UNDEFINE))
        *err = SNMP_ERR_NOTWRITABLE;
    else
        *err = SNMP_ERR_NOERROR;
    return *err == SNMP_ERR_NOERROR ? 0 : -1;
}

bool ax_control_define_allowed(void)
{
    return (allowed_ops & AX_OP_DEFINE) != 0;
}

int ax_control_index_check(int index)
{
    struct ax_index_map *map;
    int err;

    ax_refresher_conn_lock(refresher);
    vm_error_reset();   /* only the map matters here, not the connection */
    if (!(map = ax_refresher_index_map(refresher)))
        err = SNMP_ERR_RESOURCEUNAVAILABLE;
    else
        err = ax_index_map_taken(map, index) ? SNMP_ERR_INCONSISTENTNAME : SNMP_ERR_NOERROR;
    ax_refresher_conn_unlock(refresher);
    return err;
}

int ax_control_define_check(const struct ax_new_vm *nv, bool start)
{
    if (!(allowed_ops & AX_OP_DEFINE) || (start && !(allowed_ops & AX_OP_START)))
        return SNMP_ERR_NOTWRITABLE;
    /* without XML the minimal definition needs all three */
    if (!nv->name || (!nv->xml && (!nv->mem_kib || !nv->vcpus)))
        return SNMP_ERR_INCONSISTENTVALUE;
    return SNMP_ERR_NOERROR;
}

/* The minimal definition of nv for the driver behind conn; caller frees. */
static char *minimal_xml(struct vm_connect *conn, const struct ax_new_vm *nv)
{
    struct vm_buf b = VM_BUF_INIT;
    const char *type = vm_connect_get_domain_type(conn);

    /* what the driver defines without more; anything else needs the XML */
    if (!type)
        return NULL;
    vm_buf_addf(&b, "<domain type='%s'>\n  <name>", type);
    vm_buf_add_xml_escaped(&b, nv->name);
    vm_buf_addf(&b, "</name>\n  <memory unit='KiB'>%u</memory>\n  <vcpu>%d</vcpu>\n"
                    "  <os>\n    <type>hvm</type>\n  </os>\n</domain>\n",
                nv->mem_kib, (int)nv->vcpus);
    return vm_buf_steal(&b);
}

int ax_control_define(const struct ax_new_vm *nv, bool start, const char *requester)
{
    struct vm_connect *conn = ax_refresher_conn_lock(refresher);
    struct ax_index_map *map = ax_refresher_index_map(refresher);
    struct vm_domain *dom = NULL;
    VM_AUTOFREE char *built = NULL;
    const char *xml = nv->xml;
    unsigned char uuid[VM_UUID_BUFLEN];
    int err = SNMP_ERR_NOERROR;
    const char *what = start ? "define and start" : "define";
    int next_before = map ? ax_index_map_peek(map) : 0;
    bool assigned = false;

    struct vm_domain *same = conn ? vm_domain_lookup_by_name(conn, nv->name) : NULL;

    if (same) {
        /* defining it would redefine that domain, not add one */
        vm_domain_free(same);
        vm_report_error(VM_ERR_INVALID_ARG, "a domain named '%s' exists", nv->name);
        err = SNMP_ERR_INCONSISTENTVALUE;
    } else if (conn && map && (xml || (xml = built = minimal_xml(conn, nv))) &&
        (dom = vm_domain_define_xml(conn, xml, 0))) {
        if (strcmp(vm_domain_get_name(dom), nv->name) != 0) {
            vm_report_error(VM_ERR_INVALID_ARG, "the XML names '%s', the row '%s'",
                            vm_domain_get_name(dom), nv->name);
            err = SNMP_ERR_INCONSISTENTVALUE;
        } else if (vm_domain_get_uuid(dom, uuid) < 0 ||
                   ax_index_map_assign(map, uuid, nv->index) < 0) {
            err = SNMP_ERR_COMMITFAILED;
        } else if (start && vm_domain_start(dom, 0) < 0) {
            err = SNMP_ERR_COMMITFAILED;
            assigned = true;
        }
        if (err != SNMP_ERR_NOERROR) {
            /* a failed operation changes nothing: take the definition back,
             * and its index (the next GET of NextIndex is as before) */
            char *msg = vm_strdup(vm_error_message());
            vm_domain_undefine(dom, 0);
            if (assigned)
                ax_index_map_release(map, uuid, next_before);
            vm_report_error(VM_ERR_OPERATION_FAILED, "%s", msg);
            free(msg);
        }
    } else {
        err = !conn || !map || vm_error_code() == VM_ERR_NOT_SUPPORTED
                  ? SNMP_ERR_RESOURCEUNAVAILABLE
                  : SNMP_ERR_COMMITFAILED;
    }
    if (err != SNMP_ERR_NOERROR)
        snmp_log(LOG_WARNING, "SET %s: %s of domain '%s' as vmIndex %d failed: %s\n",
                 requester, what, nv->name,
                 nv->index, vm_error_message());
    else {
        snmp_log(LOG_NOTICE, "SET %s: %s of domain '%s' as vmIndex %d done\n", requester,
                 what, nv->name, nv->index);
        drop_stale_snapshots();
    }
    vm_error_reset();
    vm_domain_free(dom);
    ax_refresher_conn_unlock(refresher);
    ax_refresher_poke(refresher);
    return err;
}
