/*
 * agentx_virtmon_config_table.c: virtmonVmConfigTable (VIRTMON-MIB): an active row per defined
 * domain; RowStatus SETs define (createAndWait + active, createAndGo) and undefine (destroy).
 */
#include "config.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agentx_audit.h"
#include "agentx_control.h"
#include "agentx_mib.h"
#include "agentx_table.h"
#include "util/vm_alloc.h"
#include "mibdefs/virtmonVmConfigTable_columns.h"
#include "mibdefs/vmTable_enums.h"

/* Rows made with createAndWait, not yet active: they hold their index
 * until made active or destroyed, or for PENDING_TTL seconds (RFC 2579). */
#define PENDING_TTL 300

struct pending_row {
    struct ax_new_vm nv;
    time_t since;
};

static struct pending_row *pending;
static size_t npending, pending_alloc;

static void new_vm_clear(struct ax_new_vm *nv)
{
    free(nv->name);
    free(nv->xml);
    memset(nv, 0, sizeof(*nv));
}

static void pending_drop(size_t i)
{
    new_vm_clear(&pending[i].nv);
    pending[i] = pending[--npending];
}

static struct pending_row *pending_find(int index)
{
    time_t now = time(NULL);

    for (size_t i = 0; i < npending; i++) {
        if (now - pending[i].since > PENDING_TTL)
            pending_drop(i--);
    }
    for (size_t i = 0; i < npending; i++) {
        if (pending[i].nv.index == index)
            return &pending[i];
    }
    return NULL;
}

/* RESERVE1: the type and range of one varbind alone. */
static int check_value(int col, const netsnmp_variable_list *vb)
{
    switch (col) {
    case COLUMN_VIRTMONVMCONFIGNAME:
        if (vb->type != ASN_OCTET_STR)
            return SNMP_ERR_WRONGTYPE;
        return vb->val_len >= 1 && vb->val_len <= 255 && !memchr(vb->val.string, 0, vb->val_len)
                   ? SNMP_ERR_NOERROR
                   : SNMP_ERR_WRONGLENGTH;
    case COLUMN_VIRTMONVMCONFIGMEMKIB:
        if (vb->type != ASN_UNSIGNED)
            return SNMP_ERR_WRONGTYPE;
        return *vb->val.integer ? SNMP_ERR_NOERROR : SNMP_ERR_WRONGVALUE;
    case COLUMN_VIRTMONVMCONFIGVCPUS:
        if (vb->type != ASN_INTEGER)
            return SNMP_ERR_WRONGTYPE;
        return *vb->val.integer >= 1 ? SNMP_ERR_NOERROR : SNMP_ERR_WRONGVALUE;
    case COLUMN_VIRTMONVMCONFIGXML:
        if (vb->type != ASN_OCTET_STR)
            return SNMP_ERR_WRONGTYPE;
        return vb->val_len <= 65535 && !memchr(vb->val.string, 0, vb->val_len)
                   ? SNMP_ERR_NOERROR
                   : SNMP_ERR_WRONGLENGTH;
    case COLUMN_VIRTMONVMCONFIGROWSTATUS:
        if (vb->type != ASN_INTEGER)
            return SNMP_ERR_WRONGTYPE;
        return *vb->val.integer >= RS_ACTIVE && *vb->val.integer <= RS_DESTROY &&
                       *vb->val.integer != RS_NOTREADY
                   ? SNMP_ERR_NOERROR
                   : SNMP_ERR_WRONGVALUE;
    default: return SNMP_ERR_NOTWRITABLE;
    }
}

static int req_index(netsnmp_request_info *req)
{
    netsnmp_table_request_info *ti = netsnmp_extract_table_info(req);

    return ti && ti->indexes && ti->indexes->type == ASN_INTEGER ? (int)*ti->indexes->val.integer
                                                                 : -1;
}

static const char *rs_name(long rs)
{
    static const char *const names[] = {"", "active", "notInService", "notReady",
                                        "createAndGo", "createAndWait", "destroy"};

    return rs >= 1 && rs <= 6 ? names[rs] : "values";
}

/* The audit line of a RowStatus SET refused before it did anything. */
static void audit_refusal(netsnmp_agent_request_info *reqinfo, const struct ax_vm *vm,
                          const struct ax_new_vm *nv, long rs, int err)
{
    const char *name = vm ? vm->name : nv->name;
    VM_AUTOFREE char *what = NULL;

    if (name)
        what = vm_asprintf("virtmonVmConfigRowStatus %s of domain '%s' as vmIndex %d%s",
                           rs_name(rs), name, nv->index,
                           rs == RS_DESTROY && !vm ? " (no such row)" : "");
    else
        what = vm_asprintf("virtmonVmConfigRowStatus %s of vmIndex %d%s", rs_name(rs),
                           nv->index, rs == RS_DESTROY ? " (no such row: its domain is gone)" : "");
    ax_audit_refused(reqinfo, what, err);
}

/* One row's varbinds of a SET, taken as a whole: checked (perform false,
 * RESERVE2) or done (perform true, ACTION).  The error goes on *bad. */
static int set_row(netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests,
                   int index, bool perform, netsnmp_request_info **bad)
{
    struct pending_row *p = pending_find(index);
    struct ax_vm *vm = NULL;
    struct ax_new_vm nv = {.index = index};
    long rs = 0;
    int err = SNMP_ERR_NOERROR;
    bool logged = false;    /* define and undefine log their own outcome */

    if (p) {
        nv = p->nv;
        nv.name = nv.name ? vm_strdup(nv.name) : NULL;
        nv.xml = nv.xml ? vm_strdup(nv.xml) : NULL;
    }
    for (netsnmp_request_info *req = requests; req; req = req->next) {
        netsnmp_variable_list *vb = req->requestvb;
        if (req_index(req) != index)
            continue;
        if (!*bad)
            *bad = req;
        if (!vm)
            vm = netsnmp_tdata_extract_entry(req);
        switch (netsnmp_extract_table_info(req)->colnum) {
        case COLUMN_VIRTMONVMCONFIGNAME:
            free(nv.name);
            nv.name = vm_strndup((const char *)vb->val.string, vb->val_len);
            break;
        case COLUMN_VIRTMONVMCONFIGMEMKIB: nv.mem_kib = (uint32_t)*vb->val.integer; break;
        case COLUMN_VIRTMONVMCONFIGVCPUS: nv.vcpus = (int32_t)*vb->val.integer; break;
        case COLUMN_VIRTMONVMCONFIGXML:
            free(nv.xml);
            nv.xml = vb->val_len ? vm_strndup((const char *)vb->val.string, vb->val_len) : NULL;
            break;
        case COLUMN_VIRTMONVMCONFIGROWSTATUS:
            rs = *vb->val.integer;
            *bad = req;
            break;
        }
    }

    if (vm) {
        /* an active row: only destroy (undefine) or active (no change) */
        if (rs == RS_DESTROY) {
            if (ax_control_undefine_check(vm, &err) == 0 && perform) {
                VM_AUTOFREE char *who = ax_requester(reqinfo);
                err = ax_control_apply(vm, AX_OP_UNDEFINE, who);
                logged = true;
            }
        } else if (rs != RS_ACTIVE) {
            /* a new row at an index in use; or a change of a definition */
            err = rs == RS_CREATEANDGO || rs == RS_CREATEANDWAIT ? SNMP_ERR_INCONSISTENTNAME
                                                                 : SNMP_ERR_NOTWRITABLE;
        }
    } else if (rs == RS_DESTROY) {
        /* a row being created goes; a domain that vanished meanwhile has
         * no row to destroy: say so rather than succeed */
        if (!p)
            err = SNMP_ERR_INCONSISTENTVALUE;
        else if (perform)
            pending_drop((size_t)(p - pending));
    } else if (rs == RS_CREATEANDGO || rs == RS_CREATEANDWAIT) {
        if (p)
            err = SNMP_ERR_INCONSISTENTVALUE;   /* already being created */
        else if (index <= 0)
            err = SNMP_ERR_NOCREATION;
        else if ((err = ax_control_index_check(index)) == SNMP_ERR_NOERROR &&
                 rs == RS_CREATEANDGO && (err = ax_control_define_check(&nv, true)) == 0 &&
                 perform) {
            VM_AUTOFREE char *who = ax_requester(reqinfo);
            err = ax_control_define(&nv, true, who);
            logged = true;
        } else if (err == SNMP_ERR_NOERROR && rs == RS_CREATEANDWAIT) {
            /* define is needed in the end: refuse now rather than at active */
            if (!ax_control_define_allowed())
                err = SNMP_ERR_NOTWRITABLE;
            else if (perform) {
                VM_GROW(pending, npending, pending_alloc);
                pending[npending - 1].nv = nv;
                pending[npending - 1].since = time(NULL);
                memset(&nv, 0, sizeof(nv));
            }
        }
    } else if (!p) {
        err = rs ? SNMP_ERR_INCONSISTENTVALUE : SNMP_ERR_NOCREATION;   /* no such row */
    } else if (rs == RS_ACTIVE) {
        if ((err = ax_control_define_check(&nv, false)) == 0 && perform) {
            VM_AUTOFREE char *who = ax_requester(reqinfo);
            logged = true;
            if ((err = ax_control_define(&nv, false, who)) == SNMP_ERR_NOERROR)
                pending_drop((size_t)(p - pending));
        }
    } else if (perform) {
        /* values (or notInService) for a row still being created */
        new_vm_clear(&p->nv);
        p->nv = nv;
        memset(&nv, 0, sizeof(nv));
    }
    if (err != SNMP_ERR_NOERROR && !logged)
        audit_refusal(reqinfo, vm, &nv, rs, err);
    new_vm_clear(&nv);
    return err;
}

static int config_set(netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
    bool perform = reqinfo->mode == MODE_SET_ACTION;

    if (reqinfo->mode == MODE_SET_RESERVE1) {
        ax_mib_set_busy(true);
        for (netsnmp_request_info *req = requests; req; req = req->next) {
            int err = check_value((int)netsnmp_extract_table_info(req)->colnum, req->requestvb);
            if (err != SNMP_ERR_NOERROR)
                netsnmp_set_request_error(reqinfo, req, err);
        }
        return SNMP_ERR_NOERROR;
    }
    if (reqinfo->mode != MODE_SET_RESERVE2 && !perform) {
        /* FREE, COMMIT, UNDO: ACTION did all or failed before changing */
        ax_mib_set_busy(false);
        return SNMP_ERR_NOERROR;
    }
    /* each row once: at its first varbind */
    for (netsnmp_request_info *req = requests; req; req = req->next) {
        int index = req_index(req), err;
        bool seen = false;
        netsnmp_request_info *bad = NULL;
        for (netsnmp_request_info *q = requests; q != req && !seen; q = q->next)
            seen = req_index(q) == index;
        if (seen)
            continue;
        if ((err = set_row(reqinfo, requests, index, perform, &bad)) != SNMP_ERR_NOERROR)
            netsnmp_set_request_error(reqinfo, bad, err);
    }
    return SNMP_ERR_NOERROR;
}

static bool config_column(netsnmp_agent_request_info *reqinfo, netsnmp_request_info *req,
                          const void *row, int col)
{
    const struct ax_vm *vm = row;

    (void)reqinfo;
    switch (col) {
    case COLUMN_VIRTMONVMCONFIGNAME: ax_set_str(req, vm->name); break;
    case COLUMN_VIRTMONVMCONFIGMEMKIB:
        ax_set_u32(req, ASN_UNSIGNED,
                   vm->max_kib > 0xffffffffULL ? 0xffffffffU : (uint32_t)vm->max_kib);
        break;
    case COLUMN_VIRTMONVMCONFIGVCPUS: ax_set_int(req, vm->vcpus); break;
    /* the definition as dumpxml shows it, from the snapshot; one past the
     * column's SIZE (0..65535) reads empty rather than cut */
    case COLUMN_VIRTMONVMCONFIGXML:
        if (vm->xml && strlen(vm->xml) <= 65535)
            ax_set_bytes(req, vm->xml, strlen(vm->xml));
        else
            ax_set_str(req, "");
        break;
    case COLUMN_VIRTMONVMCONFIGROWSTATUS: ax_set_int(req, RS_ACTIVE); break;
    default: return false;
    }
    return true;
}

static const oid table_oid[] = {VIRTMON_MIB, 1, 5};
static struct ax_table_state state;

const struct ax_table ax_virtmon_config_table = {
    .name = "virtmonVmConfigTable",
    .get_column = config_column,
    .set = config_set,
    .oid = table_oid,
    .oid_len = sizeof(table_oid) / sizeof(oid),
    .nindexes = 1,
    .min_col = 2,
    .max_col = 6,
    .kind = AX_ROWS_PERSISTENT_VM,
    .state = &state,
};
