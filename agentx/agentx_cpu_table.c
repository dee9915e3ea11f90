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

static bool cpu_column(netsnmp_agent_request_info *reqinfo, netsnmp_request_info *req,
                       const void *row, int col)
{
    const struct ax_sub_row *r = row;

    (void)reqinfo;
    if (col != COLUMN_VMCPUCORETIME)
        return false;
    ax_set_c64(req, r->vm->vcpu_us[r->index - 1]);
    return true;
}

static const oid table_oid[] = {VM_MIB, 1, 5};
static struct ax_table_state state;

const struct ax_table ax_cpu_table = {
    .name = "vmCpuTable",
    .get_column = cpu_column,
    .oid = table_oid,
    .oid_len = sizeof(table_oid) / sizeof(oid),
    .nindexes = 2,
    .min_col = 2,
    .max_col = 2,
    .kind = AX_ROWS_VCPU,
    .state = &state,
};
