/*
 * agentx_storage_table.c: vmStorageTable (VM-MIB): the domains' disks.
 */
#include "config.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include <stdlib.h>
#include <string.h>

#include "agentx_table.h"
#include "mibdefs/vmStorageTable_columns.h"

static bool storage_column(netsnmp_agent_request_info *reqinfo, netsnmp_request_info *req,
                           const void *row, int col)
{
    const struct ax_disk *d = ((const struct ax_sub_row *)row)->item;

    (void)reqinfo;
    switch (col) {
    case COLUMN_VMSTORAGEPARENT: ax_set_int(req, 0); break;
    case COLUMN_VMSTORAGESOURCETYPE: ax_set_int(req, d->source_type); break;
    case COLUMN_VMSTORAGESOURCETYPESTRING: ax_set_str(req, d->format); break;
    case COLUMN_VMSTORAGERESOURCEID: ax_set_str(req, d->source); break;
    case COLUMN_VMSTORAGEACCESS: ax_set_int(req, d->access); break;
    case COLUMN_VMSTORAGEMEDIATYPE: ax_set_int(req, d->media); break;
    case COLUMN_VMSTORAGEMEDIATYPESTRING: ax_set_str(req, d->bus); break;
    case COLUMN_VMSTORAGESIZEUNIT: ax_set_int(req, 1048576); break;
    case COLUMN_VMSTORAGEDEFINEDSIZE: ax_set_int(req, d->defined_mib); break;
    case COLUMN_VMSTORAGEALLOCATEDSIZE: ax_set_int(req, d->allocated_mib); break;
    case COLUMN_VMSTORAGEREADIOS: ax_set_c64(req, d->rd_reqs); break;
    case COLUMN_VMSTORAGEWRITEIOS: ax_set_c64(req, d->wr_reqs); break;
    case COLUMN_VMSTORAGEREADOCTETS: ax_set_c64(req, d->rd_bytes); break;
    case COLUMN_VMSTORAGEWRITEOCTETS: ax_set_c64(req, d->wr_bytes); break;
    /* no source gives queueing times yet: 0, as "nothing measured" */
    case COLUMN_VMSTORAGEREADLATENCY:
    case COLUMN_VMSTORAGEWRITELATENCY: ax_set_c64(req, 0); break;
    default: return false;
    }
    return true;
}

static const oid table_oid[] = {VM_MIB, 1, 7};
static struct ax_table_state state;

const struct ax_table ax_storage_table = {
    .name = "vmStorageTable",
    .get_column = storage_column,
    .oid = table_oid,
    .oid_len = sizeof(table_oid) / sizeof(oid),
    .nindexes = 2,
    .min_col = 3,
    .max_col = 18,
    .kind = AX_ROWS_DISK,
    .state = &state,
};
