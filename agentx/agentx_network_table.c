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

static int network_table_handler(netsnmp_mib_handler *h, netsnmp_handler_registration *reg,
                                 netsnmp_agent_request_info *reqinfo,
                                 netsnmp_request_info *requests)
{
    if (reqinfo->mode != MODE_GET)
        return SNMP_ERR_NOERROR;
    for (netsnmp_request_info *req = requests; req; req = req->next) {
        int col = 0;
        const struct ax_sub_row *r = ax_row_of(reqinfo, req, &col);
        if (!r)
            continue;
        switch (col) {
        case COLUMN_VMNETWORKIFINDEX: ax_set_int(req, ((const struct ax_nic *)r->item)->ifindex); break;
        case COLUMN_VMNETWORKPARENT: ax_set_int(req, 0); break;
        case COLUMN_VMNETWORKMODEL: ax_set_str(req, ((const struct ax_nic *)r->item)->model); break;
        case COLUMN_VMNETWORKPHYSADDRESS:
            ax_set_bytes(req, ((const struct ax_nic *)r->item)->mac, ((const struct ax_nic *)r->item)->has_mac ? 6 : 0);
            break;
        default: netsnmp_set_request_error(reqinfo, req, SNMP_NOSUCHOBJECT);
        }
    }
    return SNMP_ERR_NOERROR;
}

static const oid table_oid[] = {VM_MIB, 1, 8};
struct ax_table_state ax_network_table_state;

const struct ax_table ax_network_table = {
    .name = "vmNetworkTable",
    .handler = network_table_handler,
    .oid = table_oid,
    .oid_len = sizeof(table_oid) / sizeof(oid),
    .nindexes = 2,
    .min_col = 2,
    .max_col = 5,
    .kind = AX_ROWS_NIC,
    .state = &ax_network_table_state,
};
