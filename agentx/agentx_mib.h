/*
 * agentx_mib.h: the subagent's MIB objects (VM-MIB and VIRTMON-MIB), served
 * from the current snapshot.
 */
#ifndef AGENTX_MIB_H
#define AGENTX_MIB_H

#include <stdbool.h>

#include "agentx_snapshot.h"

/* Installs snap (taking ownership) as what requests see; a disconnected
 * snapshot keeps the last good tables and only marks the host
 * disconnected.  The first connected one registers every scalar and table
 * (under the master, or for --listen): nothing of ours is served before. */
void ax_mib_install(struct ax_snapshot *snap);

/* Marks a SET in progress (from its first phase to its last): snapshots
 * that arrive meanwhile are installed when it ends. */
void ax_mib_set_busy(bool busy);

/* Drops a snapshot held back during a SET (taken before the SET's change:
 * the refresher is poked for a new one). */
void ax_mib_drop_deferred(void);

/* What is served (the snapshot, the connection state, the notification
 * switches), for the SET code, which notifies what it changed at once. */
struct ax_served;
const struct ax_served *ax_mib_served(void);

/* Frees the tables and the snapshot (at shutdown). */
void ax_mib_shutdown(void);

#endif /* AGENTX_MIB_H */
