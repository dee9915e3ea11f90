/*
 * agentx_scalars.c: VM-MIB's hypervisor scalars and notification switches,
 * VIRTMON-MIB's host scalars.
 */
#include "config.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include <stdlib.h>
#include <string.h>

#include "agentx_table.h"
#include <time.h>

static int scalar_handler(netsnmp_mib_handler *h, netsnmp_handler_registration *reg,
                          netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
    const struct ax_snapshot *s = ax_current;
    long which = (long)(intptr_t)h->myvoid;
    static const oid zero_dot_zero[] = {0, 0};

    if (reqinfo->mode != MODE_GET)
        return SNMP_ERR_NOERROR;
    for (netsnmp_request_info *req = requests; req; req = req->next) {
        /* Registration with the master happens with the first snapshot,
         * and the AgentX exchange for it may answer requests before the
         * snapshot is in place: nothing, rather than a vmNumber of 0. */
        if (!s && which != 105) {
            netsnmp_set_request_error(reqinfo, req, SNMP_NOSUCHOBJECT);
            continue;
        }
        switch (which) {
        case 1: ax_set_str(req, s && s->hv_software ? s->hv_software : ""); break;
        case 2: ax_set_str(req, s && s->hv_version ? s->hv_version : ""); break;
        case 3:
            /* no registered OID names Xen or QEMU/KVM: zeroDotZero */
            snmp_set_var_typed_value(req->requestvb, ASN_OBJECT_ID, zero_dot_zero,
                                     sizeof(zero_dot_zero));
            break;
        case 4:
            /* read now: the snapshot's reading is up to an interval old */
            ax_set_u32(req, ASN_TIMETICKS, s ? ax_host_uptime_cs() : 0);
            break;
        case 5: ax_set_int(req, s ? (long)s->nvms : 0); break;
        case 6: ax_set_u32(req, ASN_TIMETICKS, ax_table_last_change); break;
        case 101: ax_set_c64(req, s ? s->mem_total_kib : 0); break;
        case 102: ax_set_c64(req, s ? s->mem_free_kib : 0); break;
        case 103: ax_set_int(req, s ? s->cpus : 0); break;
        case 104: ax_set_str(req, s && s->uri ? s->uri : ""); break;
        case 105: ax_set_int(req, ax_conn_state); break;
        case 106:
            ax_set_u32(req, ASN_UNSIGNED,
                          ax_last_good ? (uint32_t)(time(NULL) - ax_last_good) : 0);
            break;
        case 107: ax_set_int(req, s ? s->next_free_index : 0); break;
        }
    }
    return SNMP_ERR_NOERROR;
}

/* The two notification switches: read-write TruthValue, not persisted. */
static int switch_handler(netsnmp_mib_handler *h, netsnmp_handler_registration *reg,
                          netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
    long *value = h->myvoid;
    static long saved;

    for (netsnmp_request_info *req = requests; req; req = req->next) {
        netsnmp_variable_list *vb = req->requestvb;
        switch (reqinfo->mode) {
        case MODE_GET: ax_set_int(req, *value); break;
        case MODE_SET_RESERVE1:
            if (vb->type != ASN_INTEGER)
                netsnmp_set_request_error(reqinfo, req, SNMP_ERR_WRONGTYPE);
            else if (*vb->val.integer != 1 && *vb->val.integer != 2)
                netsnmp_set_request_error(reqinfo, req, SNMP_ERR_WRONGVALUE);
            break;
        case MODE_SET_ACTION:
            saved = *value;
            *value = *vb->val.integer;
            break;
        case MODE_SET_UNDO: *value = saved; break;
        default: break;
        }
    }
    return SNMP_ERR_NOERROR;
}

static void reg_scalar(const char *name, const oid *o, size_t len, long which)
{
    netsnmp_handler_registration *reg =
        netsnmp_create_handler_registration(name, scalar_handler, o, len, HANDLER_CAN_RONLY);
    reg->handler->myvoid = (void *)(intptr_t)which;
    netsnmp_register_read_only_scalar(reg);
}

static void reg_switch(const char *name, const oid *o, size_t len, long *value)
{
    netsnmp_handler_registration *reg =
        netsnmp_create_handler_registration(name, switch_handler, o, len, HANDLER_CAN_RWRITE);
    reg->handler->myvoid = value;
    netsnmp_register_scalar(reg);
}

long ax_per_vm_enabled = 1, ax_bulk_enabled = 1;   /* true(1) at start, never persisted */

static void reg(void)
{
    static const oid hv_software[] = {VM_MIB, 1, 1, 1}, hv_version[] = {VM_MIB, 1, 1, 2},
                     hv_oid[] = {VM_MIB, 1, 1, 3}, hv_uptime[] = {VM_MIB, 1, 1, 4},
                     vm_number[] = {VM_MIB, 1, 2}, last_change[] = {VM_MIB, 1, 3},
                     per_vm[] = {VM_MIB, 1, 9}, bulk[] = {VM_MIB, 1, 10};
    static const oid mem_total[] = {VIRTMON_MIB, 1, 1, 1}, mem_free[] = {VIRTMON_MIB, 1, 1, 2},
                     cpus[] = {VIRTMON_MIB, 1, 1, 3}, uri[] = {VIRTMON_MIB, 1, 1, 4},
                     conn[] = {VIRTMON_MIB, 1, 1, 5}, age[] = {VIRTMON_MIB, 1, 1, 6},
                     next_index[] = {VIRTMON_MIB, 1, 4};

#define L(a) (sizeof(a) / sizeof(oid))
    reg_scalar("vmHvSoftware", hv_software, L(hv_software), 1);
    reg_scalar("vmHvVersion", hv_version, L(hv_version), 2);
    reg_scalar("vmHvObjectID", hv_oid, L(hv_oid), 3);
    reg_scalar("vmHvUpTime", hv_uptime, L(hv_uptime), 4);
    reg_scalar("vmNumber", vm_number, L(vm_number), 5);
    reg_scalar("vmTableLastChange", last_change, L(last_change), 6);
    reg_switch("vmPerVMNotificationsEnabled", per_vm, L(per_vm), &ax_per_vm_enabled);
    reg_switch("vmBulkNotificationsEnabled", bulk, L(bulk), &ax_bulk_enabled);
    reg_scalar("virtmonHostMemTotal", mem_total, L(mem_total), 101);
    reg_scalar("virtmonHostMemFree", mem_free, L(mem_free), 102);
    reg_scalar("virtmonHostCpus", cpus, L(cpus), 103);
    reg_scalar("virtmonHostUri", uri, L(uri), 104);
    reg_scalar("virtmonHostConnState", conn, L(conn), 105);
    reg_scalar("virtmonHostSnapshotAge", age, L(age), 106);
    reg_scalar("virtmonVmConfigNextIndex", next_index, L(next_index), 107);
#undef L
}

const struct ax_table ax_scalars = {
    .name = "scalars",
    .kind = AX_ROWS_CUSTOM,
    .custom_reg = reg,
};
