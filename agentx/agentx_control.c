/*
 * agentx_control.c: what a VIRTMON-MIB SET may do, and doing it.
 */
#include "config.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include <string.h>

#include "agentx_control.h"
#include "agentx_notify.h"
#include "mibdefs/virtmonVmTable_columns.h"
#include "mibdefs/virtmonVmTable_enums.h"
#include "mibdefs/vmTable_enums.h"
#include "util/vm_alloc.h"
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
        default: vm_report_error(VM_ERR_NOT_SUPPORTED, "not a domain operation"); break;
        }
    }
    if (r < 0) {
        err = vm_error_code() == VM_ERR_NOT_SUPPORTED ? SNMP_ERR_RESOURCEUNAVAILABLE
                                                       : SNMP_ERR_COMMITFAILED;
        snmp_log(LOG_WARNING, "SET by %s: %s of domain '%s' failed: %s\n", requester,
                 op_name(op), vm->name, vm_error_message());
    } else {
        snmp_log(LOG_NOTICE, "SET by %s: %s of domain '%s' done\n", requester, op_name(op),
                 vm->name);
        /* the next GET shows it at once, not at the next refresh */
        if ((st = vm_domain_get_stats(dom, 0))) {
            int prev = vm->oper;
            ax_map_state(st, &vm->admin, &vm->oper);
            if (vm->oper != prev) {
                /* the next snapshot will not see a change: tell now */
                struct ax_change c = {ax_notif_for_oper(vm->oper), vm->index, prev, vm};
                if (c.notif != AX_NOTIF_NONE)
                    ax_notify_changes(&c, 1);
            }
            vm->running = st->state == VM_DOMAIN_RUNNING || st->state == VM_DOMAIN_BLOCKED;
            vm->id = st->id;
            vm->autostart = st->autostart ? VMAUTOSTART_ENABLED : VMAUTOSTART_DISABLED;
            vm_domain_stats_free(st);
        }
        vm_error_reset();
    }
    vm_domain_free(dom);
    ax_refresher_conn_unlock(refresher);
    ax_refresher_poke(refresher);
    return err;
}
