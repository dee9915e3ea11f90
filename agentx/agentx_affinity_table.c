/*
 * agentx_affinity_table.c: vmCpuAffinityTable (VM-MIB), computed from the
 * snapshot instead of stored: running domains x vCPUs x host CPUs rows
 * would dominate the subagent's memory on a big host.
 */
#include "config.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include <stdlib.h>
#include <string.h>

#include "agentx_table.h"
#include "mibdefs/vmCpuAffinityTable_columns.h"
#include "mibdefs/vmCpuAffinityTable_enums.h"

/* net-snmp's hrDeviceIndex of host CPU n (HRDEV_PROC << 16) */
#define HR_PROC_INDEX_BASE 196608

/* Running VMs x vCPUs x host CPUs, in index order, computed from the
 * snapshot.  Instance: column.vmIndex.vmCpuIndex.vmCpuPhysIndex. */
static const oid affinity_oid[] = {VM_MIB, 1, 6, 1};

/* The first row >= (vi, ci, pi) (with after: >), or false when none. */
static bool affinity_find(const struct ax_snapshot *s, long *vi, long *ci, long *pi, bool after)
{
    long ncpu = s ? s->cpus : 0;

    if (!s || ncpu <= 0)
        return false;
    if (after)
        (*pi)++;
    for (size_t k = 0; k < s->nvms; k++) {
        const struct ax_vm *vm = &s->vms[k];
        long c, p;
        if (!vm->running || vm->index < *vi)
            continue;
        c = vm->index == *vi ? (*ci < 1 ? 1 : *ci) : 1;
        p = vm->index == *vi && c == *ci ? *pi : 0;
        if (p < HR_PROC_INDEX_BASE)
            p = HR_PROC_INDEX_BASE;
        if (p >= HR_PROC_INDEX_BASE + ncpu) {
            c++;
            p = HR_PROC_INDEX_BASE;
        }
        if (c > vm->vcpus)
            continue;
        *vi = vm->index;
        *ci = c;
        *pi = p;
        return true;
    }
    return false;
}

static int affinity_handler(netsnmp_mib_handler *h, netsnmp_handler_registration *reg,
                            netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
    const size_t base = sizeof(affinity_oid) / sizeof(oid);
    const struct ax_served *sv = h->myvoid;
    const struct ax_snapshot *s = sv->current;

    for (netsnmp_request_info *req = requests; req; req = req->next) {
        netsnmp_variable_list *vb = req->requestvb;
        long col = 0, vi = 0, ci = 0, pi = 0;
        bool found;

        if (req->processed)
            continue;
        /* the request's position below the entry */
        if (vb->name_length > base && snmp_oid_compare(vb->name, base, affinity_oid, base) == 0) {
            col = (long)vb->name[base];
            if (vb->name_length > base + 1)
                vi = (long)vb->name[base + 1];
            if (vb->name_length > base + 2)
                ci = (long)vb->name[base + 2];
            if (vb->name_length > base + 3)
                pi = (long)vb->name[base + 3];
        } else if (snmp_oid_compare(vb->name, vb->name_length, affinity_oid, base) < 0) {
            col = 0;
        } else {
            col = 4;    /* past the table */
        }
        if (reqinfo->mode == MODE_GET) {
            long v = vi, c = ci, p = pi;
            found = col == COLUMN_VMCPUAFFINITY && vb->name_length == base + 4 &&
                    affinity_find(s, &v, &c, &p, false) && v == vi && c == ci && p == pi;
            if (found)
                ax_set_int(req, VMCPUAFFINITY_ENABLE);  /* no pinning: every host CPU */
            else
                /* the not-accessible index column (and anything but the
                 * one column) is no object, as in every other table */
                netsnmp_set_request_error(reqinfo, req,
                                          col == COLUMN_VMCPUAFFINITY ? SNMP_NOSUCHINSTANCE
                                                                      : SNMP_NOSUCHOBJECT);
            continue;
        }
        if (reqinfo->mode != MODE_GETNEXT)
            continue;
        if (col < COLUMN_VMCPUAFFINITY) {
            col = COLUMN_VMCPUAFFINITY;
            vi = ci = pi = 0;
            found = affinity_find(s, &vi, &ci, &pi, false);
        } else if (col == COLUMN_VMCPUAFFINITY) {
            found = affinity_find(s, &vi, &ci, &pi, vb->name_length >= base + 4);
        } else {
            found = false;
        }
        if (found) {
            oid name[MAX_OID_LEN];
            memcpy(name, affinity_oid, sizeof(affinity_oid));
            name[base] = (oid)col;
            name[base + 1] = (oid)vi;
            name[base + 2] = (oid)ci;
            name[base + 3] = (oid)pi;
            snmp_set_var_objid(vb, name, base + 4);
            ax_set_int(req, VMCPUAFFINITY_ENABLE);
        }
        /* not found: leave the varbind for the next subtree */
    }
    return SNMP_ERR_NOERROR;
}

static void reg(struct ax_served *sv)
{
    netsnmp_handler_registration *r = netsnmp_create_handler_registration(
        "vmCpuAffinityTable", affinity_handler, affinity_oid,
        sizeof(affinity_oid) / sizeof(oid) - 1, HANDLER_CAN_RONLY);

    r->handler->myvoid = sv;
    netsnmp_register_handler(r);
}

const struct ax_table ax_affinity_table = {
    .name = "vmCpuAffinityTable",
    .kind = AX_ROWS_CUSTOM,
    .custom_reg = reg,
};
