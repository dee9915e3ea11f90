/*
 * agentx_notify.c: building and sending the notifications.
 */
#include "config.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include <stdlib.h>
#include <string.h>

#include "agentx_notify.h"
#include "agentx_table.h"
#include "mibdefs/vmTable_columns.h"

static const oid snmptrap_oid[] = {1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0};

static void add_oid(netsnmp_variable_list **vars, const oid *name, size_t len, const oid *value,
                    size_t vlen)
{
    snmp_varlist_add_variable(vars, name, len, ASN_OBJECT_ID, (const u_char *)value,
                              vlen * sizeof(oid));
}

/* vmEntry column col, instance index */
static void add_column(netsnmp_variable_list **vars, int col, int index, u_char type,
                       const void *value, size_t len)
{
    oid name[] = {VM_MIB, 1, 4, 1, (oid)col, (oid)index};
    snmp_varlist_add_variable(vars, name, sizeof(name) / sizeof(oid), type, value, len);
}

static void send_per_vm(const struct ax_change *c)
{
    oid trap[] = {VM_MIB, 0, (oid)c->notif};
    netsnmp_variable_list *vars = NULL;
    long prev = c->prev_oper;

    add_oid(&vars, snmptrap_oid, sizeof(snmptrap_oid) / sizeof(oid), trap,
            sizeof(trap) / sizeof(oid));
    add_column(&vars, COLUMN_VMNAME, c->index, ASN_OCTET_STR, c->vm->name, strlen(c->vm->name));
    add_column(&vars, COLUMN_VMUUID, c->index, ASN_OCTET_STR, c->vm->uuid, VM_UUID_BUFLEN);
    /* the state before the change: the notification itself says the new one */
    add_column(&vars, COLUMN_VMOPERSTATE, c->index, ASN_INTEGER, &prev, sizeof(prev));
    if (c->notif == AX_NOTIF_DELETED) {
        long persistent = c->vm->persistent;
        add_column(&vars, COLUMN_VMPERSISTENT, c->index, ASN_INTEGER, &persistent,
                   sizeof(persistent));
    }
    send_v2trap(vars);
    snmp_free_varbind(vars);
}

static void send_bulk(const struct ax_change *changes, size_t n, enum ax_notif notif)
{
    oid trap[] = {VM_MIB, 0, (oid)(notif + AX_NOTIF_BULK_OFFSET)};
    static const oid affected[] = {VM_MIB, 1, 11, 0};
    netsnmp_variable_list *vars = NULL;
    unsigned char *bits;
    size_t len = ax_affected_bitmap(changes, n, notif, &bits);

    if (!len)
        return;
    add_oid(&vars, snmptrap_oid, sizeof(snmptrap_oid) / sizeof(oid), trap,
            sizeof(trap) / sizeof(oid));
    snmp_varlist_add_variable(&vars, affected, sizeof(affected) / sizeof(oid), ASN_OCTET_STR,
                              bits, len);
    send_v2trap(vars);
    snmp_free_varbind(vars);
    free(bits);
}

void ax_notify_changes(const struct ax_served *sv, const struct ax_change *changes, size_t n)
{
    if (sv->per_vm_enabled == AX_TRUE) {
        for (size_t i = 0; i < n; i++)
            send_per_vm(&changes[i]);
    }
    if (sv->bulk_enabled == AX_TRUE) {
        for (int notif = AX_NOTIF_RUNNING; notif <= AX_NOTIF_DELETED; notif++)
            send_bulk(changes, n, (enum ax_notif)notif);
    }
}

void ax_notify_hypervisor(bool restored, const char *uri, enum ax_conn_state conn_state)
{
    oid trap[] = {VIRTMON_MIB, 0, restored ? 2 : 1};
    static const oid uri_oid[] = {VIRTMON_MIB, 1, 1, 4, 0};
    static const oid state_oid[] = {VIRTMON_MIB, 1, 1, 5, 0};
    netsnmp_variable_list *vars = NULL;
    long state = conn_state;

    add_oid(&vars, snmptrap_oid, sizeof(snmptrap_oid) / sizeof(oid), trap,
            sizeof(trap) / sizeof(oid));
    snmp_varlist_add_variable(&vars, uri_oid, sizeof(uri_oid) / sizeof(oid), ASN_OCTET_STR,
                              uri ? uri : "", uri ? strlen(uri) : 0);
    snmp_varlist_add_variable(&vars, state_oid, sizeof(state_oid) / sizeof(oid), ASN_INTEGER,
                              &state, sizeof(state));
    send_v2trap(vars);
    snmp_free_varbind(vars);
}
