/*
 * agentx_network_table.c: vmNetworkTable (VM-MIB): the domains' NICs.
 */
#include "config.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include <stdlib.h>
#include <string.h>

#include "agentx_table.h"
#include "mibdefs/vmNetworkTable_columns.h"

static bool network_column(netsnmp_agent_request_info *reqinfo, netsnmp_request_info *req,
                           const void *row, int col)
{
    const struct ax_nic *n = ((const struct ax_sub_row *)row)->item;

    (void)reqinfo;
    switch (col) {
    case COLUMN_VMNETWORKIFINDEX: ax_set_int(req, n->ifindex); break;
    case COLUMN_VMNETWORKPARENT: ax_set_int(req, 0); break;
    case COLUMN_VMNETWORKMODEL: ax_set_str(req, n->model); break;
    case COLUMN_VMNETWORKPHYSADDRESS: ax_set_bytes(req, n->mac, n->has_mac ? 6 : 0); break;
    default: return false;
    }
    return true;
}

static const oid table_oid[] = {VM_MIB, 1, 8};
struct ax_table_state ax_network_table_state;

const struct ax_table ax_network_table = {
    .name = "vmNetworkTable",
    .get_column = network_column,
    .oid = table_oid,
    .oid_len = sizeof(table_oid) / sizeof(oid),
    .nindexes = 2,
    .min_col = 2,
    .max_col = 5,
    .kind = AX_ROWS_NIC,
    .state = &ax_network_table_state,
};
