/*
 * agentx_mib.c: VM-MIB and VIRTMON-MIB objects.  Tables are net-snmp tdata
 * tables whose rows point into the current snapshot: the handlers only read
 * structs and switch on the column.  vmCpuAffinityTable is computed instead
 * of stored (VMs x vCPUs x host CPUs rows would dominate memory).
 */
#include "config.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include <malloc.h>
#include <string.h>
#include <time.h>

#include "agentx_mib.h"
#include "mibdefs/virtmonVmConfigTable_columns.h"
#include "mibdefs/virtmonVmIfTable_columns.h"
#include "mibdefs/virtmonVmTable_columns.h"
#include "mibdefs/virtmonVmTable_enums.h"
#include "mibdefs/vmCpuAffinityTable_columns.h"
#include "mibdefs/vmCpuAffinityTable_enums.h"
#include "mibdefs/vmCpuTable_columns.h"
#include "mibdefs/vmNetworkTable_columns.h"
#include "mibdefs/vmStorageTable_columns.h"
#include "mibdefs/vmTable_columns.h"
#include "mibdefs/vmTable_enums.h"

#define VM_MIB 1, 3, 6, 1, 2, 1, 236
#define VIRTMON_MIB 1, 3, 6, 1, 4, 1, 8072, 9999, 9999, 236

/* net-snmp's hrDeviceIndex of host CPU n (HRDEV_PROC << 16) */
#define HR_PROC_INDEX_BASE 196608

static struct ax_snapshot *current;        /* what tables point into */
static int conn_state = 2;                 /* virtmonHostConnState: disconnected */
static time_t last_good;                   /* when current was taken */
static uint32_t table_last_change;         /* vmTableLastChange */
static long per_vm_enabled = 1, bulk_enabled = 1;  /* TruthValue: true(1) at start */

/* Row data of the tables that have one row per VM sub-object. */
struct cpu_row {
    struct ax_vm *vm;
    int index;
};
struct disk_row {
    struct ax_vm *vm;
    struct ax_disk *disk;
};
struct nic_row {
    struct ax_vm *vm;
    struct ax_nic *nic;
};
static struct cpu_row *cpu_rows;
static struct disk_row *disk_rows;
static struct nic_row *nic_rows;

static netsnmp_tdata *t_vm, *t_cpu, *t_storage, *t_network, *t_xvm, *t_xif, *t_config;

/* ------------------------------------------------------------- set values */

static void set_int(netsnmp_request_info *req, long v)
{
    snmp_set_var_typed_value(req->requestvb, ASN_INTEGER, &v, sizeof(v));
}

static void set_typed_u32(netsnmp_request_info *req, u_char type, uint32_t v)
{
    u_long l = v;
    snmp_set_var_typed_value(req->requestvb, type, &l, sizeof(l));
}

static void set_str(netsnmp_request_info *req, const char *s)
{
    size_t len = strlen(s);
    snmp_set_var_typed_value(req->requestvb, ASN_OCTET_STR, s, len > 255 ? 255 : len);
}

static void set_bytes(netsnmp_request_info *req, const void *p, size_t len)
{
    snmp_set_var_typed_value(req->requestvb, ASN_OCTET_STR, p, len);
}

static void set_c64(netsnmp_request_info *req, uint64_t v)
{
    struct counter64 c = {(u_long)(v >> 32), (u_long)(v & 0xffffffffUL)};
    snmp_set_var_typed_value(req->requestvb, ASN_COUNTER64, &c, sizeof(c));
}

/* Counters the source lacks have no instance rather than a made-up 0. */
static void set_c64_known(netsnmp_agent_request_info *reqinfo, netsnmp_request_info *req,
                          uint64_t v)
{
    if (v == VM_STAT_UNKNOWN)
        netsnmp_set_request_error(reqinfo, req, SNMP_NOSUCHINSTANCE);
    else
        set_c64(req, v);
}

/* --------------------------------------------------------------- handlers */

/* The row data and column of a GET on a tdata table, or NULL (the request
 * is then answered noSuchInstance or was already handled). */
static void *row_of(netsnmp_agent_request_info *reqinfo, netsnmp_request_info *req, int *col)
{
    void *data;

    if (req->processed)
        return NULL;
    if (!(data = netsnmp_tdata_extract_entry(req))) {
        netsnmp_set_request_error(reqinfo, req, SNMP_NOSUCHINSTANCE);
        return NULL;
    }
    *col = (int)netsnmp_extract_table_info(req)->colnum;
    return data;
}

static int vm_table_handler(netsnmp_mib_handler *h, netsnmp_handler_registration *reg,
                            netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
    if (reqinfo->mode != MODE_GET)
        return SNMP_ERR_NOERROR;
    for (netsnmp_request_info *req = requests; req; req = req->next) {
        int col = 0;
        const struct ax_vm *vm = row_of(reqinfo, req, &col);
        if (!vm)
            continue;
        switch (col) {
        case COLUMN_VMNAME: set_str(req, vm->name); break;
        case COLUMN_VMUUID: set_bytes(req, vm->uuid, VM_UUID_BUFLEN); break;
        case COLUMN_VMOSTYPE: set_str(req, vm->os_type); break;
        case COLUMN_VMADMINSTATE: set_int(req, vm->admin); break;
        case COLUMN_VMOPERSTATE: set_int(req, vm->oper); break;
        case COLUMN_VMAUTOSTART: set_int(req, vm->autostart); break;
        case COLUMN_VMPERSISTENT: set_int(req, vm->persistent); break;
        case COLUMN_VMCURCPUNUMBER:
        case COLUMN_VMMINCPUNUMBER:
        case COLUMN_VMMAXCPUNUMBER: set_int(req, vm->vcpus); break;
        case COLUMN_VMMEMUNIT: set_int(req, vm->mem_unit); break;
        case COLUMN_VMCURMEM: set_int(req, vm->cur_mem); break;
        case COLUMN_VMMINMEM: set_int(req, vm->min_mem); break;
        case COLUMN_VMMAXMEM: set_int(req, vm->max_mem); break;
        case COLUMN_VMUPTIME: set_typed_u32(req, ASN_TIMETICKS, vm->uptime_cs); break;
        case COLUMN_VMCPUTIME: set_c64(req, vm->cpu_us); break;
        default: netsnmp_set_request_error(reqinfo, req, SNMP_NOSUCHOBJECT);
        }
    }
    return SNMP_ERR_NOERROR;
}

static int cpu_table_handler(netsnmp_mib_handler *h, netsnmp_handler_registration *reg,
                             netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
    if (reqinfo->mode != MODE_GET)
        return SNMP_ERR_NOERROR;
    for (netsnmp_request_info *req = requests; req; req = req->next) {
        int col = 0;
        const struct cpu_row *r = row_of(reqinfo, req, &col);
        if (!r)
            continue;
        if (col == COLUMN_VMCPUCORETIME)
            set_c64(req, r->vm->vcpu_us[r->index - 1]);
        else
            netsnmp_set_request_error(reqinfo, req, SNMP_NOSUCHOBJECT);
    }
    return SNMP_ERR_NOERROR;
}

static int storage_table_handler(netsnmp_mib_handler *h, netsnmp_handler_registration *reg,
                                 netsnmp_agent_request_info *reqinfo,
                                 netsnmp_request_info *requests)
{
    if (reqinfo->mode != MODE_GET)
        return SNMP_ERR_NOERROR;
    for (netsnmp_request_info *req = requests; req; req = req->next) {
        int col = 0;
        const struct disk_row *r = row_of(reqinfo, req, &col);
        const struct ax_disk *d;
        if (!r)
            continue;
        d = r->disk;
        switch (col) {
        case COLUMN_VMSTORAGEPARENT: set_int(req, 0); break;
        case COLUMN_VMSTORAGESOURCETYPE: set_int(req, d->source_type); break;
        case COLUMN_VMSTORAGESOURCETYPESTRING: set_str(req, d->format); break;
        case COLUMN_VMSTORAGERESOURCEID: set_str(req, d->source); break;
        case COLUMN_VMSTORAGEACCESS: set_int(req, d->access); break;
        case COLUMN_VMSTORAGEMEDIATYPE: set_int(req, d->media); break;
        case COLUMN_VMSTORAGEMEDIATYPESTRING: set_str(req, d->bus); break;
        case COLUMN_VMSTORAGESIZEUNIT: set_int(req, 1048576); break;
        case COLUMN_VMSTORAGEDEFINEDSIZE: set_int(req, d->defined_mib); break;
        case COLUMN_VMSTORAGEALLOCATEDSIZE: set_int(req, d->allocated_mib); break;
        case COLUMN_VMSTORAGEREADIOS: set_c64(req, d->rd_reqs); break;
        case COLUMN_VMSTORAGEWRITEIOS: set_c64(req, d->wr_reqs); break;
        case COLUMN_VMSTORAGEREADOCTETS: set_c64(req, d->rd_bytes); break;
        case COLUMN_VMSTORAGEWRITEOCTETS: set_c64(req, d->wr_bytes); break;
        /* no source gives queueing times yet: 0, as "nothing measured" */
        case COLUMN_VMSTORAGEREADLATENCY:
        case COLUMN_VMSTORAGEWRITELATENCY: set_c64(req, 0); break;
        default: netsnmp_set_request_error(reqinfo, req, SNMP_NOSUCHOBJECT);
        }
    }
    return SNMP_ERR_NOERROR;
}

static int network_table_handler(netsnmp_mib_handler *h, netsnmp_handler_registration *reg,
                                 netsnmp_agent_request_info *reqinfo,
                                 netsnmp_request_info *requests)
{
    if (reqinfo->mode != MODE_GET)
        return SNMP_ERR_NOERROR;
    for (netsnmp_request_info *req = requests; req; req = req->next) {
        int col = 0;
        const struct nic_row *r = row_of(reqinfo, req, &col);
        if (!r)
            continue;
        switch (col) {
        case COLUMN_VMNETWORKIFINDEX: set_int(req, r->nic->ifindex); break;
        case COLUMN_VMNETWORKPARENT: set_int(req, 0); break;
        case COLUMN_VMNETWORKMODEL: set_str(req, r->nic->model); break;
        case COLUMN_VMNETWORKPHYSADDRESS:
            set_bytes(req, r->nic->mac, r->nic->has_mac ? 6 : 0);
            break;
        default: netsnmp_set_request_error(reqinfo, req, SNMP_NOSUCHOBJECT);
        }
    }
    return SNMP_ERR_NOERROR;
}

static int xvm_table_handler(netsnmp_mib_handler *h, netsnmp_handler_registration *reg,
                             netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
    if (reqinfo->mode != MODE_GET)
        return SNMP_ERR_NOERROR;
    for (netsnmp_request_info *req = requests; req; req = req->next) {
        int col = 0;
        const struct ax_vm *vm = row_of(reqinfo, req, &col);
        if (!vm)
            continue;
        switch (col) {
        case COLUMN_VIRTMONVMADMINSTATE: set_int(req, vm->admin); break;
        case COLUMN_VIRTMONVMACTION: set_int(req, VIRTMONVMACTION_NONE); break;
        case COLUMN_VIRTMONVMAUTOSTART:
            set_int(req, vm->autostart == VMAUTOSTART_ENABLED ? VIRTMONVMAUTOSTART_TRUE
                                                               : VIRTMONVMAUTOSTART_FALSE);
            break;
        case COLUMN_VIRTMONVMTYPE: set_str(req, vm->type); break;
        case COLUMN_VIRTMONVMID: set_int(req, vm->id); break;
        case COLUMN_VIRTMONVMMAXMEMKIB: set_c64(req, vm->max_kib); break;
        case COLUMN_VIRTMONVMCURMEMKIB: set_c64(req, vm->cur_kib); break;
        default: netsnmp_set_request_error(reqinfo, req, SNMP_NOSUCHOBJECT);
        }
    }
    return SNMP_ERR_NOERROR;
}

static int xif_table_handler(netsnmp_mib_handler *h, netsnmp_handler_registration *reg,
                             netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
    if (reqinfo->mode != MODE_GET)
        return SNMP_ERR_NOERROR;
    for (netsnmp_request_info *req = requests; req; req = req->next) {
        int col = 0;
        const struct nic_row *r = row_of(reqinfo, req, &col);
        const struct ax_nic *n;
        if (!r)
            continue;
        n = r->nic;
        switch (col) {
        case COLUMN_VIRTMONVMIFRXOCTETS: set_c64_known(reqinfo, req, n->rx_bytes); break;
        case COLUMN_VIRTMONVMIFRXPKTS: set_c64_known(reqinfo, req, n->rx_pkts); break;
        case COLUMN_VIRTMONVMIFRXERRS: set_c64_known(reqinfo, req, n->rx_errs); break;
        case COLUMN_VIRTMONVMIFRXDROPS: set_c64_known(reqinfo, req, n->rx_drop); break;
        case COLUMN_VIRTMONVMIFTXOCTETS: set_c64_known(reqinfo, req, n->tx_bytes); break;
        case COLUMN_VIRTMONVMIFTXPKTS: set_c64_known(reqinfo, req, n->tx_pkts); break;
        case COLUMN_VIRTMONVMIFTXERRS: set_c64_known(reqinfo, req, n->tx_errs); break;
        case COLUMN_VIRTMONVMIFTXDROPS: set_c64_known(reqinfo, req, n->tx_drop); break;
        default: netsnmp_set_request_error(reqinfo, req, SNMP_NOSUCHOBJECT);
        }
    }
    return SNMP_ERR_NOERROR;
}

static int config_table_handler(netsnmp_mib_handler *h, netsnmp_handler_registration *reg,
                                netsnmp_agent_request_info *reqinfo,
                                netsnmp_request_info *requests)
{
    if (reqinfo->mode != MODE_GET)
        return SNMP_ERR_NOERROR;
    for (netsnmp_request_info *req = requests; req; req = req->next) {
        int col = 0;
        const struct ax_vm *vm = row_of(reqinfo, req, &col);
        if (!vm)
            continue;
        switch (col) {
        case COLUMN_VIRTMONVMCONFIGNAME: set_str(req, vm->name); break;
        case COLUMN_VIRTMONVMCONFIGMEMKIB:
            set_typed_u32(req, ASN_UNSIGNED,
                          vm->max_kib > 0xffffffffULL ? 0xffffffffU : (uint32_t)vm->max_kib);
            break;
        case COLUMN_VIRTMONVMCONFIGVCPUS: set_int(req, vm->vcpus); break;
        /* the definition's XML is not in the snapshot (it would cost one
         * hypervisor call per domain and refresh): empty on read */
        case COLUMN_VIRTMONVMCONFIGXML: set_str(req, ""); break;
        case COLUMN_VIRTMONVMCONFIGROWSTATUS: set_int(req, RS_ACTIVE); break;
        default: netsnmp_set_request_error(reqinfo, req, SNMP_NOSUCHOBJECT);
        }
    }
    return SNMP_ERR_NOERROR;
}

/* ---------------------------------------------------- vmCpuAffinityTable */

/* Running VMs x vCPUs x host CPUs, in index order, computed from the
 * snapshot.  Instance: column.vmIndex.vmCpuIndex.vmCpuPhysIndex. */
static const oid affinity_oid[] = {VM_MIB, 1, 6, 1};

/* The first row >= (vi, ci, pi) (with after: >), or false when none. */
static bool affinity_find(long *vi, long *ci, long *pi, bool after)
{
    const struct ax_snapshot *s = current;
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
                    affinity_find(&v, &c, &p, false) && v == vi && c == ci && p == pi;
            if (found)
                set_int(req, VMCPUAFFINITY_ENABLE);  /* no pinning: every host CPU */
            else
                netsnmp_set_request_error(reqinfo, req, SNMP_NOSUCHINSTANCE);
            continue;
        }
        if (reqinfo->mode != MODE_GETNEXT)
            continue;
        if (col < COLUMN_VMCPUAFFINITY) {
            col = COLUMN_VMCPUAFFINITY;
            vi = ci = pi = 0;
            found = affinity_find(&vi, &ci, &pi, false);
        } else if (col == COLUMN_VMCPUAFFINITY) {
            found = affinity_find(&vi, &ci, &pi, vb->name_length >= base + 4);
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
            set_int(req, VMCPUAFFINITY_ENABLE);
        }
        /* not found: leave the varbind for the next subtree */
    }
    return SNMP_ERR_NOERROR;
}

/* ---------------------------------------------------------------- scalars */

static int scalar_handler(netsnmp_mib_handler *h, netsnmp_handler_registration *reg,
                          netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
    const struct ax_snapshot *s = current;
    long which = (long)(intptr_t)h->myvoid;
    static const oid zero_dot_zero[] = {0, 0};

    if (reqinfo->mode != MODE_GET)
        return SNMP_ERR_NOERROR;
    for (netsnmp_request_info *req = requests; req; req = req->next) {
        switch (which) {
        case 1: set_str(req, s && s->hv_software ? s->hv_software : ""); break;
        case 2: set_str(req, s && s->hv_version ? s->hv_version : ""); break;
        case 3:
            /* no registered OID names Xen or QEMU/KVM: zeroDotZero */
            snmp_set_var_typed_value(req->requestvb, ASN_OBJECT_ID, zero_dot_zero,
                                     sizeof(zero_dot_zero));
            break;
        case 4:
            set_typed_u32(req, ASN_TIMETICKS,
                          s ? s->hv_uptime_cs + (uint32_t)((time(NULL) - s->taken) * 100) : 0);
            break;
        case 5: set_int(req, s ? (long)s->nvms : 0); break;
        case 6: set_typed_u32(req, ASN_TIMETICKS, table_last_change); break;
        case 101: set_c64(req, s ? s->mem_total_kib : 0); break;
        case 102: set_c64(req, s ? s->mem_free_kib : 0); break;
        case 103: set_int(req, s ? s->cpus : 0); break;
        case 104: set_str(req, s && s->uri ? s->uri : ""); break;
        case 105: set_int(req, conn_state); break;
        case 106:
            set_typed_u32(req, ASN_UNSIGNED,
                          last_good ? (uint32_t)(time(NULL) - last_good) : 0);
            break;
        case 107: set_int(req, s ? s->next_free_index : 0); break;
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
        case MODE_GET: set_int(req, *value); break;
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

/* A read-only tdata table with integer indexes. */
static netsnmp_tdata *reg_table(const char *name, Netsnmp_Node_Handler *handler, const oid *o,
                                size_t len, int nindexes, int min_col, int max_col)
{
    netsnmp_handler_registration *reg =
        netsnmp_create_handler_registration(name, handler, o, len, HANDLER_CAN_RONLY);
    netsnmp_tdata *table = netsnmp_tdata_create_table(name, 0);
    netsnmp_table_registration_info *ti = SNMP_MALLOC_TYPEDEF(netsnmp_table_registration_info);

    for (int i = 0; i < nindexes; i++)
        netsnmp_table_helper_add_index(ti, ASN_INTEGER);
    ti->min_column = (unsigned int)min_col;
    ti->max_column = (unsigned int)max_col;
    netsnmp_tdata_register(reg, table, ti);
    /* the table handler then frees table_info at shutdown (build-notes 4) */
    netsnmp_handler_owns_table_info(netsnmp_find_handler_by_name(reg, TABLE_HANDLER_NAME));
    return table;
}

void ax_mib_register(void)
{
    static const oid hv_software[] = {VM_MIB, 1, 1, 1}, hv_version[] = {VM_MIB, 1, 1, 2},
                     hv_oid[] = {VM_MIB, 1, 1, 3}, hv_uptime[] = {VM_MIB, 1, 1, 4},
                     vm_number[] = {VM_MIB, 1, 2}, last_change[] = {VM_MIB, 1, 3},
                     per_vm[] = {VM_MIB, 1, 9}, bulk[] = {VM_MIB, 1, 10};
    static const oid vm_table[] = {VM_MIB, 1, 4}, cpu_table[] = {VM_MIB, 1, 5},
                     affinity[] = {VM_MIB, 1, 6}, storage[] = {VM_MIB, 1, 7},
                     network[] = {VM_MIB, 1, 8};
    static const oid mem_total[] = {VIRTMON_MIB, 1, 1, 1}, mem_free[] = {VIRTMON_MIB, 1, 1, 2},
                     cpus[] = {VIRTMON_MIB, 1, 1, 3}, uri[] = {VIRTMON_MIB, 1, 1, 4},
                     conn[] = {VIRTMON_MIB, 1, 1, 5}, age[] = {VIRTMON_MIB, 1, 1, 6},
                     next_index[] = {VIRTMON_MIB, 1, 4};
    static const oid xvm[] = {VIRTMON_MIB, 1, 2}, xif[] = {VIRTMON_MIB, 1, 3},
                     config[] = {VIRTMON_MIB, 1, 5};
    netsnmp_handler_registration *reg;

#define L(a) (sizeof(a) / sizeof(oid))
    reg_scalar("vmHvSoftware", hv_software, L(hv_software), 1);
    reg_scalar("vmHvVersion", hv_version, L(hv_version), 2);
    reg_scalar("vmHvObjectID", hv_oid, L(hv_oid), 3);
    reg_scalar("vmHvUpTime", hv_uptime, L(hv_uptime), 4);
    reg_scalar("vmNumber", vm_number, L(vm_number), 5);
    reg_scalar("vmTableLastChange", last_change, L(last_change), 6);
    reg_switch("vmPerVMNotificationsEnabled", per_vm, L(per_vm), &per_vm_enabled);
    reg_switch("vmBulkNotificationsEnabled", bulk, L(bulk), &bulk_enabled);
    reg_scalar("virtmonHostMemTotal", mem_total, L(mem_total), 101);
    reg_scalar("virtmonHostMemFree", mem_free, L(mem_free), 102);
    reg_scalar("virtmonHostCpus", cpus, L(cpus), 103);
    reg_scalar("virtmonHostUri", uri, L(uri), 104);
    reg_scalar("virtmonHostConnState", conn, L(conn), 105);
    reg_scalar("virtmonHostSnapshotAge", age, L(age), 106);
    reg_scalar("virtmonVmConfigNextIndex", next_index, L(next_index), 107);

    t_vm = reg_table("vmTable", vm_table_handler, vm_table, L(vm_table), 1, 2, 17);
    t_cpu = reg_table("vmCpuTable", cpu_table_handler, cpu_table, L(cpu_table), 2, 2, 2);
    t_storage = reg_table("vmStorageTable", storage_table_handler, storage, L(storage), 2, 3, 18);
    t_network = reg_table("vmNetworkTable", network_table_handler, network, L(network), 2, 2, 5);
    t_xvm = reg_table("virtmonVmTable", xvm_table_handler, xvm, L(xvm), 1, 1, 7);
    t_xif = reg_table("virtmonVmIfTable", xif_table_handler, xif, L(xif), 2, 1, 8);
    t_config = reg_table("virtmonVmConfigTable", config_table_handler, config, L(config), 1, 2, 6);
    reg = netsnmp_create_handler_registration("vmCpuAffinityTable", affinity_handler, affinity,
                                              L(affinity), HANDLER_CAN_RONLY);
    netsnmp_register_handler(reg);
#undef L
}

static void clear_table(netsnmp_tdata *t)
{
    netsnmp_tdata_row *row;

    while ((row = netsnmp_tdata_row_first(t)))
        netsnmp_tdata_remove_and_delete_row(t, row);
}

static void add_row(netsnmp_tdata *t, void *data, long a, long b, int nindexes)
{
    netsnmp_tdata_row *row = netsnmp_tdata_create_row();

    row->data = data;
    netsnmp_tdata_row_add_index(row, ASN_INTEGER, &a, sizeof(a));
    if (nindexes > 1)
        netsnmp_tdata_row_add_index(row, ASN_INTEGER, &b, sizeof(b));
    netsnmp_tdata_add_row(t, row);
}

/* true when the two snapshots have different sets of vmIndex (rows were
 * created or deleted). */
static bool rows_changed(const struct ax_snapshot *a, const struct ax_snapshot *b)
{
    if (!a || a->nvms != b->nvms)
        return true;
    for (size_t i = 0; i < a->nvms; i++) {
        if (a->vms[i].index != b->vms[i].index)
            return true;
    }
    return false;
}

void ax_mib_install(struct ax_snapshot *snap)
{
    size_t ncpu = 0, ndisk = 0, nnic = 0, c = 0, d = 0, n = 0, rows;
    struct timespec t0, t1;

    if (!snap->connected) {
        /* keep serving the last good snapshot, with its age */
        if (conn_state == 1)
            snmp_log(LOG_WARNING, "hypervisor '%s' unreachable: %s; serving the last "
                                  "snapshot\n",
                     snap->uri ? snap->uri : "?", snap->error ? snap->error : "unknown error");
        conn_state = 2;
        ax_snapshot_free(snap);
        return;
    }
    if (conn_state == 2 && current)
        snmp_log(LOG_NOTICE, "hypervisor '%s' reachable again\n", snap->uri);
    conn_state = 1;
    last_good = snap->taken;
    if (rows_changed(current, snap))
        table_last_change = snap->hv_uptime_cs;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    clear_table(t_vm);
    clear_table(t_cpu);
    clear_table(t_storage);
    clear_table(t_network);
    clear_table(t_xvm);
    clear_table(t_xif);
    clear_table(t_config);
    free(cpu_rows);
    free(disk_rows);
    free(nic_rows);
    ax_snapshot_free(current);
    current = snap;

    for (size_t i = 0; i < snap->nvms; i++) {
        ncpu += (size_t)snap->vms[i].vcpus;
        ndisk += snap->vms[i].ndisks;
        nnic += snap->vms[i].nnics;
    }
    cpu_rows = calloc(ncpu ? ncpu : 1, sizeof(*cpu_rows));
    disk_rows = calloc(ndisk ? ndisk : 1, sizeof(*disk_rows));
    nic_rows = calloc(nnic ? nnic : 1, sizeof(*nic_rows));
    for (size_t i = 0; i < snap->nvms; i++) {
        struct ax_vm *vm = &snap->vms[i];
        add_row(t_vm, vm, vm->index, 0, 1);
        add_row(t_xvm, vm, vm->index, 0, 1);
        if (vm->persistent == VMPERSISTENT_PERSISTENT)
            add_row(t_config, vm, vm->index, 0, 1);
        for (int k = 0; k < vm->vcpus; k++, c++) {
            cpu_rows[c] = (struct cpu_row){vm, k + 1};
            add_row(t_cpu, &cpu_rows[c], vm->index, k + 1, 2);
        }
        for (size_t k = 0; k < vm->ndisks; k++, d++) {
            disk_rows[d] = (struct disk_row){vm, &vm->disks[k]};
            add_row(t_storage, &disk_rows[d], vm->index, vm->disks[k].index, 2);
        }
        for (size_t k = 0; k < vm->nnics; k++, n++) {
            nic_rows[n] = (struct nic_row){vm, &vm->nics[k]};
            add_row(t_network, &nic_rows[n], vm->index, vm->nics[k].index, 2);
            add_row(t_xif, &nic_rows[n], vm->index, vm->nics[k].index, 2);
        }
    }
    /* The old snapshot, the old rows and the refresher's bulk-stats records
     * were freed; give the pages back instead of keeping a high-water mark
     * (glibc keeps freed heap otherwise, and RSS per domain is a goal). */
    malloc_trim(0);
    /* what bench/agentx.sh reads (-Dvirtmon:install) */
    clock_gettime(CLOCK_MONOTONIC, &t1);
    rows = t_vm ? 3 * snap->nvms + ncpu + ndisk + 2 * nnic : 0;
    DEBUGMSGTL(("virtmon:install", "%zu rows in %.0f ns\n", rows,
                (t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)));
}

void ax_mib_shutdown(void)
{
    netsnmp_tdata *tables[] = {t_vm, t_cpu, t_storage, t_network, t_xvm, t_xif, t_config};

    for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
        if (tables[i])
            clear_table(tables[i]);
    }
    free(cpu_rows);
    free(disk_rows);
    free(nic_rows);
    cpu_rows = NULL;
    disk_rows = NULL;
    nic_rows = NULL;
    ax_snapshot_free(current);
    current = NULL;
}
