/*
 * agentx_vm_table.c: vmTable (VM-MIB): one row per domain, shut-off ones included.
 */
#include "config.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include <stdlib.h>
#include <string.h>

#include "agentx_table.h"
#include "mibdefs/vmTable_columns.h"
#include "mibdefs/vmTable_enums.h"

static bool vm_column(netsnmp_agent_request_info *reqinfo, netsnmp_request_info *req,
                      const void *row, int col)
{
    const struct ax_vm *vm = row;

    (void)reqinfo;
    switch (col) {
    case COLUMN_VMNAME: ax_set_str(req, vm->name); break;
    case COLUMN_VMUUID: ax_set_bytes(req, vm->uuid, VM_UUID_BUFLEN); break;
    case COLUMN_VMOSTYPE: ax_set_str(req, vm->os_type); break;
    case COLUMN_VMADMINSTATE: ax_set_int(req, vm->admin); break;
    case COLUMN_VMOPERSTATE: ax_set_int(req, vm->oper); break;
    case COLUMN_VMAUTOSTART: ax_set_int(req, vm->autostart); break;
    case COLUMN_VMPERSISTENT: ax_set_int(req, vm->persistent); break;
    case COLUMN_VMCURCPUNUMBER:
    case COLUMN_VMMINCPUNUMBER:
    case COLUMN_VMMAXCPUNUMBER: ax_set_int(req, vm->vcpus); break;
    case COLUMN_VMMEMUNIT: ax_set_int(req, vm->mem_unit); break;
    case COLUMN_VMCURMEM: ax_set_int(req, vm->cur_mem); break;
    case COLUMN_VMMINMEM: ax_set_int(req, vm->min_mem); break;
    case COLUMN_VMMAXMEM: ax_set_int(req, vm->max_mem); break;
    case COLUMN_VMUPTIME: ax_set_u32(req, ASN_TIMETICKS, vm->uptime_cs); break;
    case COLUMN_VMCPUTIME: ax_set_c64(req, vm->cpu_us); break;
    default: return false;
    }
    return true;
}

static const oid table_oid[] = {VM_MIB, 1, 4};
struct ax_table_state ax_vm_table_state;

const struct ax_table ax_vm_table = {
    .name = "vmTable",
    .get_column = vm_column,
    .oid = table_oid,
    .oid_len = sizeof(table_oid) / sizeof(oid),
    .nindexes = 1,
    .min_col = 2,
    .max_col = 17,
    .kind = AX_ROWS_VM,
    .state = &ax_vm_table_state,
};
