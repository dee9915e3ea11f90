/*
 * agentx_cpu_table.c: vmCpuTable (VM-MIB): one row per configured vCPU of every domain.
 */
#include "config.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include <stdlib.h>
#include <string.h>

#include "agentx_table.h"
#include "mibdefs/vmCpuTable_columns.h"

static int cpu_table_handler(netsnmp_mib_handler *h, netsnmp_handler_registration *reg,
                             netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
    if (reqinfo->mode != MODE_GET)
        return SNMP_ERR_NOERROR;
    for (netsnmp_request_info *req = requests; req; req = req->next) {
        int col = 0;
        const struct ax_sub_row *r = ax_row_of(reqinfo, req, &col);
        if (!r)
            continue;
        if (col == COLUMN_VMCPUCORETIME)
            ax_set_c64(req, r->vm->vcpu_us[r->index - 1]);
        else
            netsnmp_set_request_error(reqinfo, req, SNMP_NOSUCHOBJECT);
    }
    return SNMP_ERR_NOERROR;
}

static const oid table_oid[] = {VM_MIB, 1, 5};
static struct ax_table_state state;

const struct ax_table ax_cpu_table = {
    .name = "vmCpuTable",
    .handler = cpu_table_handler,
    .oid = table_oid,
    .oid_len = sizeof(table_oid) / sizeof(oid),
    .nindexes = 2,
    .min_col = 2,
    .max_col = 2,
    .kind = AX_ROWS_VCPU,
    .state = &state,
};
