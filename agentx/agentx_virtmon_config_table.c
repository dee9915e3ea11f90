/*
 * agentx_virtmon_config_table.c: virtmonVmConfigTable (VIRTMON-MIB): an active row per defined domain.
 */
#include "config.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include <stdlib.h>
#include <string.h>

#include "agentx_table.h"
#include "mibdefs/virtmonVmConfigTable_columns.h"
#include "mibdefs/vmTable_enums.h"

static int config_table_handler(netsnmp_mib_handler *h, netsnmp_handler_registration *reg,
                                netsnmp_agent_request_info *reqinfo,
                                netsnmp_request_info *requests)
{
    if (reqinfo->mode != MODE_GET)
        return SNMP_ERR_NOERROR;
    for (netsnmp_request_info *req = requests; req; req = req->next) {
        int col = 0;
        const struct ax_vm *vm = ax_row_of(reqinfo, req, &col);
        if (!vm)
            continue;
        switch (col) {
        case COLUMN_VIRTMONVMCONFIGNAME: ax_set_str(req, vm->name); break;
        case COLUMN_VIRTMONVMCONFIGMEMKIB:
            ax_set_u32(req, ASN_UNSIGNED,
                          vm->max_kib > 0xffffffffULL ? 0xffffffffU : (uint32_t)vm->max_kib);
            break;
        case COLUMN_VIRTMONVMCONFIGVCPUS: ax_set_int(req, vm->vcpus); break;
        /* the definition's XML is not in the snapshot (it would cost one
         * hypervisor call per domain and refresh): empty on read */
        case COLUMN_VIRTMONVMCONFIGXML: ax_set_str(req, ""); break;
        case COLUMN_VIRTMONVMCONFIGROWSTATUS: ax_set_int(req, RS_ACTIVE); break;
        default: netsnmp_set_request_error(reqinfo, req, SNMP_NOSUCHOBJECT);
        }
    }
    return SNMP_ERR_NOERROR;
}

static const oid table_oid[] = {VIRTMON_MIB, 1, 5};
static struct ax_table_state state;

const struct ax_table ax_virtmon_config_table = {
    .name = "virtmonVmConfigTable",
    .handler = config_table_handler,
    .oid = table_oid,
    .oid_len = sizeof(table_oid) / sizeof(oid),
    .nindexes = 1,
    .min_col = 2,
    .max_col = 6,
    .kind = AX_ROWS_PERSISTENT_VM,
    .state = &state,
};
