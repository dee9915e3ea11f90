/*
 * agentx_control.h: control through VIRTMON-MIB SETs.  Control is opt-in,
 * operation by operation (--allow-control / allowControl), checked before
 * anything is done, and every SET that changes a domain is logged.
 */
#ifndef AGENTX_CONTROL_H
#define AGENTX_CONTROL_H

#include <stdbool.h>
#include <stdint.h>

#include "agentx_snapshot.h"

enum ax_op {
    AX_OP_START = 1 << 0,
    AX_OP_SHUTDOWN = 1 << 1,
    AX_OP_SUSPEND = 1 << 2,
    AX_OP_RESUME = 1 << 3,
    AX_OP_SAVE = 1 << 4,
    AX_OP_DESTROY = 1 << 5,
    AX_OP_REBOOT = 1 << 6,
    AX_OP_RESET = 1 << 7,
    AX_OP_AUTOSTART = 1 << 8,
    AX_OP_DEFINE = 1 << 9,
    AX_OP_UNDEFINE = 1 << 10,
    AX_OP_AUTOSTART_OFF = 1 << 11,   /* autostart false: the same permission */
    AX_OP_NONE = 1 << 12,            /* a SET that changes nothing */
};

/* Parses "start,shutdown", "all" or "" into ops; -1 naming the unknown op. */
int ax_control_parse(const char *list, unsigned int *ops);

/* Sets the allowed operations and the connection to perform them on. */
void ax_control_init(unsigned int allowed, struct ax_refresher *refresher);

/* The operation a SET of column col (virtmonVmTable) to value asks of vm,
 * or an SNMP error (wrongValue, inconsistentValue, notWritable) in *err. */
int ax_control_check(const struct ax_vm *vm, int col, long value, enum ax_op *op, int *err);

/* Performs op on vm; 0, or an SNMP error (resourceUnavailable when the
 * driver cannot do it, commitFailed otherwise); logs requester, operation,
 * domain and result either way.  On success vm's states are refreshed. */
int ax_control_apply(struct ax_vm *vm, enum ax_op op, const char *requester);

/* Whether vm's row of virtmonVmConfigTable may be destroyed (undefine a
 * shut-off domain): 0, or -1 with inconsistentValue / notWritable in *err. */
int ax_control_undefine_check(const struct ax_vm *vm, int *err);

/* A row of virtmonVmConfigTable being created. */
struct ax_new_vm {
    int index;
    char *name;
    uint32_t mem_kib;           /* 0: not set */
    int32_t vcpus;              /* 0: not set */
    char *xml;                  /* NULL: a minimal definition from the above */
};

/* Whether defining domains is allowed at all. */
bool ax_control_define_allowed(void);

/* Whether index may hold a new row: no domain has or had it.  An SNMP
 * error (inconsistentName, or resourceUnavailable) when not. */
int ax_control_index_check(int index);

/* Checks that a new row can be made active (define allowed, and start too
 * when start): 0 or an SNMP error (notWritable, inconsistentValue). */
int ax_control_define_check(const struct ax_new_vm *nv, bool start);

/* Defines nv at its index (and starts it when start); 0 or an SNMP error,
 * logged like ax_control_apply.  A failed start undefines again. */
int ax_control_define(const struct ax_new_vm *nv, bool start, const char *requester);

#endif /* AGENTX_CONTROL_H */
