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

static int xif_table_handler(netsnmp_mib_handler *h, netsnmp_handler_registration *reg,
                             netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
    if (reqinfo->mode != MODE_GET)
        return SNMP_ERR_NOERROR;
    for (netsnmp_request_info *req = requests; req; req = req->next) {
        int col = 0;
        const struct ax_sub_row *r = ax_row_of(reqinfo, req, &col);
        const struct ax_nic *n;
        if (!r)
            continue;
        n = r->item;
        switch (col) {
        case COLUMN_VIRTMONVMIFRXOCTETS: ax_set_c64_known(reqinfo, req, n->rx_bytes); break;
        case COLUMN_VIRTMONVMIFRXPKTS: ax_set_c64_known(reqinfo, req, n->rx_pkts); break;
        case COLUMN_VIRTMONVMIFRXERRS: ax_set_c64_known(reqinfo, req, n->rx_errs); break;
        case COLUMN_VIRTMONVMIFRXDROPS: ax_set_c64_known(reqinfo, req, n->rx_drop); break;
        case COLUMN_VIRTMONVMIFTXOCTETS: ax_set_c64_known(reqinfo, req, n->tx_bytes); break;
        case COLUMN_VIRTMONVMIFTXPKTS: ax_set_c64_known(reqinfo, req, n->tx_pkts); break;
        case COLUMN_VIRTMONVMIFTXERRS: ax_set_c64_known(reqinfo, req, n->tx_errs); break;
        case COLUMN_VIRTMONVMIFTXDROPS: ax_set_c64_known(reqinfo, req, n->tx_drop); break;
        default: netsnmp_set_request_error(reqinfo, req, SNMP_NOSUCHOBJECT);
        }
    }
    return SNMP_ERR_NOERROR;
}

static const oid table_oid[] = {VIRTMON_MIB, 1, 3};

const struct ax_table ax_virtmon_if_table = {
    .name = "virtmonVmIfTable",
    .handler = xif_table_handler,
    .oid = table_oid,
    .oid_len = sizeof(table_oid) / sizeof(oid),
    .nindexes = 2,
    .min_col = 1,
    .max_col = 8,
    .kind = AX_ROWS_SHARED,
    .state = &ax_network_table_state,
};
