/*
 * agentx_virtmon_vm_table.c: virtmonVmTable (VIRTMON-MIB): virtmon's columns of each vmTable row.
 */
#include "config.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include <stdlib.h>
#include <string.h>

#include "agentx_audit.h"
#include "agentx_control.h"
#include "agentx_mib.h"
#include "agentx_table.h"
#include "util/vm_alloc.h"
#include "mibdefs/virtmonVmTable_columns.h"
#include "mibdefs/virtmonVmTable_enums.h"
#include "mibdefs/vmTable_enums.h"

/* SETs: every varbind is checked (RESERVE1) before anything is done
 * (ACTION), so a multi-varbind SET is refused as a whole. */
/* The audit line of a SET of col refused before anything was done. */
static void audit_refusal(netsnmp_agent_request_info *reqinfo, const struct ax_vm *vm, int col,
                          const long *value, int err)
{
    static const char *const cols[] = {"", "virtmonVmAdminState", "virtmonVmAction",
                                       "virtmonVmAutoStart"};
    VM_AUTOFREE char *what = NULL;

    if (value)
        what = vm_asprintf("%s = %ld of domain '%s'",
                           col >= 1 && col <= 3 ? cols[col] : "a read-only column", *value,
                           vm->name);
    else
        what = vm_asprintf("%s of domain '%s' (not an INTEGER)",
                           col >= 1 && col <= 3 ? cols[col] : "a read-only column", vm->name);
    ax_audit_refused(reqinfo, what, err);
}

static int xvm_set(netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
    if (reqinfo->mode == MODE_SET_RESERVE1) {
        ax_mib_set_busy(true);
    } else if (reqinfo->mode == MODE_SET_FREE || reqinfo->mode == MODE_SET_COMMIT ||
               reqinfo->mode == MODE_SET_UNDO) {
        /* the last phases: the rows may be replaced after this */
        ax_mib_set_busy(false);
        return SNMP_ERR_NOERROR;
    }
    for (netsnmp_request_info *req = requests; req; req = req->next) {
        netsnmp_variable_list *vb = req->requestvb;
        struct ax_vm *vm;
        enum ax_op op;
        int col = 0, err;

        if (req->processed || !(vm = ax_row_of(reqinfo, req, &col)))
            continue;
        switch (reqinfo->mode) {
        case MODE_SET_RESERVE1:
            if (vb->type != ASN_INTEGER) {
                err = col >= COLUMN_VIRTMONVMTYPE ? SNMP_ERR_NOTWRITABLE : SNMP_ERR_WRONGTYPE;
                netsnmp_set_request_error(reqinfo, req, err);
                audit_refusal(reqinfo, vm, col, NULL, err);
            } else if (ax_control_check(vm, col, *vb->val.integer, &op, &err) < 0) {
                netsnmp_set_request_error(reqinfo, req, err);
                audit_refusal(reqinfo, vm, col, vb->val.integer, err);
            }
            break;
        case MODE_SET_ACTION:
            /* the state is read again: a snapshot may have come in between */
            if (ax_control_check(vm, col, *vb->val.integer, &op, &err) < 0) {
                netsnmp_set_request_error(reqinfo, req, err);
                audit_refusal(reqinfo, vm, col, vb->val.integer, err);
            } else {
                VM_AUTOFREE char *who = ax_requester(reqinfo);
                if ((err = ax_control_apply(vm, op, who)) != SNMP_ERR_NOERROR)
                    netsnmp_set_request_error(reqinfo, req, err);
            }
            break;
        default:
            /* nothing to undo: ACTION does one operation or fails before it */
            break;
        }
    }
    return SNMP_ERR_NOERROR;
}

static bool xvm_column(netsnmp_agent_request_info *reqinfo, netsnmp_request_info *req,
                       const void *row, int col)
{
    const struct ax_vm *vm = row;

    (void)reqinfo;
    switch (col) {
    case COLUMN_VIRTMONVMADMINSTATE: ax_set_int(req, vm->admin); break;
    case COLUMN_VIRTMONVMACTION: ax_set_int(req, VIRTMONVMACTION_NONE); break;
    case COLUMN_VIRTMONVMAUTOSTART:
        ax_set_int(req, vm->autostart == VMAUTOSTART_ENABLED ? VIRTMONVMAUTOSTART_TRUE
                                                           : VIRTMONVMAUTOSTART_FALSE);
        break;
    case COLUMN_VIRTMONVMTYPE: ax_set_str(req, vm->type); break;
    case COLUMN_VIRTMONVMID: ax_set_int(req, vm->id); break;
    case COLUMN_VIRTMONVMMAXMEMKIB: ax_set_c64(req, vm->max_kib); break;
    case COLUMN_VIRTMONVMCURMEMKIB: ax_set_c64(req, vm->cur_kib); break;
    default: return false;
    }
    return true;
}

static const oid table_oid[] = {VIRTMON_MIB, 1, 2};

const struct ax_table ax_virtmon_vm_table = {
    .name = "virtmonVmTable",
    .get_column = xvm_column,
    .set = xvm_set,
    .oid = table_oid,
    .oid_len = sizeof(table_oid) / sizeof(oid),
    .nindexes = 1,
    .min_col = 1,
    .max_col = 7,
    .kind = AX_ROWS_SHARED,
    .state = &ax_vm_table_state,
};
