/*
 * domain_conf.h: the domain definition every driver uses, and its XML
 * (libvirt's domain XML, the subset virtmon interprets).
 */
#ifndef DOMAIN_CONF_H
#define DOMAIN_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libxml/tree.h>

#include "virtmon.h"

struct vm_preserved;

enum vm_virt_type {
    VM_VIRT_QEMU,
    VM_VIRT_KVM,
    VM_VIRT_XEN,
    VM_VIRT_TEST,
    VM_VIRT_LAST
};

enum vm_lifecycle_action {
    VM_ACTION_DESTROY,
    VM_ACTION_RESTART,
    VM_ACTION_PRESERVE,
    VM_ACTION_RENAME_RESTART,
    VM_ACTION_COREDUMP_DESTROY,
    VM_ACTION_COREDUMP_RESTART,
    VM_ACTION_LAST
};

enum vm_disk_type { VM_DISK_TYPE_FILE, VM_DISK_TYPE_BLOCK, VM_DISK_TYPE_LAST };
enum vm_disk_device { VM_DISK_DEVICE_DISK, VM_DISK_DEVICE_CDROM, VM_DISK_DEVICE_LAST };

struct vm_disk_def {
    enum vm_disk_type type;
    enum vm_disk_device device;
    char *driver_name;      /* <driver name=...>, or NULL */
    char *driver_type;      /* <driver type=...> (raw, qcow2, ...) */
    char *driver_cache;     /* <driver cache=...> */
    char *source;           /* file or dev path, NULL for an empty cdrom */
    char *target_dev;       /* "vda" */
    char *target_bus;       /* "virtio", "ide", ... or NULL */
    bool readonly;
};

enum vm_net_type {
    VM_NET_TYPE_USER,
    VM_NET_TYPE_NETWORK,
    VM_NET_TYPE_BRIDGE,
    VM_NET_TYPE_ETHERNET,
    VM_NET_TYPE_LAST
};

struct vm_net_def {
    enum vm_net_type type;
    unsigned char mac[6];
    char *source;           /* network name (network) or bridge (bridge) */
    char *target_dev;       /* tap device, or NULL */
    char *model;            /* "virtio", "e1000", ... or NULL */
};

struct vm_graphics_def {
    int port;               /* -1: autoport */
    bool autoport;
    char *listen;           /* address, or NULL */
};

struct vm_chardev_def {
    int port;               /* <target port=...>, -1 when absent */
    char *target_type;      /* console: "serial", "virtio"; NULL when absent */
};

struct vm_domain_def {
    enum vm_virt_type type;
    int id;                         /* the live id attribute: -1 (ignored on input) */
    char *name;
    unsigned char uuid[VM_UUID_BUFLEN];
    char *description;
    uint64_t memory_kib;            /* <memory> */
    uint64_t cur_memory_kib;        /* <currentMemory> (= memory when absent) */
    unsigned int vcpus;             /* the maximum */
    unsigned int vcpus_current;     /* <vcpu current>: online at boot (= vcpus when absent) */
    char *vcpu_cpuset;              /* <vcpu cpuset>: host CPUs they may run on, or NULL */
    bool vcpu_placement_static;     /* <vcpu placement='static'> as written */
    char *os_type;                  /* "hvm", "linux", "xen" */
    char *os_arch;
    char *os_machine;
    char *os_kernel, *os_initrd, *os_cmdline;
    char **boot_devs;               /* "hd", "cdrom", "network", "fd" */
    size_t nboot_devs;
    enum vm_lifecycle_action on_poweroff, on_reboot, on_crash;
    char *emulator;
    struct vm_disk_def *disks;
    size_t ndisks;
    struct vm_net_def *nets;
    size_t nnets;
    struct vm_graphics_def *graphics;   /* VNC */
    size_t ngraphics;
    struct vm_chardev_def *serials;
    size_t nserials;
    struct vm_chardev_def *consoles;
    size_t nconsoles;
    int test_runstate;              /* libvirt's test:runstate, -1 when absent */
    struct vm_preserved *preserved; /* what no driver uses, kept (domain_preserved.h) */
};

enum vm_domain_parse_flags {
    /* Allow libvirt's test namespace element <test:runstate> (fixtures only). */
    VM_DOMAIN_PARSE_TEST_RUNSTATE = 1 << 0,
    /* A definition virtmon stored itself: what only a later rule refuses (a
     * name with control characters or over VM_DOMAIN_NAME_MAX bytes, more
     * than VM_DOMAIN_VCPUS_MAX vCPUs, memory 0) is read, so that the domain
     * stays listed and can be destroyed and undefined. */
    VM_DOMAIN_PARSE_LEGACY_NAME = 1 << 1,
};

/* Longest domain name, in bytes (a name is printed on terminals, in
 * logs, and makes file names). */
#define VM_DOMAIN_NAME_MAX 200

/* Most vCPUs a definition may have. */
#define VM_DOMAIN_VCPUS_MAX 4096

/* 0 when def keeps every rule that VM_DOMAIN_PARSE_LEGACY_NAME relaxes,
 * else -1 with *why a static text naming the first it breaks. */
int vm_domain_def_check_limits(const struct vm_domain_def *def, const char **why);


/* 0 when name follows the naming rules (UTF-8 except '/' and control
 * characters, 1 to VM_DOMAIN_NAME_MAX bytes), else -1 with *why set to a
 * static text saying what is wrong. */
int vm_domain_name_check(const char *name, const char **why);

/* Parses and validates (RelaxNG, drivers/conf/schemas/domain.rng) a domain
 * document; generates a missing UUID and MACs.  NULL with an xml error naming
 * the element and line of what is wrong.  Free with vm_domain_def_free(). */
struct vm_domain_def *vm_domain_def_parse_string(const char *xml, unsigned int flags);

/* The same from a <domain> element of a larger document (test fixtures);
 * what names the document in errors.  The reader checks every value and
 * refuses anything it did not consume, without a schema pass. */
struct vm_domain_def *vm_domain_def_parse_node(xmlNodePtr node, const char *what,
                                               unsigned int flags);

enum vm_domain_format_flags {
    VM_DOMAIN_FORMAT_INACTIVE = 1 << 0,  /* leave the live id out */
    VM_DOMAIN_FORMAT_SECURE = 1 << 1,    /* secrets (passwd) too */
};

/* The canonical XML of def (stable order, two-space indentation).  Caller
 * frees with free(). */
char *vm_domain_def_format(const struct vm_domain_def *def, unsigned int flags);

void vm_domain_def_free(struct vm_domain_def *def);

/* A deep copy.  Free with vm_domain_def_free(). */
struct vm_domain_def *vm_domain_def_copy(const struct vm_domain_def *def);

/* Allocates st's block and net arrays from def's devices and fills what a
 * definition tells (names, backing, media, model, MAC; raw file sizes);
 * counters are left for the driver. */
void vm_domain_def_fill_devices(const struct vm_domain_def *def, struct vm_domain_stats *st);

/* "qemu", "kvm", "xen", "test". */
const char *vm_virt_type_name(enum vm_virt_type type);

/* Validates a parsed document against the schema (compiled into the library
 * from drivers/conf/schemas/domain.rng; the root may be a <domain> or a
 * test-driver <node>).  0, or -1 with an xml error naming the element and
 * line. */
int vm_domain_schema_validate(xmlDocPtr doc, const char *what);

/* "52:54:00:12:34:56" into mac; -1 when s is NULL or not such a MAC. */
int vm_mac_parse(const char *s, unsigned char mac[6]);

/* mac as "52:54:00:12:34:56" into out (18 bytes with its NUL). */
void vm_mac_format(const unsigned char mac[6], char out[18]);

/* Which sides of a domain the affect flags (enum vm_domain_affect_flags)
 * name, by libvirt's rule: LIVE and/or CONFIG as given, else (CURRENT) the
 * running domain when it runs and its definition when it does not.  -1
 * with an operation-invalid error when a side named does not exist (a
 * domain that is off has no live side, a transient one no definition). */
int vm_domain_affected(unsigned int flags, bool active, bool persistent, bool *live,
                       bool *config);

/* Sets def's current memory or, when maximum, its maximum (a current
 * memory above it comes down to it).  The caller checked kib. */
void vm_domain_def_set_memory(struct vm_domain_def *def, uint64_t kib, bool maximum);

/* Sets def's online vCPUs or, when maximum, its maximum (online vCPUs
 * above it come down to it).  The caller checked count. */
void vm_domain_def_set_vcpus(struct vm_domain_def *def, unsigned int count, bool maximum);

/* Parses libvirt's cpuset syntax ("0-3,^2,6") into map, ncpus bits wide
 * (zeroed first; CPUs at or past ncpus are left out).  0, or -1 when s is
 * not a cpuset (no error is reported). */
int vm_cpuset_parse(const char *s, unsigned char *map, unsigned int ncpus);

/* Random bytes for UUIDs and MACs; -1 with a system error. */
int vm_random_bytes(unsigned char *buf, size_t len);

#endif /* DOMAIN_CONF_H */
