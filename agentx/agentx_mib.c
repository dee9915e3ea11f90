/*
 * agentx_mib.c: the subagent's MIB objects as a whole: registering every
 * table (one file each) and swapping snapshots in.  Tables are net-snmp
 * tdata tables whose rows point into the current snapshot, so a swap is:
 * clear every table, free the old snapshot, fill from the new one — all in
 * the agent's thread, between requests.
 */
#include "config.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include <malloc.h>
#include <stdlib.h>
#include <time.h>

#include "agentx_mib.h"
#include "agentx_notify.h"
#include "agentx_table.h"
#include "util/vm_alloc.h"

/* disconnected until the first snapshot; notifications on */
static struct ax_served served = {
    .conn_state = AX_DISCONNECTED,
    .per_vm_enabled = AX_TRUE,
    .bulk_enabled = AX_TRUE,
};

static const struct ax_table *const tables[] = {
    &ax_scalars,       &ax_vm_table,          &ax_cpu_table,
    &ax_affinity_table, &ax_storage_table,    &ax_network_table,
    &ax_virtmon_vm_table, &ax_virtmon_if_table, &ax_virtmon_config_table,
};
#define NTABLES (sizeof(tables) / sizeof(tables[0]))

/* Our subtrees are registered with the first snapshot, not before: an
 * NMS polling a restarted agent must not read vmNumber 0 and an empty
 * vmTable (every VM gone) while the first bulk call runs.  Until then the
 * master (or --listen) answers noSuchObject there. */
static bool registered;

static void register_tables(void)
{
    for (size_t i = 0; i < NTABLES; i++)
        ax_table_register(tables[i], &served);
    registered = true;
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

/* A SET spans several AgentX exchanges (test, commit, cleanup) and net-snmp
 * keeps the rows it found in the first: no snapshot may replace them
 * before the last.  One that comes meanwhile waits here. */
static bool set_busy;
static time_t set_busy_since;
static struct ax_snapshot *deferred;

static void install(struct ax_snapshot *snap);

/* Installs what came during a SET, from the agent's loop (not from inside
 * the SET's own handler call, whose request still holds the old rows). */
static void install_deferred(unsigned int reg, void *arg)
{
    if (!set_busy && deferred)
        install(vm_steal_ptr(&deferred));
}

void ax_mib_set_busy(bool busy)
{
    if (busy) {
        set_busy = true;
        set_busy_since = time(NULL);
        return;
    }
    set_busy = false;
    if (deferred) {
        struct timeval soon = {0, 1000};
        snmp_alarm_register_hr(soon, 0, install_deferred, NULL);
    }
}

void ax_mib_install(struct ax_snapshot *snap)
{
    /* a master that died in the middle of a SET never ends it */
    if (set_busy && time(NULL) - set_busy_since > 30)
        set_busy = false;
    if (set_busy) {
        ax_snapshot_free(deferred);
        deferred = snap;
        return;
    }
    install(snap);
}

static void install(struct ax_snapshot *snap)
{
    struct timespec t0, t1;
    size_t rows = 0;

    if (!snap->connected) {
        static bool said;
        /* no snapshot yet (hypervisor, vmIndex map): say why, once */
        if (!served.current && !said && (said = true))
            snmp_log(LOG_ERR, "cannot build a snapshot of '%s': %s\n", snap->uri ? snap->uri : "?",
                     snap->error ? snap->error : "unknown error");
        /* keep serving the last good snapshot, with its age */
        if (served.conn_state == AX_CONNECTED) {
            snmp_log(LOG_WARNING,
                     "hypervisor '%s' unreachable: %s; serving the last snapshot\n",
                     snap->uri ? snap->uri : "?", snap->error ? snap->error : "unknown error");
            served.conn_state = AX_DISCONNECTED;
            ax_notify_hypervisor(false, snap->uri, served.conn_state);
        }
        served.conn_state = AX_DISCONNECTED;
        ax_snapshot_free(snap);
        return;
    }
    if (served.conn_state == AX_DISCONNECTED && served.current) {
        snmp_log(LOG_NOTICE, "hypervisor '%s' reachable again\n", snap->uri);
        ax_notify_hypervisor(true, snap->uri, AX_CONNECTED);
    }
    served.conn_state = AX_CONNECTED;
    if (!registered)
        register_tables();
    {
        /* notifications while both snapshots are alive (deleted rows are
         * only in the old one) */
        struct ax_change *changes;
        size_t n = ax_changes(served.current, snap, &changes);
        ax_notify_changes(&served, changes, n);
        free(changes);
    }
    served.last_good = snap->taken;
    if (rows_changed(served.current, snap))
        served.table_last_change = snap->hv_uptime_cs;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (size_t i = 0; i < NTABLES; i++)
        ax_table_clear(tables[i]);
    ax_snapshot_free(served.current);
    served.current = snap;
    for (size_t i = 0; i < NTABLES; i++)
        rows += ax_table_fill(tables[i], snap);
    /* The old snapshot, the old rows and the refresher's bulk-stats records
     * were freed; give the pages back instead of keeping a high-water mark
     * (glibc keeps freed heap otherwise, and RSS per domain is a goal). */
    malloc_trim(0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    /* what bench/agentx.sh reads (-Dvirtmon:install) */
    DEBUGMSGTL(("virtmon:install", "%zu rows in %.0f ns\n", rows,
                (t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)));
    {
        struct mallinfo2 mi = mallinfo2();
        DEBUGMSGTL(("virtmon:heap", "in use %zu KiB, free %zu KiB, arena %zu KiB\n",
                    mi.uordblks / 1024, mi.fordblks / 1024, mi.arena / 1024));
    }
}

void ax_mib_drop_deferred(void)
{
    ax_snapshot_free(deferred);
    deferred = NULL;
}

const struct ax_served *ax_mib_served(void)
{
    return &served;
}

void ax_mib_shutdown(void)
{
    ax_snapshot_free(deferred);
    deferred = NULL;
    for (size_t i = 0; i < NTABLES; i++)
        ax_table_clear(tables[i]);
    ax_snapshot_free(served.current);
    served.current = NULL;
}
