/*
 * agentx_changes.h: what changed between two snapshots, in VM-MIB's
 * notification terms.  Pure (no net-snmp), so the unit tests pin it.
 */
#ifndef AGENTX_CHANGES_H
#define AGENTX_CHANGES_H

#include <stddef.h>

#include "agentx_snapshot.h"

/* VM-MIB notification numbers (vmNotifications.N) */
enum ax_notif {
    AX_NOTIF_NONE = 0,
    AX_NOTIF_RUNNING = 1,
    AX_NOTIF_SHUTTINGDOWN,
    AX_NOTIF_SHUTDOWN,
    AX_NOTIF_PAUSED,
    AX_NOTIF_SUSPENDING,
    AX_NOTIF_SUSPENDED,
    AX_NOTIF_RESUMING,
    AX_NOTIF_MIGRATING,
    AX_NOTIF_CRASHED,
    AX_NOTIF_DELETED,
    AX_NOTIF_BULK_OFFSET = 10,  /* vmBulkX = X + 10 */
};

struct ax_change {
    enum ax_notif notif;
    int index;                  /* vmIndex */
    int prev_oper;              /* vmOperState before the change (unknown(1) for new rows) */
    const struct ax_vm *vm;     /* the row now; for deletions the old row */
};

/* The per-VM notification for a domain now in oper state `oper`. */
enum ax_notif ax_notif_for_oper(int oper);

/* The changes from old to new (old may be NULL: nothing to compare, no
 * changes).  Returns how many; *changes is a new array (free with free())
 * pointing into the snapshots. */
size_t ax_changes(const struct ax_snapshot *old, const struct ax_snapshot *new,
                  struct ax_change **changes);

/* vmAffectedVMs for the changes of one notification: a bitmap of vmIndex
 * (octet 1 covers 1-8, most significant bit the lowest).  Returns its
 * length; *bits is new (free with free()), NULL when none. */
size_t ax_affected_bitmap(const struct ax_change *changes, size_t n, enum ax_notif notif,
                          unsigned char **bits);

#endif /* AGENTX_CHANGES_H */
