/*
 * agentx_table.c: value setters and tdata plumbing shared by the tables.
 */
#include "config.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include <stdlib.h>
#include <string.h>

#include "agentx_table.h"
#include "mibdefs/vmTable_enums.h"
#include "util/vm_alloc.h"

void ax_set_int(netsnmp_request_info *req, long v)
{
    snmp_set_var_typed_value(req->requestvb, ASN_INTEGER, &v, sizeof(v));
}

void ax_set_u32(netsnmp_request_info *req, u_char type, uint32_t v)
{
    u_long l = v;
    snmp_set_var_typed_value(req->requestvb, type, &l, sizeof(l));
}

void ax_set_str(netsnmp_request_info *req, const char *s)
{
    size_t len = strlen(s);
    snmp_set_var_typed_value(req->requestvb, ASN_OCTET_STR, s, len > 255 ? 255 : len);
}

void ax_set_bytes(netsnmp_request_info *req, const void *p, size_t len)
{
    snmp_set_var_typed_value(req->requestvb, ASN_OCTET_STR, p, len);
}

void ax_set_c64(netsnmp_request_info *req, uint64_t v)
{
    struct counter64 c = {(u_long)(v >> 32), (u_long)(v & 0xffffffffUL)};
    snmp_set_var_typed_value(req->requestvb, ASN_COUNTER64, &c, sizeof(c));
}

void ax_set_c64_known(netsnmp_agent_request_info *reqinfo, netsnmp_request_info *req, uint64_t v)
{
    if (v == VM_STAT_UNKNOWN)
        netsnmp_set_request_error(reqinfo, req, SNMP_NOSUCHINSTANCE);
    else
        ax_set_c64(req, v);
}

void *ax_row_of(netsnmp_agent_request_info *reqinfo, netsnmp_request_info *req, int *col)
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

/* The request loop of every table: each GET's row and column to the
 * table's getter (GETNEXT and GETBULK reach here as GETs, through
 * net-snmp's table helper), the SET phases to its setter. */
static int request_handler(netsnmp_mib_handler *h, netsnmp_handler_registration *reg,
                           netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
    const struct ax_table *t = h->myvoid;

    (void)reg;
    if (reqinfo->mode != MODE_GET)
        return t->set ? t->set(reqinfo, requests) : SNMP_ERR_NOERROR;
    for (netsnmp_request_info *req = requests; req; req = req->next) {
        int col = 0;
        const void *row = ax_row_of(reqinfo, req, &col);
        if (row && !t->get_column(reqinfo, req, row, col))
            netsnmp_set_request_error(reqinfo, req, SNMP_NOSUCHOBJECT);
    }
    return SNMP_ERR_NOERROR;
}

void ax_table_register(const struct ax_table *t, struct ax_served *sv)
{
    netsnmp_handler_registration *reg;
    netsnmp_table_registration_info *ti;

    if (t->kind == AX_ROWS_CUSTOM) {
        t->custom_reg(sv);
        return;
    }
    reg = netsnmp_create_handler_registration(t->name, request_handler, t->oid, t->oid_len,
                                              t->set ? HANDLER_CAN_RWRITE : HANDLER_CAN_RONLY);
    reg->handler->myvoid = (void *)t;
    /* Tables with the same index share one tdata: a row's index varbinds
     * cost about 1 KiB each in net-snmp, the bulk of the memory per domain. */
    if (t->kind != AX_ROWS_SHARED)
        t->state->tdata = netsnmp_tdata_create_table(t->name, 0);
    ti = SNMP_MALLOC_TYPEDEF(netsnmp_table_registration_info);
    for (int i = 0; i < t->nindexes; i++)
        netsnmp_table_helper_add_index(ti, ASN_INTEGER);
    ti->min_column = (unsigned int)t->min_col;
    ti->max_column = (unsigned int)t->max_col;
    netsnmp_tdata_register(reg, t->state->tdata, ti);
    /* the table handler then frees table_info at shutdown (so an owned table_info is not leaked) */
    netsnmp_handler_owns_table_info(netsnmp_find_handler_by_name(reg, TABLE_HANDLER_NAME));
}

void ax_table_clear(const struct ax_table *t)
{
    netsnmp_tdata_row *row;

    if (t->kind == AX_ROWS_CUSTOM || t->kind == AX_ROWS_SHARED || !t->state->tdata)
        return;     /* nothing registered yet */
    while ((row = netsnmp_tdata_row_first(t->state->tdata)))
        netsnmp_tdata_remove_and_delete_row(t->state->tdata, row);
    free(t->state->rows);
    t->state->rows = NULL;
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

static size_t count_of(const struct ax_vm *vm, enum ax_row_kind kind)
{
    return kind == AX_ROWS_VCPU ? (size_t)vm->vcpus : kind == AX_ROWS_DISK ? vm->ndisks : vm->nnics;
}

size_t ax_table_fill(const struct ax_table *t, struct ax_snapshot *snap)
{
    netsnmp_tdata *td;
    size_t n = 0, rows = 0;
    struct ax_sub_row *r;

    if (t->kind == AX_ROWS_CUSTOM || t->kind == AX_ROWS_SHARED)
        return 0;   /* computed at request time, or filled by the owner */
    td = t->state->tdata;
    switch (t->kind) {
    case AX_ROWS_VM:
    case AX_ROWS_PERSISTENT_VM:
        for (size_t i = 0; i < snap->nvms; i++) {
            if (t->kind == AX_ROWS_PERSISTENT_VM && snap->vms[i].persistent != VMPERSISTENT_PERSISTENT)
                continue;
            add_row(td, &snap->vms[i], snap->vms[i].index, 0, 1);
            rows++;
        }
        return rows;
    default:
        break;
    }
    for (size_t i = 0; i < snap->nvms; i++)
        n += count_of(&snap->vms[i], t->kind);
    t->state->rows = r = vm_calloc(n ? n : 1, sizeof(*r));
    for (size_t i = 0; i < snap->nvms; i++) {
        struct ax_vm *vm = &snap->vms[i];
        for (size_t k = 0; k < count_of(vm, t->kind); k++, rows++) {
            r[rows].vm = vm;
            r[rows].index = t->kind == AX_ROWS_VCPU   ? (int)k + 1
                            : t->kind == AX_ROWS_DISK ? vm->disks[k].index
                                                      : vm->nics[k].index;
            r[rows].item = t->kind == AX_ROWS_DISK  ? (void *)&vm->disks[k]
                           : t->kind == AX_ROWS_NIC ? (void *)&vm->nics[k]
                                                    : NULL;
            add_row(td, &r[rows], vm->index, r[rows].index, 2);
        }
    }
    return rows;
}
