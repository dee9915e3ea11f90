/*
 * agentx_notify.h: sending VM-MIB and VIRTMON-MIB notifications from the
 * agent's loop (the master forwards them to its trap sinks).
 */
#ifndef AGENTX_NOTIFY_H
#define AGENTX_NOTIFY_H

#include <stdbool.h>

#include "agentx_changes.h"
#include "agentx_table.h"

/* Per-VM notifications (when vmPerVMNotificationsEnabled) and one bulk
 * notification per kind of change (when vmBulkNotificationsEnabled). */
void ax_notify_changes(const struct ax_served *sv, const struct ax_change *changes, size_t n);

/* virtmonHypervisorLost (restored false) or virtmonHypervisorRestored. */
void ax_notify_hypervisor(bool restored, const char *uri, enum ax_conn_state conn_state);

#endif /* AGENTX_NOTIFY_H */
