/*
 * libvirt_priv.h: inside the libvirt driver.
 */
#ifndef LIBVIRT_PRIV_H
#define LIBVIRT_PRIV_H

#include <libvirt/libvirt.h>
#include <pthread.h>
#include <stdatomic.h>

#include "vm_driver.h"
#include "vm_event.h"

struct lv_uuid_set;
struct lv_idents;

struct lv_conn {
    virConnectPtr conn;
    char *type;                 /* "QEMU", "Xen", "Test": libvirt's name */
    char *type_lower;           /* "qemu", "xen", "test": our stats' type */
    struct vm_event_list events;
    int lifecycle_id;           /* libvirt's callback id, -1 when none */
    /* The persistent, autostart and managed-save sets of the bulk stats:
     * three list calls cost ten times the stats call itself, so they are
     * kept until a lifecycle event (or a change made here) marks them
     * stale, or LV_SETS_MAX_AGE passes (autostart changes have no event). */
    pthread_mutex_t sets_lock;
    struct lv_uuid_set *persistent, *autostart, *managed_save;
    time_t sets_taken;
    /* set from libvirt's event thread without a lock: that thread must
     * never wait on one held across a libvirt call */
    atomic_bool sets_stale;
    /* Each domain's UUID and id by name, kept with the sets (under
     * sets_lock, dropped whenever they are taken again) while lifecycle
     * events flow: libvirt formats the UUID for its debug log in every
     * virDomainGetUUID and virDomainGetID, which would cost the bulk stats
     * more than the call itself. */
    struct lv_idents *idents;
};

#define LV_SETS_MAX_AGE 60

/* Reports libvirt's last error as ours: code mapped, libvirt's message
 * kept, prefixed with what failed.  Always -1. */
int lv_error(const char *what);

/* The stats records libvirt's bulk call gives, as ours.  persistent,
 * autostart and managed-save are sets of UUIDs (libvirt's list calls with
 * those filters), so a record costs no further call.  idents (NULL: none
 * kept) holds the identities of the last call, taken from and replaced
 * (free with lv_idents_free).  Returns the count, *out a new array. */
size_t lv_stats_convert(struct vm_connect *conn, virDomainStatsRecordPtr *records,
                        const struct lv_uuid_set *persistent, const struct lv_uuid_set *autostart,
                        const struct lv_uuid_set *managed_save, struct lv_idents **idents,
                        struct vm_domain_stats ***out);
void lv_idents_free(struct lv_idents *idents);

/* The UUIDs of the domains libvirt lists with flags; NULL with an error. */
struct lv_uuid_set *lv_uuid_set_list(virConnectPtr conn, unsigned int flags);
void lv_uuid_set_free(struct lv_uuid_set *set);

#endif /* LIBVIRT_PRIV_H */
