/*
 * agentx_virtmon_if_table.c: virtmonVmIfTable (VIRTMON-MIB): each NIC's counters, the guest's view.
 */
#include "config.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include <stdlib.h>
#include <string.h>

#include "agentx_table.h"
#include "mibdefs/virtmonVmIfTable_columns.h"

static bool xif_column(netsnmp_agent_request_info *reqinfo, netsnmp_request_info *req,
                       const void *row, int col)
{
    const struct ax_nic *n = ((const struct ax_sub_row *)row)->item;

    switch (col) {
    case COLUMN_VIRTMONVMIFRXOCTETS: ax_set_c64_known(reqinfo, req, n->rx_bytes); break;
    case COLUMN_VIRTMONVMIFRXPKTS: ax_set_c64_known(reqinfo, req, n->rx_pkts); break;
    case COLUMN_VIRTMONVMIFRXERRS: ax_set_c64_known(reqinfo, req, n->rx_errs); break;
    case COLUMN_VIRTMONVMIFRXDROPS: ax_set_c64_known(reqinfo, req, n->rx_drop); break;
    case COLUMN_VIRTMONVMIFTXOCTETS: ax_set_c64_known(reqinfo, req, n->tx_bytes); break;
    case COLUMN_VIRTMONVMIFTXPKTS: ax_set_c64_known(reqinfo, req, n->tx_pkts); break;
    case COLUMN_VIRTMONVMIFTXERRS: ax_set_c64_known(reqinfo, req, n->tx_errs); break;
    case COLUMN_VIRTMONVMIFTXDROPS: ax_set_c64_known(reqinfo, req, n->tx_drop); break;
    default: return false;
    }
    return true;
}

static const oid table_oid[] = {VIRTMON_MIB, 1, 3};

const struct ax_table ax_virtmon_if_table = {
    .name = "virtmonVmIfTable",
    .get_column = xif_column,
    .oid = table_oid,
    .oid_len = sizeof(table_oid) / sizeof(oid),
    .nindexes = 2,
    .min_col = 1,
    .max_col = 8,
    .kind = AX_ROWS_SHARED,
    .state = &ax_network_table_state,
};
