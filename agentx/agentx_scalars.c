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
#include "util/vm_alloc.h"
#include <time.h>

/* One scalar: its name, OID, and how its value is read from what is
 * served (needs_snapshot: noSuchObject until the first snapshot, rather
 * than a vmNumber of 0 while registration with the master settles). */
struct ax_scalar {
    const char *name;
    oid oid[MAX_OID_LEN];
    size_t oid_len;
    bool needs_snapshot;
    void (*get)(netsnmp_request_info *req, const struct ax_served *sv);
};

static void get_hv_software(netsnmp_request_info *req, const struct ax_served *sv)
{
    ax_set_str(req, sv->current->hv_software ? sv->current->hv_software : "");
}

static void get_hv_version(netsnmp_request_info *req, const struct ax_served *sv)
{
    ax_set_str(req, sv->current->hv_version ? sv->current->hv_version : "");
}

static void get_hv_object_id(netsnmp_request_info *req, const struct ax_served *sv)
{
    /* no registered OID names Xen or QEMU/KVM: zeroDotZero */
    static const oid zero_dot_zero[] = {0, 0};

    (void)sv;
    snmp_set_var_typed_value(req->requestvb, ASN_OBJECT_ID, zero_dot_zero,
                             sizeof(zero_dot_zero));
}

static void get_hv_uptime(netsnmp_request_info *req, const struct ax_served *sv)
{
    /* read now: the snapshot's reading is up to an interval old */
    (void)sv;
    ax_set_u32(req, ASN_TIMETICKS, ax_host_uptime_cs());
}

static void get_vm_number(netsnmp_request_info *req, const struct ax_served *sv)
{
    ax_set_int(req, (long)sv->current->nvms);
}

static void get_table_last_change(netsnmp_request_info *req, const struct ax_served *sv)
{
    ax_set_u32(req, ASN_TIMETICKS, sv->table_last_change);
}

static void get_mem_total(netsnmp_request_info *req, const struct ax_served *sv)
{
    ax_set_c64(req, sv->current->mem_total_kib);
}

static void get_mem_free(netsnmp_request_info *req, const struct ax_served *sv)
{
    ax_set_c64(req, sv->current->mem_free_kib);
}

static void get_cpus(netsnmp_request_info *req, const struct ax_served *sv)
{
    ax_set_int(req, sv->current->cpus);
}

static void get_uri(netsnmp_request_info *req, const struct ax_served *sv)
{
    ax_set_str(req, sv->current->uri ? sv->current->uri : "");
}

static void get_conn_state(netsnmp_request_info *req, const struct ax_served *sv)
{
    ax_set_int(req, sv->conn_state);
}

static void get_snapshot_age(netsnmp_request_info *req, const struct ax_served *sv)
{
    ax_set_u32(req, ASN_UNSIGNED, sv->last_good ? (uint32_t)(time(NULL) - sv->last_good) : 0);
}

static void get_next_index(netsnmp_request_info *req, const struct ax_served *sv)
{
    ax_set_int(req, sv->current->next_free_index);
}

#define SCALAR(name, get, needs, ...)                                                      \
    {name, {__VA_ARGS__}, sizeof((oid[]){__VA_ARGS__}) / sizeof(oid), needs, get}

static const struct ax_scalar scalars[] = {
    SCALAR("vmHvSoftware", get_hv_software, true, VM_MIB, 1, 1, 1),
    SCALAR("vmHvVersion", get_hv_version, true, VM_MIB, 1, 1, 2),
    SCALAR("vmHvObjectID", get_hv_object_id, true, VM_MIB, 1, 1, 3),
    SCALAR("vmHvUpTime", get_hv_uptime, true, VM_MIB, 1, 1, 4),
    SCALAR("vmNumber", get_vm_number, true, VM_MIB, 1, 2),
    SCALAR("vmTableLastChange", get_table_last_change, true, VM_MIB, 1, 3),
    SCALAR("virtmonHostMemTotal", get_mem_total, true, VIRTMON_MIB, 1, 1, 1),
    SCALAR("virtmonHostMemFree", get_mem_free, true, VIRTMON_MIB, 1, 1, 2),
    SCALAR("virtmonHostCpus", get_cpus, true, VIRTMON_MIB, 1, 1, 3),
    SCALAR("virtmonHostUri", get_uri, true, VIRTMON_MIB, 1, 1, 4),
    SCALAR("virtmonHostConnState", get_conn_state, false, VIRTMON_MIB, 1, 1, 5),
    SCALAR("virtmonHostSnapshotAge", get_snapshot_age, true, VIRTMON_MIB, 1, 1, 6),
    SCALAR("virtmonVmConfigNextIndex", get_next_index, true, VIRTMON_MIB, 1, 4),
};

/* What a scalar's handler gets: the scalar and what is served. */
struct scalar_reg {
    const struct ax_scalar *def;
    const struct ax_served *sv;
};

static int scalar_handler(netsnmp_mib_handler *h, netsnmp_handler_registration *reg,
                          netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
    const struct scalar_reg *r = h->myvoid;

    (void)reg;
    if (reqinfo->mode != MODE_GET)
        return SNMP_ERR_NOERROR;
    for (netsnmp_request_info *req = requests; req; req = req->next) {
        if (r->def->needs_snapshot && !r->sv->current)
            netsnmp_set_request_error(reqinfo, req, SNMP_NOSUCHOBJECT);
        else
            r->def->get(req, r->sv);
    }
    return SNMP_ERR_NOERROR;
}

/* The two notification switches: read-write TruthValue, not persisted. */
static int switch_handler(netsnmp_mib_handler *h, netsnmp_handler_registration *reg,
                          netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
    long *value = h->myvoid;
    static long saved;

    (void)reg;
    for (netsnmp_request_info *req = requests; req; req = req->next) {
        netsnmp_variable_list *vb = req->requestvb;
        switch (reqinfo->mode) {
        case MODE_GET: ax_set_int(req, *value); break;
        case MODE_SET_RESERVE1:
            if (vb->type != ASN_INTEGER)
                netsnmp_set_request_error(reqinfo, req, SNMP_ERR_WRONGTYPE);
            else if (*vb->val.integer != AX_TRUE && *vb->val.integer != AX_FALSE)
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

static void reg_switch(const char *name, const oid *o, size_t len, long *value)
{
    netsnmp_handler_registration *reg =
        netsnmp_create_handler_registration(name, switch_handler, o, len, HANDLER_CAN_RWRITE);
    reg->handler->myvoid = value;
    netsnmp_register_scalar(reg);
}

static void reg(struct ax_served *sv)
{
    static const oid per_vm[] = {VM_MIB, 1, 9}, bulk[] = {VM_MIB, 1, 10};

    for (size_t i = 0; i < sizeof(scalars) / sizeof(scalars[0]); i++) {
        netsnmp_handler_registration *r = netsnmp_create_handler_registration(
            scalars[i].name, scalar_handler, scalars[i].oid, scalars[i].oid_len,
            HANDLER_CAN_RONLY);
        struct scalar_reg *ctx;
        VM_NEW(ctx);
        ctx->def = &scalars[i];
        ctx->sv = sv;
        r->handler->myvoid = ctx;
        r->handler->data_free = free;
        netsnmp_register_read_only_scalar(r);
    }
    reg_switch("vmPerVMNotificationsEnabled", per_vm, sizeof(per_vm) / sizeof(oid),
               &sv->per_vm_enabled);
    reg_switch("vmBulkNotificationsEnabled", bulk, sizeof(bulk) / sizeof(oid), &sv->bulk_enabled);
}

const struct ax_table ax_scalars = {
    .name = "scalars",
    .kind = AX_ROWS_CUSTOM,
    .custom_reg = reg,
};
