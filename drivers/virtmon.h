/*
 * virtmon.h: the public API of libvirtmon, the driver core shared by every
 * virtmon tool.
 *
 * Conventions (they hold for every function below):
 *  - A failing call returns -1 or NULL and leaves a per-thread error
 *    (vm_error_last()); a successful call clears it.  No call prints or exits.
 *  - Every operation takes a trailing `unsigned int flags`; passing a flag the
 *    operation does not know is an invalid-arg error.
 *  - Memory is in KiB, CPU time in nanoseconds.  Counters the source lacks are
 *    VM_STAT_UNKNOWN, rates the source lacks are NaN.
 *  - Whatever a function returns through a pointer is owned by the caller and
 *    freed with the *_free() function named in its comment.  Every *_free()
 *    accepts NULL.
 */
#ifndef VIRTMON_H
#define VIRTMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VM_VERSION_MAJOR 0
#define VM_VERSION_MINOR 1
#define VM_VERSION_MICRO 0
/* major * 1,000,000 + minor * 1,000 + micro, as libvirt encodes versions. */
#define VM_VERSION_NUMBER \
    (VM_VERSION_MAJOR * 1000000ULL + VM_VERSION_MINOR * 1000ULL + VM_VERSION_MICRO)

#define VM_UUID_BUFLEN 16
#define VM_UUID_STRING_BUFLEN 37

/* A counter the source does not provide. */
#define VM_STAT_UNKNOWN UINT64_MAX

/* ------------------------------------------------------------------ errors */

/* One enum for every failure of every driver. */
enum vm_error_code {
    VM_ERR_OK = 0,
    VM_ERR_INTERNAL,          /* a bug in virtmon */
    VM_ERR_NO_DOMAIN,         /* no domain with that name, UUID or id */
    VM_ERR_INVALID_ARG,       /* a bad argument or flag from the caller */
    VM_ERR_XML,               /* malformed or invalid XML */
    VM_ERR_OPERATION_INVALID, /* not possible in the current state */
    VM_ERR_OPERATION_FAILED,  /* the hypervisor tried and failed */
    VM_ERR_NOT_SUPPORTED,     /* the driver cannot do this */
    VM_ERR_READ_ONLY,         /* a mutating call on a read-only connection */
    VM_ERR_AUTH,              /* authentication failed or was refused */
    VM_ERR_TLS,               /* certificate or handshake failure */
    VM_ERR_TIMEOUT,           /* an exchange took too long */
    VM_ERR_SYSTEM,            /* a system call failed (message has errno's text) */
    VM_ERR_CONNECTION_LOST,   /* the peer went away */
    VM_ERR_INVALID_URI,       /* a malformed URI */
    VM_ERR_NO_DRIVER,         /* no driver serves this URI */
    VM_ERR_CONFIG,            /* a malformed configuration file */
    VM_ERR_DOMAIN_EXISTS,     /* the name or UUID is already taken */
    VM_ERR_PROTOCOL,          /* a malformed reply from a peer */
    VM_ERR_OVERFLOW,          /* a value does not fit */
    VM_ERR_LAST
};

struct vm_error {
    enum vm_error_code code;
    char *message;      /* what went wrong, for a user; never NULL when code != OK */
    const char *file;   /* where it was reported, for developers */
    const char *func;
    int line;
};

/* The calling thread's last error, or NULL when the last call succeeded.
 * Owned by the library; valid until the thread's next libvirtmon call. */
const struct vm_error *vm_error_last(void);

/* The last error's message, or a generic text when there is none. Never NULL. */
const char *vm_error_message(void);

/* The last error's code (VM_ERR_OK when none). */
enum vm_error_code vm_error_code(void);

/* Forget the calling thread's error. */
void vm_error_reset(void);

/* A short stable name for a code ("no-domain", "read-only", ...). */
const char *vm_error_code_name(enum vm_error_code code);

/* ----------------------------------------------------------------- domains */

/* libvirt's virDomainState, same order and meaning. */
enum vm_domain_state {
    VM_DOMAIN_NOSTATE = 0,
    VM_DOMAIN_RUNNING,
    VM_DOMAIN_BLOCKED,
    VM_DOMAIN_PAUSED,
    VM_DOMAIN_SHUTDOWN,
    VM_DOMAIN_SHUTOFF,
    VM_DOMAIN_CRASHED,
    VM_DOMAIN_PMSUSPENDED,
    VM_DOMAIN_STATE_LAST
};

/* Reasons, per state, in libvirt's numbering. */
enum vm_running_reason {
    VM_RUNNING_UNKNOWN = 0,
    VM_RUNNING_BOOTED,
    VM_RUNNING_MIGRATED,
    VM_RUNNING_RESTORED,
    VM_RUNNING_FROM_SNAPSHOT,
    VM_RUNNING_UNPAUSED,
    VM_RUNNING_REASON_LAST
};
enum vm_paused_reason {
    VM_PAUSED_UNKNOWN = 0,
    VM_PAUSED_USER,
    VM_PAUSED_REASON_LAST
};
enum vm_shutoff_reason {
    VM_SHUTOFF_UNKNOWN = 0,
    VM_SHUTOFF_SHUTDOWN,
    VM_SHUTOFF_DESTROYED,
    VM_SHUTOFF_CRASHED,
    VM_SHUTOFF_MIGRATED,
    VM_SHUTOFF_SAVED,
    VM_SHUTOFF_FAILED,
    VM_SHUTOFF_FROM_SNAPSHOT,
    VM_SHUTOFF_REASON_LAST
};

/* virsh's words for a state ("running", "shut off", ...). */
const char *vm_domain_state_name(int state);

/* Whether a state counts as running wherever virtmon counts running
 * domains: running, or blocked (idle, but its vCPUs may run at any time). */
bool vm_domain_state_is_running(int state);

/* virsh's words for a reason of a state ("booted", "destroyed", ...). */
const char *vm_domain_reason_name(int state, int reason);

struct vm_connect;
struct vm_domain;

struct vm_domain_info {
    int state;                 /* enum vm_domain_state */
    unsigned int vcpus;
    uint64_t max_mem_kib;
    uint64_t cur_mem_kib;
    uint64_t cpu_time_ns;      /* VM_STAT_UNKNOWN when the source lacks it */
};

enum vm_block_media {
    VM_BLOCK_MEDIA_DISK,
    VM_BLOCK_MEDIA_CDROM,
    VM_BLOCK_MEDIA_FLOPPY,
};

struct vm_block_stats {
    char *name;                /* target device, e.g. "vda" */
    char *source;              /* file or device path, or NULL */
    char *format;              /* "raw", "qcow2", ... or NULL when unknown */
    char *bus;                 /* "virtio", "ide", ... or NULL */
    bool block_device;         /* backed by a block device, not a file */
    bool readonly;
    int media;                 /* enum vm_block_media */
    uint64_t capacity_bytes;   /* guest-visible size, VM_STAT_UNKNOWN when unknown */
    uint64_t allocation_bytes; /* host space used, VM_STAT_UNKNOWN when unknown */
    uint64_t rd_reqs, rd_bytes, wr_reqs, wr_bytes;
    double rd_bytes_rate, wr_bytes_rate; /* bytes/s, NaN when not a rate source */
    /* what some sources add (VM_STAT_UNKNOWN otherwise): failed requests,
     * flushes, and the time spent in reads, writes and flushes */
    uint64_t errs, flush_reqs, rd_total_ns, wr_total_ns, flush_total_ns;
};

struct vm_net_stats {
    char *name;                /* target device (tap), e.g. "vnet0", or NULL */
    char *mac;                 /* "52:54:00:..." or NULL */
    char *model;               /* emulated model, e.g. "virtio", or NULL */
    uint64_t rx_bytes, rx_pkts, rx_errs, rx_drop;   /* the guest's view */
    uint64_t tx_bytes, tx_pkts, tx_errs, tx_drop;
    double rx_bytes_rate, tx_bytes_rate;
};

/* Whether the hypervisor answers for a domain (virsh domcontrol). */
enum vm_domain_control {
    VM_DOMAIN_CONTROL_OK = 0,
    /* its process does not answer (QEMU stopped or hung, its monitor gone):
     * state and reason are the last known, counters unknown */
    VM_DOMAIN_CONTROL_UNRESPONSIVE,
    /* QEMU answers, but the TPM emulator it was started with is gone */
    VM_DOMAIN_CONTROL_TPM_GONE,
};

/* Groups of figures a source did not report at all (libvirt's test driver
 * reports only the state): tools leave them out rather than show zeros. */
enum vm_stats_missing {
    VM_STATS_MISSING_VCPU = 1 << 0,    /* vcpus and per-vCPU times */
    VM_STATS_MISSING_NET = 1 << 1,     /* the NIC list */
    VM_STATS_MISSING_BLOCK = 1 << 2,   /* the disk list */
    VM_STATS_MISSING_CPU = 1 << 3,     /* cpu.time (it may come from elsewhere) */
    VM_STATS_MISSING_BALLOON = 1 << 4, /* balloon.* (idem) */
};

/* What a guest's agent tells (qemu-guest-agent): strings NULL and figures
 * VM_STAT_UNKNOWN where it did not say. */
struct vm_guest_fs {
    char *mountpoint, *fstype;
    uint64_t total_bytes, used_bytes;
};

struct vm_guest_if {
    char *name, *hwaddr;
    char **addrs;              /* "ADDR/PREFIX" */
    char **addr_types;         /* "ipv4", "ipv6", per address */
    size_t naddrs;
};

struct vm_guest_info {
    char *os_id, *os_version_id, *hostname;
    struct vm_guest_fs *fs;
    size_t nfs;
    struct vm_guest_if *ifs;
    size_t nifs;
};

/* Frees a guest info record and everything in it (NULL-safe). */
void vm_guest_info_free(struct vm_guest_info *info);

/* One domain's identity and figures, as handed out by the stats calls. */
struct vm_domain_stats {
    char *name;
    unsigned char uuid[VM_UUID_BUFLEN];
    int id;                    /* -1 when inactive */
    char *type;                /* "qemu", "kvm", "xen", "test" */
    char *os_type;             /* "hvm", "linux", ... */
    int state, reason;
    int control;               /* enum vm_domain_control */
    unsigned int missing;      /* enum vm_stats_missing bits; 0 for most drivers */
    bool persistent, autostart, managed_save;
    unsigned int vcpus;        /* online */
    unsigned int vcpus_max;    /* the most it may have; 0 when unknown */
    uint64_t cpu_time_ns;
    uint64_t *vcpu_time_ns;    /* per vCPU, nvcpu_times of them; NULL when unknown */
    size_t nvcpu_times;
    double cpu_util_pct;       /* NaN unless the source reports utilisation */
    uint64_t mem_max_kib, mem_cur_kib;
    size_t nblock;
    struct vm_block_stats *block;
    size_t nnet;
    struct vm_net_stats *net;
    struct vm_guest_info *guest; /* with VM_STATS_GUEST: NULL when no agent answered */
};

/* Frees one stats record and everything in it. */
void vm_domain_stats_free(struct vm_domain_stats *stats);

/* Frees an array of n stats records and the array. */
void vm_domain_stats_list_free(struct vm_domain_stats **stats, size_t n);

struct vm_node_info {
    char *cpu_model;
    unsigned int cpus, mhz, numa_cells, sockets, cores, threads;
    uint64_t memory_kib, free_memory_kib;
};

/* Frees what vm_node_get_info() put into *info (not info itself). */
void vm_node_info_clear(struct vm_node_info *info);

/* The host's CPU time in ns since boot (VM_STAT_UNKNOWN where the source
 * lacks a figure), or, from sources that only give it (Xen), utilisation. */
struct vm_node_cpu_stats {
    uint64_t user_ns, kernel_ns, idle_ns, iowait_ns;
    double utilization_pct;    /* NaN unless the source gives only this */
};

/* The host's memory in KiB (VM_STAT_UNKNOWN where the source lacks it). */
struct vm_node_memory_stats {
    uint64_t total_kib, free_kib, buffers_kib, cached_kib;
};

/* A vCPU's state (libvirt's numbering). */
enum vm_vcpu_state {
    VM_VCPU_OFFLINE = 0,
    VM_VCPU_RUNNING = 1,
    VM_VCPU_BLOCKED = 2,
};

/* One vCPU: where it runs and may run. */
struct vm_vcpu_info {
    unsigned int number;
    int state;                 /* enum vm_vcpu_state; -1 when the domain is off */
    int cpu;                   /* host CPU it last ran on; -1 when unknown */
    uint64_t cpu_time_ns;      /* VM_STAT_UNKNOWN when unknown */
    unsigned char *cpumap;     /* affinity: bit c%8 of byte c/8 set when it may
                                * run on host CPU c (host_cpus bits) */
};

struct vm_vcpu_list {
    unsigned int host_cpus;    /* host CPUs the driver maps (each cpumap's width) */
    size_t n;
    struct vm_vcpu_info *vcpus;
};

/* Frees a vCPU list and everything in it (NULL-safe). */
void vm_vcpu_list_free(struct vm_vcpu_list *list);

/* The memory statistics a guest's balloon and its host process give
 * (libvirt's tags and numbering; sizes in KiB). */
enum vm_memory_stat_tag {
    VM_MEMORY_STAT_SWAP_IN = 0,      /* KiB read from swap */
    VM_MEMORY_STAT_SWAP_OUT = 1,     /* KiB written to swap */
    VM_MEMORY_STAT_MAJOR_FAULT = 2,
    VM_MEMORY_STAT_MINOR_FAULT = 3,
    VM_MEMORY_STAT_UNUSED = 4,       /* free in the guest */
    VM_MEMORY_STAT_AVAILABLE = 5,    /* what the guest sees in total */
    VM_MEMORY_STAT_ACTUAL_BALLOON = 6,
    VM_MEMORY_STAT_RSS = 7,          /* resident on the host */
    VM_MEMORY_STAT_USABLE = 8,       /* reclaimable without swapping */
    VM_MEMORY_STAT_LAST_UPDATE = 9,  /* seconds since the epoch */
    VM_MEMORY_STAT_DISK_CACHES = 10,
    VM_MEMORY_STAT_HUGETLB_PGALLOC = 11,
    VM_MEMORY_STAT_HUGETLB_PGFAIL = 12,
    VM_MEMORY_STAT_NR = 13,
};

struct vm_memory_stat {
    int tag;                   /* enum vm_memory_stat_tag */
    uint64_t val;
};

/* virsh dommemstat's name of a tag ("actual", "swap_in", ...), NULL for
 * an unknown one. */
const char *vm_memory_stat_name(int tag);

/* ------------------------------------------------------------- connections */

enum vm_connect_flags {
    VM_CONNECT_RO = 1 << 0,    /* every mutating call fails with read-only */
};

/* Opens a connection to the hypervisor named by uri (NULL: the default URI,
 * see vm_uri_default()).  Free with vm_connect_close().  Credentials come
 * from auth.conf only (see vm_connect_open_auth). */
struct vm_connect *vm_connect_open(const char *uri, unsigned int flags);

/* ------------------------------------------------------------ credentials */

enum vm_cred_type {
    VM_CRED_USERNAME = 1,      /* a user name (echoed when typed) */
    VM_CRED_PASSPHRASE,        /* a password or passphrase (never echoed) */
    VM_CRED_REALM,             /* an authentication realm */
    VM_CRED_CHALLENGE,         /* the answer to a server's challenge */
};

/* One credential a driver asks for. */
struct vm_credential {
    int type;                  /* enum vm_cred_type */
    const char *prompt;        /* what to ask a person, e.g. "Password for root@xen1" */
    const char *challenge;     /* the server's challenge, or NULL */
    const char *defresult;     /* a default answer, or NULL */
    char *result;              /* the answer, malloc'd by the callback; the library
                                * wipes and frees it */
    size_t resultlen;
};

/* Answers each of the n credentials (result set); 0, or -1 when it cannot,
 * and the connection fails with an auth error.  auth.conf is read before
 * the callback is asked. */
typedef int (*vm_auth_callback)(struct vm_credential *creds, size_t n, void *opaque);

/* How a connection gets credentials that auth.conf lacks. */
struct vm_connect_auth {
    vm_auth_callback callback; /* NULL: auth.conf only (daemons, plugins) */
    void *opaque;
};

/* vm_connect_open() with a credential callback (auth may be NULL, the same
 * as vm_connect_open). */
struct vm_connect *vm_connect_open_auth(const char *uri, const struct vm_connect_auth *auth,
                                        unsigned int flags);

/* A callback for interactive tools: asks on the controlling terminal
 * (/dev/tty), passphrases without echo; -1 when there is no terminal.  The
 * library itself never prompts: a tool chooses this. */
int vm_auth_terminal_callback(struct vm_credential *creds, size_t n, void *opaque);

/* Drops the caller's reference; the connection closes when its domains are
 * freed too.  Returns 0, or -1 when conn is NULL. */
int vm_connect_close(struct vm_connect *conn);

/* The URI the connection was opened with, normalised.  Owned by conn. */
const char *vm_connect_get_uri(struct vm_connect *conn);

/* The hypervisor's name ("Test", "QEMU", "Xen").  Owned by the driver. */
const char *vm_connect_get_type(struct vm_connect *conn);

/* The domain type a minimal definition takes on this connection, what its
 * define accepts with nothing more: "test", "qemu" (TCG runs everywhere;
 * KVM needs a definition that asks for it) or "xen".  Static; NULL with a
 * not-supported error for a hypervisor virtmon defines no domains on. */
const char *vm_connect_get_domain_type(struct vm_connect *conn);

/* The hypervisor's version as major*1e6 + minor*1e3 + micro in *version. */
int vm_connect_get_version(struct vm_connect *conn, unsigned long long *version,
                           unsigned int flags);

/* The host's name.  Caller frees with free(). */
char *vm_connect_get_hostname(struct vm_connect *conn, unsigned int flags);

/* 1 when the connection works, 0 when it is broken, -1 on error. */
int vm_connect_is_alive(struct vm_connect *conn);

/* 1 when the connection is read-only, 0 otherwise. */
int vm_connect_is_read_only(struct vm_connect *conn);

/* Fills *info about the host; clear it with vm_node_info_clear(). */
int vm_node_get_info(struct vm_connect *conn, struct vm_node_info *info, unsigned int flags);

/* Which CPU or NUMA cell the node calls ask about: all of them. */
#define VM_NODE_ALL (-1)

/* The host's CPU times, of one CPU (0-based) or of VM_NODE_ALL. */
int vm_node_get_cpu_stats(struct vm_connect *conn, int cpu, struct vm_node_cpu_stats *stats,
                          unsigned int flags);

/* The host's memory, of one NUMA cell or of VM_NODE_ALL. */
int vm_node_get_memory_stats(struct vm_connect *conn, int cell,
                             struct vm_node_memory_stats *stats, unsigned int flags);

/* Which domains the list and bulk stats calls return: within each group of
 * filters a domain must match one that is given (none given: all match),
 * and it must pass every group (libvirt's rule). */
enum vm_list_flags {
    VM_LIST_ACTIVE = 1 << 0,
    VM_LIST_INACTIVE = 1 << 1,
    /* stats only: also ask the guests' agents, all at once under one
     * deadline (agent_timeout in virtmon.conf) */
    VM_STATS_GUEST = 1 << 2,
    VM_LIST_PERSISTENT = 1 << 3,
    VM_LIST_TRANSIENT = 1 << 4,
    VM_LIST_RUNNING = 1 << 5,
    VM_LIST_PAUSED = 1 << 6,
    VM_LIST_SHUTOFF = 1 << 7,
    VM_LIST_OTHER = 1 << 8,         /* any state but those three */
    VM_LIST_AUTOSTART = 1 << 9,
    VM_LIST_NO_AUTOSTART = 1 << 10,
    VM_LIST_MANAGEDSAVE = 1 << 11,
    VM_LIST_NO_MANAGEDSAVE = 1 << 12,
};

/* Every filter flag above. */
#define VM_LIST_FILTERS                                                                   \
    (VM_LIST_ACTIVE | VM_LIST_INACTIVE | VM_LIST_PERSISTENT | VM_LIST_TRANSIENT |         \
     VM_LIST_RUNNING | VM_LIST_PAUSED | VM_LIST_SHUTOFF | VM_LIST_OTHER | VM_LIST_AUTOSTART | \
     VM_LIST_NO_AUTOSTART | VM_LIST_MANAGEDSAVE | VM_LIST_NO_MANAGEDSAVE)

/* Lists domains into a new array *domains; returns how many, or -1.  Free with
 * vm_domain_list_free(). */
int vm_connect_list_domains(struct vm_connect *conn, struct vm_domain ***domains,
                            unsigned int flags);

/* Stats of every domain in one call (what the subagent, collector and
 * plugins use).  Returns the count, -1 on error; free with
 * vm_domain_stats_list_free().  flags as vm_connect_list_domains(). */
int vm_connect_get_all_domain_stats(struct vm_connect *conn, struct vm_domain_stats ***stats,
                                    unsigned int flags);

/* Lifecycle events, libvirt's numbering. */
enum vm_domain_event {
    VM_EVENT_DEFINED = 0,
    VM_EVENT_UNDEFINED,
    VM_EVENT_STARTED,
    VM_EVENT_SUSPENDED,
    VM_EVENT_RESUMED,
    VM_EVENT_STOPPED,
    VM_EVENT_SHUTDOWN,
    VM_EVENT_PMSUSPENDED,
    VM_EVENT_CRASHED,
    VM_EVENT_LAST
};

/* Called with a domain handle owned by the library (valid during the call). */
typedef void (*vm_domain_event_cb)(struct vm_connect *conn, struct vm_domain *dom, int event,
                                   int detail, void *opaque);

/* Registers cb for lifecycle events of every domain; returns a callback id
 * (>= 0) or -1.  free_opaque, if set, is called on opaque at deregistration. */
int vm_connect_domain_event_register(struct vm_connect *conn, vm_domain_event_cb cb,
                                     void *opaque, void (*free_opaque)(void *),
                                     unsigned int flags);

/* Removes the callback with that id. */
int vm_connect_domain_event_deregister(struct vm_connect *conn, int callback_id);

/* ------------------------------------------------------------ domain calls */

/* Lookups return a new handle; free with vm_domain_free().  A handle keeps its
 * connection open until it is freed. */
struct vm_domain *vm_domain_lookup_by_name(struct vm_connect *conn, const char *name);
struct vm_domain *vm_domain_lookup_by_uuid(struct vm_connect *conn,
                                           const unsigned char uuid[VM_UUID_BUFLEN]);
struct vm_domain *vm_domain_lookup_by_uuid_string(struct vm_connect *conn, const char *uuid);
struct vm_domain *vm_domain_lookup_by_id(struct vm_connect *conn, int id);

/* A name, a UUID or an id, tried as virsh does: id, then UUID, then name. */
struct vm_domain *vm_domain_lookup(struct vm_connect *conn, const char *what);

/* Frees one handle. */
void vm_domain_free(struct vm_domain *dom);

/* Frees n handles and the array. */
void vm_domain_list_free(struct vm_domain **domains, size_t n);

/* The handle's name (owned by the handle).  These accessors do not touch the
 * thread's error, so they can be used while reporting one. */
const char *vm_domain_get_name(struct vm_domain *dom);

/* The handle's UUID as raw bytes and as text (buf of VM_UUID_STRING_BUFLEN). */
int vm_domain_get_uuid(struct vm_domain *dom, unsigned char uuid[VM_UUID_BUFLEN]);
int vm_domain_get_uuid_string(struct vm_domain *dom, char buf[VM_UUID_STRING_BUFLEN]);

/* The domain's current id, -1 when inactive (queried afresh). */
int vm_domain_get_id(struct vm_domain *dom);

/* The connection the handle belongs to (not a new reference). */
struct vm_connect *vm_domain_get_connect(struct vm_domain *dom);

/* Fills *info. */
int vm_domain_get_info(struct vm_domain *dom, struct vm_domain_info *info, unsigned int flags);

/* State and (if reason is not NULL) its reason. */
int vm_domain_get_state(struct vm_domain *dom, int *state, int *reason, unsigned int flags);

/* What the domain's guest agent tells (os, hostname, file systems,
 * interfaces), within agent_timeout (virtmon.conf, default 2 s).  NULL with
 * an error when it has no agent channel, is not running, or its agent does
 * not answer in time.  Free with vm_guest_info_free(). */
struct vm_guest_info *vm_domain_get_guest_info(struct vm_domain *dom, unsigned int flags);

/* The URI of a running domain's graphical display, as virsh domdisplay
 * prints it: "vnc://HOST:DISPLAY" (VNC first) or "spice://HOST:PORT"; HOST
 * is the listen address, localhost for a wildcard.  NULL with an error when
 * the domain is not running or has no display.  Caller frees. */
char *vm_domain_get_display(struct vm_domain *dom, unsigned int flags);

/* Whether the hypervisor answers for the domain: *control gets an enum
 * vm_domain_control.  A domain that does not answer is no error. */
int vm_domain_get_control(struct vm_domain *dom, int *control, unsigned int flags);

/* One domain's stats in a new record; free with vm_domain_stats_free(). */
struct vm_domain_stats *vm_domain_get_stats(struct vm_domain *dom, unsigned int flags);

/* The NIC of a stats record whose target device or MAC is iface, as virsh
 * domifstat finds it; NULL with an invalid-arg error when none is.  Points
 * into st. */
const struct vm_net_stats *vm_domain_stats_find_net(const struct vm_domain_stats *st,
                                                    const char *iface);

/* The disk whose target ("vda") or source path is dev, as virsh
 * domblkstat finds it; NULL with an invalid-arg error.  Points into st. */
const struct vm_block_stats *vm_domain_stats_find_block(const struct vm_domain_stats *st,
                                                        const char *dev);

/* Which side of a domain a call reads or changes (libvirt's flags): the
 * running domain (LIVE), its persistent definition (CONFIG), or CURRENT
 * (0): live when it runs, else the definition. */
enum vm_domain_affect_flags {
    VM_DOMAIN_AFFECT_CURRENT = 0,
    VM_DOMAIN_AFFECT_LIVE = 1 << 0,
    VM_DOMAIN_AFFECT_CONFIG = 1 << 1,
    /* vm_domain_get_vcpu_count(): the maximum, not the current count */
    VM_DOMAIN_VCPU_MAXIMUM = 1 << 2,
};

/* vm_domain_set_memory(): the maximum, not the current size. */
#define VM_DOMAIN_MEM_MAXIMUM (1 << 3)

/* Sets a domain's memory in KiB (libvirt's virDomainSetMemoryFlags): the
 * current size (the balloon, at most the maximum) or, with
 * VM_DOMAIN_MEM_MAXIMUM, the maximum (of the definition only); of the
 * running domain, its definition or both as the affect flags say. */
int vm_domain_set_memory(struct vm_domain *dom, uint64_t kib, unsigned int flags);

/* Sets a domain's vCPU count (libvirt's virDomainSetVcpusFlags): online
 * vCPUs (at most the maximum; live through hotplug where the machine
 * allows it) or, with VM_DOMAIN_VCPU_MAXIMUM, the definition's maximum. */
int vm_domain_set_vcpus(struct vm_domain *dom, unsigned int count, unsigned int flags);

/* Saves a running domain's state, with its definition, to the file path
 * (the caller's, created or replaced) and stops it; vm_domain_restore()
 * brings it back.  A transient domain is gone until then. */
int vm_domain_save(struct vm_domain *dom, const char *path, unsigned int flags);

/* Starts the domain a vm_domain_save() file holds, from its saved state: a
 * defined domain of that UUID runs it (keeping its definition for the next
 * boot), else it runs as a transient domain.  Refused while that domain
 * is active. */
int vm_domain_restore(struct vm_connect *conn, const char *path, unsigned int flags);

/* The guest's serial console (dev: its alias, such as "serial0", or NULL
 * for the first), opened for reading and writing and held exclusively: a
 * second open while this one is held is refused.  Returns the descriptor
 * (close it to let go), -1 with an error. */
int vm_domain_open_console(struct vm_domain *dom, const char *dev, unsigned int flags);

/* A domain's vCPU count (libvirt's virDomainGetVcpusFlags): current or,
 * with VM_DOMAIN_VCPU_MAXIMUM, maximum; of the live domain or of its
 * definition as the affect flags say.  LIVE of a domain that is off, or
 * CONFIG of a transient one, is an operation-invalid error. */
int vm_domain_get_vcpu_count(struct vm_domain *dom, unsigned int flags);

/* Where each online vCPU runs and may run; of a domain that is off, the
 * definition's vCPUs with state -1 and their pinning.  Free with
 * vm_vcpu_list_free(). */
struct vm_vcpu_list *vm_domain_get_vcpus(struct vm_domain *dom, unsigned int flags);

/* Up to nr memory statistics of a running domain into stats, in the order
 * the source gives them; returns how many (0 when it has no balloon to
 * ask), -1 on error. */
int vm_domain_memory_stats(struct vm_domain *dom, struct vm_memory_stat *stats, unsigned int nr,
                           unsigned int flags);

enum vm_domain_xml_flags {
    VM_DOMAIN_XML_INACTIVE = 1 << 0, /* the persistent definition, not the live one */
    VM_DOMAIN_XML_SECURE = 1 << 1,   /* secrets too (passwd=); read-write connections only */
};

/* The domain's XML; caller frees with free(). */
char *vm_domain_get_xml(struct vm_domain *dom, unsigned int flags);

/* Defines a persistent domain from XML; returns its handle. */
struct vm_domain *vm_domain_define_xml(struct vm_connect *conn, const char *xml, unsigned int flags);

/* Creates and starts a transient domain from XML; returns its handle. */
struct vm_domain *vm_domain_create_xml(struct vm_connect *conn, const char *xml, unsigned int flags);

enum vm_domain_start_flags {
    VM_DOMAIN_START_PAUSED = 1 << 0, /* with its vCPUs paused */
};

/* Starts a defined, shut-off domain (restoring a managed-save image). */
int vm_domain_start(struct vm_domain *dom, unsigned int flags);

/* Asks the guest to shut down (it may ignore the request). */
int vm_domain_shutdown(struct vm_domain *dom, unsigned int flags);

enum vm_domain_destroy_flags {
    /* ask its process to stop (SIGTERM) and wait, never kill it: an error
     * when it does not stop in time */
    VM_DOMAIN_DESTROY_GRACEFUL = 1 << 0,
};

/* Forces the domain off at once. */
int vm_domain_destroy(struct vm_domain *dom, unsigned int flags);

/* Pauses the vCPUs of a running domain. */
int vm_domain_suspend(struct vm_domain *dom, unsigned int flags);

/* Resumes a paused domain. */
int vm_domain_resume(struct vm_domain *dom, unsigned int flags);

/* Asks the guest to reboot. */
int vm_domain_reboot(struct vm_domain *dom, unsigned int flags);

/* Resets the domain at once, like the reset button. */
int vm_domain_reset(struct vm_domain *dom, unsigned int flags);

/* Saves the domain's state to a managed image and stops it. */
int vm_domain_managed_save(struct vm_domain *dom, unsigned int flags);

/* 1 when a managed-save image exists, 0 when not, -1 on error. */
int vm_domain_has_managed_save(struct vm_domain *dom, unsigned int flags);

/* How shutdown and reboot ask the guest (libvirt's flags): the ACPI
 * button (the default) or its agent. */
enum vm_domain_shutdown_flags {
    VM_DOMAIN_SHUTDOWN_ACPI = 1 << 0,
    VM_DOMAIN_SHUTDOWN_AGENT = 1 << 1,
};

enum vm_domain_undefine_flags {
    VM_DOMAIN_UNDEFINE_MANAGED_SAVE = 1 << 0, /* also remove a managed-save image */
    VM_DOMAIN_UNDEFINE_NVRAM = 1 << 1,        /* also remove its UEFI variables */
    VM_DOMAIN_UNDEFINE_KEEP_NVRAM = 1 << 2,   /* keep them */
};

/* Removes a persistent definition (a running domain becomes transient).  A
 * domain with a managed-save image is refused unless the flag says remove
 * it; one with UEFI variables unless a flag says remove or keep them (as
 * libvirt). */
int vm_domain_undefine(struct vm_domain *dom, unsigned int flags);

/* Autostart of a persistent domain: *autostart gets 0 or 1. */
int vm_domain_get_autostart(struct vm_domain *dom, int *autostart);
int vm_domain_set_autostart(struct vm_domain *dom, int autostart);

/* ---------------------------------------------------------------- helpers */

/* The URI to use when the caller names none: $VIRTMON_DEFAULT_URI, then
 * uri_default in virtmon.conf, then qemu:///system for root and
 * qemu:///session otherwise.  Caller frees with free(). */
char *vm_uri_default(void);

/* Parses "6695eb01-f6a4-..." (dashes optional) into raw bytes. */
int vm_uuid_parse(const char *str, unsigned char uuid[VM_UUID_BUFLEN]);

/* Formats raw bytes as the canonical 36-character text. */
void vm_uuid_format(const unsigned char uuid[VM_UUID_BUFLEN], char buf[VM_UUID_STRING_BUFLEN]);

/* The library's version (VM_VERSION_NUMBER of the library that runs). */
unsigned long long vm_library_version(void);

#ifdef __cplusplus
}
#endif

#endif /* VIRTMON_H */
