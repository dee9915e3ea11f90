/*
 * vm_driver.h: the driver table.  One const struct per driver, filled with
 * designated initialisers; a NULL member is an operation the driver lacks,
 * which the public wrapper reports as not-supported.  The wrappers have
 * already cleared the error, checked the arguments and refused mutating calls
 * on read-only connections, so members only do their job.
 *
 * Every member takes a trailing `unsigned int flags` (checked by the driver
 * with VM_CHECK_FLAGS) and returns -1/NULL with the error reported.
 */
#ifndef VM_DRIVER_H
#define VM_DRIVER_H

#include "virtmon.h"
#include "util/vm_uri.h"

/* What a driver's open answers. */
enum vm_drv_open_result {
    VM_DRV_OPEN_SUCCESS = 0,
    VM_DRV_OPEN_DECLINED = 1,   /* not my URI: the registry tries the next driver */
    VM_DRV_OPEN_ERROR = -1,     /* my URI, but it failed (error reported) */
};

struct vm_driver {
    const char *name;           /* "test", "qemu", ... */
    const char *hypervisor;     /* vm_connect_get_type(): "Test", "QEMU", ... */

    enum vm_drv_open_result (*connect_open)(struct vm_connect *conn, const struct vm_uri *uri,
                                            unsigned int flags);
    int (*connect_close)(struct vm_connect *conn);
    /* connect_get_all_domain_stats gets only VM_LIST_ACTIVE, _INACTIVE and
     * VM_STATS_GUEST: the core applies the other filters */
    /* optional: the hypervisor behind the connection, when not the static
     * name above (owned by the connection) */
    const char *(*connect_get_type)(struct vm_connect *conn);
    int (*connect_get_version)(struct vm_connect *conn, unsigned long long *version,
                               unsigned int flags);
    char *(*connect_get_hostname)(struct vm_connect *conn, unsigned int flags);
    int (*connect_is_alive)(struct vm_connect *conn);
    int (*node_get_info)(struct vm_connect *conn, struct vm_node_info *info, unsigned int flags);
    int (*node_get_cpu_stats)(struct vm_connect *conn, int cpu, struct vm_node_cpu_stats *stats,
                              unsigned int flags);
    int (*node_get_memory_stats)(struct vm_connect *conn, int cell,
                                 struct vm_node_memory_stats *stats, unsigned int flags);
    int (*connect_list_domains)(struct vm_connect *conn, struct vm_domain ***domains,
                                unsigned int flags);
    int (*connect_get_all_domain_stats)(struct vm_connect *conn, struct vm_domain_stats ***stats,
                                        unsigned int flags);
    int (*connect_domain_event_register)(struct vm_connect *conn, vm_domain_event_cb cb,
                                         void *opaque, void (*free_opaque)(void *),
                                         unsigned int flags);
    int (*connect_domain_event_deregister)(struct vm_connect *conn, int callback_id);

    struct vm_domain *(*domain_lookup_by_name)(struct vm_connect *conn, const char *name,
                                               unsigned int flags);
    struct vm_domain *(*domain_lookup_by_uuid)(struct vm_connect *conn,
                                               const unsigned char *uuid, unsigned int flags);
    struct vm_domain *(*domain_lookup_by_id)(struct vm_connect *conn, int id,
                                             unsigned int flags);
    int (*domain_get_id)(struct vm_domain *dom, unsigned int flags);
    int (*domain_get_info)(struct vm_domain *dom, struct vm_domain_info *info, unsigned int flags);
    int (*domain_get_state)(struct vm_domain *dom, int *state, int *reason, unsigned int flags);
    int (*domain_get_control)(struct vm_domain *dom, int *control, unsigned int flags);
    char *(*domain_get_display)(struct vm_domain *dom, unsigned int flags);
    struct vm_guest_info *(*domain_get_guest_info)(struct vm_domain *dom, unsigned int flags);
    struct vm_domain_stats *(*domain_get_stats)(struct vm_domain *dom, unsigned int flags);
    int (*domain_get_vcpu_count)(struct vm_domain *dom, unsigned int flags);
    int (*domain_set_memory)(struct vm_domain *dom, uint64_t kib, unsigned int flags);
    int (*domain_set_vcpus)(struct vm_domain *dom, unsigned int count, unsigned int flags);
    int (*domain_save)(struct vm_domain *dom, const char *path, unsigned int flags);
    int (*domain_restore)(struct vm_connect *conn, const char *path, unsigned int flags);
    int (*domain_open_console)(struct vm_domain *dom, const char *dev, unsigned int flags);
    struct vm_vcpu_list *(*domain_get_vcpus)(struct vm_domain *dom, unsigned int flags);
    int (*domain_memory_stats)(struct vm_domain *dom, struct vm_memory_stat *stats,
                               unsigned int nr, unsigned int flags);
    char *(*domain_get_xml)(struct vm_domain *dom, unsigned int flags);
    struct vm_domain *(*domain_define_xml)(struct vm_connect *conn, const char *xml,
                                           unsigned int flags);
    struct vm_domain *(*domain_create_xml)(struct vm_connect *conn, const char *xml,
                                           unsigned int flags);
    int (*domain_start)(struct vm_domain *dom, unsigned int flags);
    int (*domain_shutdown)(struct vm_domain *dom, unsigned int flags);
    int (*domain_destroy)(struct vm_domain *dom, unsigned int flags);
    int (*domain_suspend)(struct vm_domain *dom, unsigned int flags);
    int (*domain_resume)(struct vm_domain *dom, unsigned int flags);
    int (*domain_reboot)(struct vm_domain *dom, unsigned int flags);
    int (*domain_reset)(struct vm_domain *dom, unsigned int flags);
    int (*domain_managed_save)(struct vm_domain *dom, unsigned int flags);
    int (*domain_has_managed_save)(struct vm_domain *dom, unsigned int flags);
    int (*domain_undefine)(struct vm_domain *dom, unsigned int flags);
    int (*domain_get_autostart)(struct vm_domain *dom, int *autostart, unsigned int flags);
    int (*domain_set_autostart)(struct vm_domain *dom, int autostart, unsigned int flags);
};

/* A connection: the driver that serves it and the driver's private data. */
struct vm_connect {
    _Atomic int refs;               /* the caller's + one per domain handle */
    const struct vm_driver *driver;
    char *uri;                      /* canonical text */
    unsigned int flags;             /* enum vm_connect_flags */
    struct vm_connect_auth auth;    /* the caller's callback, or none */
    void *priv;                     /* the driver's */
};

/* A domain handle: identity only; drivers look the domain up by UUID. */
struct vm_domain {
    struct vm_connect *conn;        /* holds a reference */
    char *name;
    unsigned char uuid[VM_UUID_BUFLEN];
    int id;                         /* at lookup time */
    size_t drv_hint;                /* the driver's: where it last found the domain */
};

/* A new handle for drivers to return (takes a connection reference). */
struct vm_domain *vm_domain_new(struct vm_connect *conn, const char *name,
                                const unsigned char uuid[VM_UUID_BUFLEN], int id);

/* Reports that no domain has name (when not NULL), else uuid (when not
 * NULL), else id: every driver's lookup failure, worded once.  -1. */
int vm_report_no_domain(const char *name, const unsigned char *uuid, int id);

/* The drivers this build has, in the order the registry asks them. */
const struct vm_driver *const *vm_registry_drivers(void);

#endif /* VM_DRIVER_H */
