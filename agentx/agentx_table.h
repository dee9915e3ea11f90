/*
 * agentx_table.h: what the table and scalar files share: the snapshot being
 * served, value setters, and tdata plumbing.  Each table lives in its own
 * file and is described by a struct ax_table.
 */
#ifndef AGENTX_TABLE_H
#define AGENTX_TABLE_H

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include <time.h>

#include "agentx_snapshot.h"

#define VM_MIB 1, 3, 6, 1, 2, 1, 236
#define VIRTMON_MIB 1, 3, 6, 1, 4, 1, 8072, 9999, 9999, 236

/* virtmonHostConnState's values (VIRTMON-MIB) and SNMPv2-TC's TruthValue. */
enum ax_conn_state { AX_CONNECTED = 1, AX_DISCONNECTED = 2 };
enum ax_truth { AX_TRUE = 1, AX_FALSE = 2 };

/* What requests see: one struct, owned by agentx_mib.c (which swaps
 * snapshots in), handed to every table and scalar at registration. */
struct ax_served {
    struct ax_snapshot *current;
    enum ax_conn_state conn_state;
    time_t last_good;                   /* when current was taken */
    uint32_t table_last_change;         /* vmTableLastChange */
    long per_vm_enabled, bulk_enabled;  /* the switches (enum ax_truth), read-write */
};

/* How a table's rows come from a snapshot. */
enum ax_row_kind {
    AX_ROWS_CUSTOM,         /* not a tdata table: custom_reg does everything */
    AX_ROWS_VM,             /* one per domain, data struct ax_vm */
    AX_ROWS_PERSISTENT_VM,  /* one per persistent domain */
    AX_ROWS_VCPU,           /* one per vCPU / disk / NIC of each domain, */
    AX_ROWS_DISK,           /* data struct ax_sub_row */
    AX_ROWS_NIC,
    AX_ROWS_SHARED,         /* the rows of another table with the same index */
};

struct ax_table_state {
    netsnmp_tdata *tdata;
    struct ax_sub_row *rows;
};

/* A table (or group of scalars), declared by its file. */
/* A read-only table's column getter: sets req's value from row (its row
 * data) and column col; false when the table has no such column. */
typedef bool (*ax_column_getter)(netsnmp_agent_request_info *reqinfo, netsnmp_request_info *req,
                                 const void *row, int col);

struct ax_table {
    const char *name;
    ax_column_getter get_column;    /* a GET of one column of one row */
    /* the SET phases (RESERVE1 to UNDO) of a writable table, all varbinds
     * at once: NULL for a read-only one */
    int (*set)(netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests);
    const oid *oid;
    size_t oid_len;
    int nindexes, min_col, max_col;
    enum ax_row_kind kind;
    void (*custom_reg)(struct ax_served *sv);   /* AX_ROWS_CUSTOM */
    struct ax_table_state *state;   /* AX_ROWS_SHARED: the owner's (registered first) */
};

extern const struct ax_table ax_scalars, ax_vm_table, ax_cpu_table, ax_affinity_table,
    ax_storage_table, ax_network_table, ax_virtmon_vm_table, ax_virtmon_if_table,
    ax_virtmon_config_table;

/* The states other tables share. */
extern struct ax_table_state ax_vm_table_state, ax_network_table_state;

/* Registers, fills (returning the row count) and clears a table. */
void ax_table_register(const struct ax_table *t, struct ax_served *sv);
size_t ax_table_fill(const struct ax_table *t, struct ax_snapshot *snap);
void ax_table_clear(const struct ax_table *t);

/* A row of a table with one row per vCPU, disk or NIC of each domain. */
struct ax_sub_row {
    struct ax_vm *vm;
    int index;          /* vCPU, disk or NIC number (1-based) */
    void *item;         /* struct ax_disk / ax_nic; NULL for vCPUs */
};

/* Value setters for a request's varbind. */
void ax_set_int(netsnmp_request_info *req, long v);
void ax_set_u32(netsnmp_request_info *req, u_char type, uint32_t v);
void ax_set_str(netsnmp_request_info *req, const char *s);
void ax_set_bytes(netsnmp_request_info *req, const void *p, size_t len);
void ax_set_c64(netsnmp_request_info *req, uint64_t v);
/* A counter the source lacks has no instance rather than a made-up 0. */
void ax_set_c64_known(netsnmp_agent_request_info *reqinfo, netsnmp_request_info *req, uint64_t v);

/* The row data and column of a GET on a tdata table, or NULL (the request
 * is then answered noSuchInstance or was already handled). */
void *ax_row_of(netsnmp_agent_request_info *reqinfo, netsnmp_request_info *req, int *col);

#endif /* AGENTX_TABLE_H */
