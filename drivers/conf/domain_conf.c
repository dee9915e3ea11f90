/*
 * domain_conf.c: domain XML -> struct vm_domain_def, and the struct's
 * lifetime (free, copy).
 *
 * A document passes three gates: well-formed (vm_xml_read), the RelaxNG
 * schema, and this reader, which checks what a schema cannot (units and
 * their overflow, currentMemory <= memory, unique targets) and records every
 * element and attribute it consumed: anything left over is refused by name
 * and line, so nothing in a definition is dropped silently.
 */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "domain_conf.h"
#include "domain_preserved.h"
#include "util/vm_alloc.h"
#include "util/vm_error.h"
#include "util/vm_units.h"
#include "util/vm_xml.h"

#define TEST_NS "http://libvirt.org/schemas/domain/test/1.0"

static const char *const virt_types[VM_VIRT_LAST] = {"qemu", "kvm", "xen", "test"};
static const char *const actions[VM_ACTION_LAST] = {
    "destroy", "restart", "preserve", "rename-restart", "coredump-destroy", "coredump-restart"};
static const char *const disk_types[VM_DISK_TYPE_LAST] = {"file", "block"};
static const char *const disk_devices[VM_DISK_DEVICE_LAST] = {"disk", "cdrom"};
static const char *const net_types[VM_NET_TYPE_LAST] = {"user", "network", "bridge",
                                                        "ethernet"};
/* Enumerations the schema also lists: the reader checks them itself, so a
 * fixture (read without the schema, for speed) gets the same answers. */
static const char *const os_types[] = {"hvm", "linux", "xen"};
static const char *const boot_devs[] = {"hd", "cdrom", "network", "fd"};
static const char *const disk_buses[] = {"ide", "scsi", "virtio", "xen", "usb", "sata", "fdc"};
static const char *const cache_modes[] = {"default",    "none",       "writethrough",
                                          "writeback",  "directsync", "unsafe"};
static const char *const yes_no[] = {"yes", "no"};
static const char *const pty_only[] = {"pty"};
static const char *const vnc_only[] = {"vnc"};
static const char *const static_only[] = {"static"};
/* libvirt's serial and console target types (the drivers say which they
 * apply) */
static const char *const console_targets[] = {
    "serial",   "virtio",         "xen",         "lxc",           "openvz",
    "uml",      "sclp",           "sclplm",      "isa-serial",    "usb-serial",
    "pci-serial", "spapr-vio-serial", "system-serial", "sclp-serial", "isa-debug"};
#define N_(a) ((int)(sizeof(a) / sizeof((a)[0])))

const char *vm_virt_type_name(enum vm_virt_type type)
{
    return (unsigned)type < VM_VIRT_LAST ? virt_types[type] : "unknown";
}

int vm_random_bytes(unsigned char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = getrandom(buf, len, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            vm_report_system_error(errno, "cannot read random bytes");
            return -1;
        }
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

static void disk_clear(struct vm_disk_def *d)
{
    free(d->driver_name);
    free(d->driver_type);
    free(d->driver_cache);
    free(d->source);
    free(d->target_dev);
    free(d->target_bus);
}

static void net_clear(struct vm_net_def *n)
{
    free(n->source);
    free(n->target_dev);
    free(n->model);
}

void vm_domain_def_free(struct vm_domain_def *def)
{
    if (!def)
        return;
    free(def->name);
    free(def->description);
    free(def->vcpu_cpuset);
    free(def->os_type);
    free(def->os_arch);
    free(def->os_machine);
    free(def->os_kernel);
    free(def->os_initrd);
    free(def->os_cmdline);
    for (size_t i = 0; i < def->nboot_devs; i++)
        free(def->boot_devs[i]);
    free(def->boot_devs);
    free(def->emulator);
    for (size_t i = 0; i < def->ndisks; i++)
        disk_clear(&def->disks[i]);
    free(def->disks);
    for (size_t i = 0; i < def->nnets; i++)
        net_clear(&def->nets[i]);
    free(def->nets);
    for (size_t i = 0; i < def->ngraphics; i++)
        free(def->graphics[i].listen);
    free(def->graphics);
    for (size_t i = 0; i < def->nserials; i++)
        free(def->serials[i].target_type);
    free(def->serials);
    for (size_t i = 0; i < def->nconsoles; i++)
        free(def->consoles[i].target_type);
    free(def->consoles);
    vm_preserved_free(def->preserved);
    free(def);
}

VM_DEFINE_AUTOPTR(vm_domain_def)

static struct vm_chardev_def *copy_chardevs(const struct vm_chardev_def *src, size_t n)
{
    struct vm_chardev_def *dst;

    VM_NEW_N(dst, n);
    for (size_t i = 0; i < n; i++) {
        dst[i] = src[i];
        dst[i].target_type = vm_strdup(src[i].target_type);
    }
    return dst;
}

struct vm_domain_def *vm_domain_def_copy(const struct vm_domain_def *src)
{
    struct vm_domain_def *def;

    VM_NEW(def);
    *def = *src;
    def->name = vm_strdup(src->name);
    def->description = vm_strdup(src->description);
    def->vcpu_cpuset = vm_strdup(src->vcpu_cpuset);
    def->os_type = vm_strdup(src->os_type);
    def->os_arch = vm_strdup(src->os_arch);
    def->os_machine = vm_strdup(src->os_machine);
    def->os_kernel = vm_strdup(src->os_kernel);
    def->os_initrd = vm_strdup(src->os_initrd);
    def->os_cmdline = vm_strdup(src->os_cmdline);
    def->emulator = vm_strdup(src->emulator);
    VM_NEW_N(def->boot_devs, src->nboot_devs);
    for (size_t i = 0; i < src->nboot_devs; i++)
        def->boot_devs[i] = vm_strdup(src->boot_devs[i]);
    VM_NEW_N(def->disks, src->ndisks);
    for (size_t i = 0; i < src->ndisks; i++) {
        const struct vm_disk_def *s = &src->disks[i];
        struct vm_disk_def *d = &def->disks[i];
        *d = *s;
        d->driver_name = vm_strdup(s->driver_name);
        d->driver_type = vm_strdup(s->driver_type);
        d->driver_cache = vm_strdup(s->driver_cache);
        d->source = vm_strdup(s->source);
        d->target_dev = vm_strdup(s->target_dev);
        d->target_bus = vm_strdup(s->target_bus);
    }
    VM_NEW_N(def->nets, src->nnets);
    for (size_t i = 0; i < src->nnets; i++) {
        def->nets[i] = src->nets[i];
        def->nets[i].source = vm_strdup(src->nets[i].source);
        def->nets[i].target_dev = vm_strdup(src->nets[i].target_dev);
        def->nets[i].model = vm_strdup(src->nets[i].model);
    }
    VM_NEW_N(def->graphics, src->ngraphics);
    for (size_t i = 0; i < src->ngraphics; i++) {
        def->graphics[i] = src->graphics[i];
        def->graphics[i].listen = vm_strdup(src->graphics[i].listen);
    }
    def->serials = copy_chardevs(src->serials, src->nserials);
    def->consoles = copy_chardevs(src->consoles, src->nconsoles);
    def->preserved = vm_preserved_copy(src->preserved);
    return def;
}

/* Parsing context: the document's name for messages, and the problems
 * found so far (every one is reported, in document order). */
struct reader {
    const char *what;
    struct vm_xml_problems *ps;
};

/* Notes a problem at node's line; always -1 (the reader's failure). */
static int refuse(const struct reader *r, xmlNodePtr node, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int refuse(const struct reader *r, xmlNodePtr node, const char *fmt, ...)
{
    va_list ap;
    char *m;

    va_start(ap, fmt);
    m = vm_vasprintf(fmt, ap);
    va_end(ap);
    vm_xml_problem(r->ps, xmlGetLineNo(node), "%s", m);
    free(m);
    return -1;
}

/* A step that failed on node (its problem noted): the subtree counts as
 * read, so that what the step left unread is not reported too. */
static void skip(xmlNodePtr node)
{
    vm_xml_consume_all(node);
}

static int lookup_enum(const struct reader *r, xmlNodePtr node, const char *attr,
                       const char *value, const char *const *names, int n)
{
    for (int i = 0; i < n; i++) {
        if (strcmp(names[i], value) == 0)
            return i;
    }
    refuse(r, node, "invalid %s '%s' of element '%s'", attr, value, (const char *)node->name);
    return -1;
}

/* Lexical checks the schema leaves to us (see the note in domain.rng). */
static int check_chars(const struct reader *r, xmlNodePtr node, const char *what,
                       const char *value, const char *extra)
{
    if (!*value)
        goto error;
    for (const char *p = value; *p; p++) {
        if (!isalnum((unsigned char)*p) && !strchr(extra, *p))
            goto error;
    }
    return 0;
error:
    refuse(r, node, "invalid %s '%s' in element '%s'", what, value, (const char *)node->name);
    return -1;
}

/* A device, network or bridge name. */
static int check_device(const struct reader *r, xmlNodePtr node, const char *what,
                        const char *value)
{
    return value ? check_chars(r, node, what, value, "_.-") : 0;
}

/* A model, arch, machine, driver or address token. */
static int check_token(const struct reader *r, xmlNodePtr node, const char *what,
                       const char *value)
{
    return value ? check_chars(r, node, what, value, "_.:-") : 0;
}

static int check_path(const struct reader *r, xmlNodePtr node, const char *value)
{
    if (value && (value[0] != '/' || strchr(value, '\n'))) {
        refuse(r, node, "'%s' in element '%s' is not an absolute path", value, (const char *)node->name);
        return -1;
    }
    return 0;
}

/* An optional attribute or text that must be one of names. */
static int check_enum(const struct reader *r, xmlNodePtr node, const char *what,
                      const char *value, const char *const *names, int n)
{
    return value ? (lookup_enum(r, node, what, value, names, n) < 0 ? -1 : 0) : 0;
}

static int read_memory(const struct reader *r, xmlNodePtr node, uint64_t *kib)
{
    VM_AUTOFREE char *unit = vm_xml_prop(node, "unit");
    VM_AUTOFREE char *text = vm_xml_text(node);
    uint64_t value, bytes;

    if (vm_parse_u64(text, &value) < 0) {
        refuse(r, node, "<%s> must be a whole number, not '%s'", (const char *)node->name, text);
        return -1;
    }
    /* Drivers hand memory to hypervisors in bytes: the value must fit 64 bits
     * of bytes, not only of KiB. */
    if (vm_units_to_kib(value, unit, kib) < 0 || vm_kib_to_bytes(*kib, &bytes) < 0) {
        /* the units helper said what; say where */
        VM_AUTOFREE char *why = vm_error_take();
        return refuse(r, node, "<%s>: %s", (const char *)node->name, why);
    }
    return 0;
}

static int read_uint(const struct reader *r, xmlNodePtr node, unsigned int min,
                     unsigned int *out)
{
    VM_AUTOFREE char *text = vm_xml_text(node);
    uint64_t v;

    if (vm_parse_u64(text, &v) < 0 || v < min || v > 0x7fffffff) {
        refuse(r, node, "<%s> must be a whole number from %u, not '%s'", (const char *)node->name, min, text);
        return -1;
    }
    *out = (unsigned int)v;
    return 0;
}

int vm_cpuset_parse(const char *s, unsigned char *map, unsigned int ncpus)
{
    const char *p = s;

    if (!s || !*s)
        return -1;
    memset(map, 0, (ncpus + 7) / 8);
    for (;;) {
        bool neg = *p == '^';
        unsigned long lo, hi;
        char *end;

        p += neg;
        if (*p < '0' || *p > '9')
            return -1;
        lo = hi = strtoul(p, &end, 10);
        p = end;
        if (*p == '-' && !neg) {
            if (p[1] < '0' || p[1] > '9')
                return -1;
            hi = strtoul(p + 1, &end, 10);
            p = end;
        }
        if (lo > hi || hi > 0xffff)
            return -1;
        for (unsigned long c = lo; c <= hi && c < ncpus; c++) {
            if (neg)
                map[c / 8] &= (unsigned char)~(1u << (c % 8));
            else
                map[c / 8] |= (unsigned char)(1u << (c % 8));
        }
        if (!*p)
            return 0;
        if (*p++ != ',')
            return -1;
    }
}

int vm_domain_affected(unsigned int flags, bool active, bool persistent, bool *live,
                       bool *config)
{
    bool named = flags & (VM_DOMAIN_AFFECT_LIVE | VM_DOMAIN_AFFECT_CONFIG);

    *live = named ? (flags & VM_DOMAIN_AFFECT_LIVE) != 0 : active;
    *config = named ? (flags & VM_DOMAIN_AFFECT_CONFIG) != 0 : !active;
    if (*live && !active) {
        vm_report_error(VM_ERR_OPERATION_INVALID, "domain is not running");
        return -1;
    }
    if (*config && !persistent) {
        vm_report_error(VM_ERR_OPERATION_INVALID,
                        "transient domains do not have any persistent config");
        return -1;
    }
    return 0;
}

void vm_domain_def_set_memory(struct vm_domain_def *def, uint64_t kib, bool maximum)
{
    if (!maximum) {
        def->cur_memory_kib = kib;
        return;
    }
    def->memory_kib = kib;
    if (def->cur_memory_kib > kib)
        def->cur_memory_kib = kib;
}

void vm_domain_def_set_vcpus(struct vm_domain_def *def, unsigned int count, bool maximum)
{
    if (!maximum) {
        def->vcpus_current = count;
        return;
    }
    def->vcpus = count;
    if (def->vcpus_current > count)
        def->vcpus_current = count;
}

/* A cpuset that parses and names at least one CPU (one naming none would
 * pin the vCPUs nowhere). */
static bool cpuset_ok(const char *s)
{
    unsigned char map[65536 / 8];

    if (vm_cpuset_parse(s, map, 65536) < 0)
        return false;
    for (size_t i = 0; i < sizeof(map); i++) {
        if (map[i])
            return true;
    }
    return false;
}

void vm_mac_format(const unsigned char mac[6], char out[18])
{
    /* bulk stats format every NIC's: without printf */
    static const char hex[] = "0123456789abcdef";

    for (int i = 0; i < 6; i++) {
        out[3 * i] = hex[mac[i] >> 4];
        out[3 * i + 1] = hex[mac[i] & 15];
        out[3 * i + 2] = i < 5 ? ':' : '\0';
    }
}

int vm_mac_parse(const char *s, unsigned char mac[6])
{
    unsigned int b[6];
    char tail;

    if (!s || strlen(s) != 17 || sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3],
                                  &b[4], &b[5], &tail) != 6)
        return -1;
    for (int i = 0; i < 6; i++)
        mac[i] = (unsigned char)b[i];
    return 0;
}

/* <os>: each child on its own, so that every problem is noted. */
static void read_os(const struct reader *r, xmlNodePtr os, struct vm_domain_def *def)
{
    xmlNodePtr type = vm_xml_child(os, "type");
    xmlNodePtr n;
    size_t alloc = 0;

    if (type) {
        def->os_type = vm_xml_text(type);
        def->os_arch = vm_xml_prop(type, "arch");
        def->os_machine = vm_xml_prop(type, "machine");
        if (check_enum(r, type, "os type", def->os_type, os_types, N_(os_types)) < 0 ||
            check_token(r, type, "arch", def->os_arch) < 0 ||
            check_token(r, type, "machine", def->os_machine) < 0)
            skip(type);
    } else {
        /* libvirt needs it too: without it nothing says what boots */
        vm_xml_problem(r->ps, xmlGetLineNo(os), "<os> needs a <type> (hvm, xen or linux)");
    }
    if ((n = vm_xml_child(os, "kernel")) && check_path(r, n, def->os_kernel = vm_xml_text(n)) < 0)
        skip(n);
    if ((n = vm_xml_child(os, "initrd")) && check_path(r, n, def->os_initrd = vm_xml_text(n)) < 0)
        skip(n);
    if ((n = vm_xml_child(os, "cmdline")))
        def->os_cmdline = vm_xml_text(n);
    for (n = vm_xml_child(os, "boot"); n; n = vm_xml_next(n, "boot")) {
        char *dev = vm_xml_prop(n, "dev");
        if (!dev) {
            vm_xml_problem(r->ps, xmlGetLineNo(n), "<boot> needs dev=");
            continue;
        }
        if (check_enum(r, n, "dev", dev, boot_devs, N_(boot_devs)) < 0) {
            free(dev);
            skip(n);
            continue;
        }
        VM_GROW(def->boot_devs, def->nboot_devs, alloc);
        def->boot_devs[def->nboot_devs - 1] = dev;
    }
}

static int read_disk(const struct reader *r, xmlNodePtr node, struct vm_disk_def *disk)
{
    VM_AUTOFREE char *type = vm_xml_prop(node, "type");
    VM_AUTOFREE char *device = vm_xml_prop(node, "device");
    xmlNodePtr n;
    int v;

    if ((v = lookup_enum(r, node, "type", type ? type : "", disk_types, VM_DISK_TYPE_LAST)) < 0)
        return -1;
    disk->type = (enum vm_disk_type)v;
    if (device) {
        if ((v = lookup_enum(r, node, "device", device, disk_devices, VM_DISK_DEVICE_LAST)) < 0)
            return -1;
        disk->device = (enum vm_disk_device)v;
    }
    if ((n = vm_xml_child(node, "driver"))) {
        disk->driver_name = vm_xml_prop(n, "name");
        disk->driver_type = vm_xml_prop(n, "type");
        disk->driver_cache = vm_xml_prop(n, "cache");
        if (check_token(r, n, "name", disk->driver_name) < 0 ||
            check_token(r, n, "type", disk->driver_type) < 0 ||
            check_enum(r, n, "cache", disk->driver_cache, cache_modes, N_(cache_modes)) < 0)
            return -1;
    }
    if ((n = vm_xml_child(node, "source"))) {
        disk->source = vm_xml_prop(n, disk->type == VM_DISK_TYPE_FILE ? "file" : "dev");
        if (check_path(r, n, disk->source) < 0)
            return -1;
    }
    if ((n = vm_xml_child(node, "target"))) {
        disk->target_dev = vm_xml_prop(n, "dev");
        disk->target_bus = vm_xml_prop(n, "bus");
        if (check_device(r, n, "dev", disk->target_dev) < 0 ||
            check_enum(r, n, "bus", disk->target_bus, disk_buses, N_(disk_buses)) < 0)
            return -1;
    }
    if (!disk->target_dev) {
        refuse(r, node, "<disk> needs <target dev=...>");
        return -1;
    }
    disk->readonly = vm_xml_child(node, "readonly") != NULL;
    return 0;
}

static int read_net(const struct reader *r, xmlNodePtr node, struct vm_net_def *net,
                    enum vm_virt_type virt)
{
    VM_AUTOFREE char *type = vm_xml_prop(node, "type");
    xmlNodePtr n;
    int v;

    if ((v = lookup_enum(r, node, "type", type ? type : "", net_types, VM_NET_TYPE_LAST)) < 0)
        return -1;
    net->type = (enum vm_net_type)v;
    if ((n = vm_xml_child(node, "mac"))) {
        VM_AUTOFREE char *addr = vm_xml_prop(n, "address");
        if (!addr || vm_mac_parse(addr, net->mac) < 0) {
            refuse(r, n, "invalid MAC address '%s'", addr ? addr : "");
            return -1;
        }
        if (net->mac[0] & 1) {
            refuse(r, n, "MAC address '%s' is a multicast address", addr);
            return -1;
        }
    } else {
        /* libvirt's prefixes: QEMU's for qemu/kvm/test, Xen's OUI for xen. */
        static const unsigned char qemu_oui[3] = {0x52, 0x54, 0x00};
        static const unsigned char xen_oui[3] = {0x00, 0x16, 0x3e};
        memcpy(net->mac, virt == VM_VIRT_XEN ? xen_oui : qemu_oui, 3);
        if (vm_random_bytes(net->mac + 3, 3) < 0) {
            VM_AUTOFREE char *why = vm_error_take();
            return refuse(r, node, "cannot make a MAC address: %s", why);
        }
    }
    if ((n = vm_xml_child(node, "source"))) {
        net->source = vm_xml_prop(n, net->type == VM_NET_TYPE_BRIDGE ? "bridge" : "network");
    }
    if ((net->type == VM_NET_TYPE_NETWORK || net->type == VM_NET_TYPE_BRIDGE) && !net->source) {
        refuse(r, node, "<interface type='%s'> needs a <source>", type);
        return -1;
    }
    if (check_device(r, node, net->type == VM_NET_TYPE_BRIDGE ? "bridge" : "network",
                     net->source) < 0)
        return -1;
    if ((n = vm_xml_child(node, "target")) &&
        check_device(r, n, "dev", net->target_dev = vm_xml_prop(n, "dev")) < 0)
        return -1;
    if ((n = vm_xml_child(node, "model")) &&
        check_token(r, n, "type", net->model = vm_xml_prop(n, "type")) < 0)
        return -1;
    return 0;
}

static int read_graphics(const struct reader *r, xmlNodePtr node, struct vm_graphics_def *g)
{
    VM_AUTOFREE char *port = vm_xml_prop(node, "port");
    VM_AUTOFREE char *autoport = vm_xml_prop(node, "autoport");
    VM_AUTOFREE char *type = vm_xml_prop(node, "type");

    if (check_enum(r, node, "type", type ? type : "", vnc_only, 1) < 0 ||
        check_enum(r, node, "autoport", autoport, yes_no, 2) < 0)
        return -1;
    g->port = -1;
    if (port && (vm_parse_int(port, &g->port) < 0 || g->port < -1 || g->port > 65535)) {
        refuse(r, node, "invalid VNC port '%s'", port);
        return -1;
    }
    /* libvirt: port -1 (or none) means autoport; autoport='yes' wins over a port */
    g->autoport = g->port == -1 || (autoport && strcmp(autoport, "yes") == 0);
    if (g->autoport)
        g->port = -1;
    g->listen = vm_xml_prop(node, "listen");
    return check_token(r, node, "listen", g->listen);
}

static int read_chardev(const struct reader *r, xmlNodePtr node, struct vm_chardev_def *c)
{
    xmlNodePtr t = vm_xml_child(node, "target");
    VM_AUTOFREE char *type = vm_xml_prop(node, "type");

    c->port = -1;
    /* no type is a pty, as libvirt has it */
    if (check_enum(r, node, "type", type ? type : "pty", pty_only, 1) < 0)
        return -1;
    if (t) {
        VM_AUTOFREE char *port = vm_xml_prop(t, "port");
        if (port && (vm_parse_int(port, &c->port) < 0 || c->port < 0)) {
            refuse(r, t, "invalid port '%s'", port);
            return -1;
        }
        c->target_type = vm_xml_prop(t, "type");
        if (check_enum(r, t, "type", c->target_type, console_targets, N_(console_targets)) < 0)
            return -1;
    }
    return 0;
}

/* Whether node's attribute attr holds one of values: a device of a kind
 * libvirt has and no driver of ours uses, which is kept whole rather than
 * read (and its driver refuses to start the domain). */
static bool libvirt_only(xmlNodePtr node, const char *attr, const char *const *values)
{
    xmlChar *v = xmlGetNoNsProp(node, (const xmlChar *)attr);
    bool found = false;

    for (const char *const *p = values; v && *p && !found; p++)
        found = strcmp(*p, (const char *)v) == 0;
    xmlFree(v);
    return found;
}

static const char *const kept_disk_types[] = {"dir", "network", "volume", "nvme", "vhostuser",
                                              NULL};
static const char *const kept_disk_devices[] = {"floppy", "lun", NULL};
static const char *const kept_net_types[] = {"direct",  "hostdev", "mcast", "server", "client",
                                             "udp",     "vhostuser", "vdpa", "internal", "null",
                                             "vds",     NULL};
static const char *const kept_graphics[] = {"sdl", "rdp", "desktop", "spice", "egl-headless",
                                            "dbus", NULL};
static const char *const kept_chardevs[] = {"null", "vc",  "file", "dev", "pipe", "stdio",
                                            "udp",  "tcp", "unix", "spicevmc", "spiceport",
                                            "nmdm", "qemu-vdagent", "dbus", NULL};

/* <devices>: each device on its own, so that every problem is noted. */
static void read_devices(const struct reader *r, xmlNodePtr devs, struct vm_domain_def *def)
{
    xmlNodePtr n;
    size_t a_disk = 0, a_net = 0, a_gfx = 0, a_ser = 0, a_con = 0;

    if ((n = vm_xml_child(devs, "emulator")) &&
        check_path(r, n, def->emulator = vm_xml_text(n)) < 0)
        skip(n);
    for (n = vm_xml_child(devs, "disk"); n; n = vm_xml_next(n, "disk")) {
        struct vm_disk_def d = {0};
        bool twice = false;
        if (libvirt_only(n, "type", kept_disk_types) ||
            libvirt_only(n, "device", kept_disk_devices)) {
            vm_xml_unconsume(n);    /* kept whole */
            continue;
        }
        if (read_disk(r, n, &d) < 0) {
            disk_clear(&d);
            skip(n);
            continue;
        }
        for (size_t i = 0; i < def->ndisks && !twice; i++)
            twice = strcmp(def->disks[i].target_dev, d.target_dev) == 0;
        if (twice) {
            vm_xml_problem(r->ps, xmlGetLineNo(n), "disk target '%s' is used twice",
                           d.target_dev);
            disk_clear(&d);
            continue;
        }
        VM_GROW(def->disks, def->ndisks, a_disk);
        def->disks[def->ndisks - 1] = d;
    }
    for (n = vm_xml_child(devs, "interface"); n; n = vm_xml_next(n, "interface")) {
        struct vm_net_def d = {0};
        if (libvirt_only(n, "type", kept_net_types)) {
            vm_xml_unconsume(n);
            continue;
        }
        if (read_net(r, n, &d, def->type) < 0) {
            net_clear(&d);
            skip(n);
            continue;
        }
        VM_GROW(def->nets, def->nnets, a_net);
        def->nets[def->nnets - 1] = d;
    }
    for (n = vm_xml_child(devs, "graphics"); n; n = vm_xml_next(n, "graphics")) {
        if (libvirt_only(n, "type", kept_graphics)) {
            vm_xml_unconsume(n);
            continue;
        }
        VM_GROW(def->graphics, def->ngraphics, a_gfx);
        if (read_graphics(r, n, &def->graphics[def->ngraphics - 1]) < 0) {
            free(def->graphics[--def->ngraphics].listen);
            skip(n);
        }
    }
    for (n = vm_xml_child(devs, "serial"); n; n = vm_xml_next(n, "serial")) {
        if (libvirt_only(n, "type", kept_chardevs)) {
            vm_xml_unconsume(n);
            continue;
        }
        VM_GROW(def->serials, def->nserials, a_ser);
        if (read_chardev(r, n, &def->serials[def->nserials - 1]) < 0) {
            free(def->serials[--def->nserials].target_type);
            skip(n);
        }
    }
    for (n = vm_xml_child(devs, "console"); n; n = vm_xml_next(n, "console")) {
        if (libvirt_only(n, "type", kept_chardevs)) {
            vm_xml_unconsume(n);
            continue;
        }
        VM_GROW(def->consoles, def->nconsoles, a_con);
        if (read_chardev(r, n, &def->consoles[def->nconsoles - 1]) < 0) {
            free(def->consoles[--def->nconsoles].target_type);
            skip(n);
        }
    }
}

static xmlNodePtr runstate_child(xmlNodePtr node)
{
    for (xmlNodePtr c = node->children; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE && c->ns && c->ns->href &&
            strcmp((const char *)c->ns->href, TEST_NS) == 0 &&
            strcmp((const char *)c->name, "runstate") == 0)
            return c;
    }
    return NULL;
}

static int read_action(const struct reader *r, xmlNodePtr dom, const char *name,
                       enum vm_lifecycle_action dflt, enum vm_lifecycle_action *out)
{
    xmlNodePtr n = vm_xml_child(dom, name);
    VM_AUTOFREE char *text = NULL;
    int v;

    *out = dflt;
    if (!n)
        return 0;
    text = vm_xml_text(n);
    if ((v = lookup_enum(r, n, "action", text, actions, VM_ACTION_LAST)) < 0)
        return -1;
    *out = (enum vm_lifecycle_action)v;
    return 0;
}

int vm_domain_def_check_limits(const struct vm_domain_def *def, const char **why)
{
    if (vm_domain_name_check(def->name, why) < 0)
        return -1;
    if (def->vcpus > VM_DOMAIN_VCPUS_MAX) {
        *why = "more than 4096 vCPUs";
        return -1;
    }
    if (def->memory_kib == 0) {
        *why = "memory of 0";
        return -1;
    }
    return 0;
}

int vm_domain_name_check(const char *name, const char **why)
{
    size_t len = strlen(name);

    if (!len)
        *why = "a name cannot be empty";
    else if (len > VM_DOMAIN_NAME_MAX)
        *why = "a name has at most 200 bytes";
    else if (strchr(name, '/'))
        *why = "a name cannot contain '/'";
    else {
        for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
            if (*p < 0x20 || *p == 0x7f) {
                *why = "a name cannot contain control characters";
                return -1;
            }
        }
        return 0;
    }
    return -1;
}

/* Reads a <domain> element into a new def; marks what it consumed and
 * notes every problem (the def is then incomplete: the caller drops it). */
static struct vm_domain_def *read_domain(const struct reader *r, xmlNodePtr node,
                                         unsigned int flags)
{
    VM_AUTOPTR(vm_domain_def) def = NULL;
    VM_AUTOFREE char *type = NULL;
    VM_AUTOFREE char *id = NULL;
    const char *why;
    xmlNodePtr n;
    int v;

    vm_xml_consume(node);
    VM_NEW(def);
    def->id = -1;
    def->test_runstate = -1;
    def->vcpus = 1;

    type = vm_xml_prop(node, "type");
    /* a problem is noted and reading goes on: every one is reported */
    if ((v = lookup_enum(r, node, "type", type ? type : "", virt_types, VM_VIRT_LAST)) >= 0)
        def->type = (enum vm_virt_type)v;
    id = vm_xml_prop(node, "id"); /* the live id of dumpxml output: not a definition */

    if (!(n = vm_xml_child(node, "name"))) {
        vm_xml_problem(r->ps, xmlGetLineNo(node), "<domain> needs a <name>");
        def->name = vm_strdup("");
    } else {
        def->name = vm_xml_text(n);
        if (vm_domain_name_check(def->name, &why) < 0) {
            /* what older versions accepted (no '/' or newline, 255 bytes) is
             * still read from their own files */
            bool old_ok = *def->name && !strchr(def->name, '/') && !strchr(def->name, '\n') &&
                          strlen(def->name) <= 255;
            if (!(flags & VM_DOMAIN_PARSE_LEGACY_NAME) || !old_ok) {
                /* a name with control characters is not echoed to a terminal */
                bool show = old_ok && !strstr(why, "control");
                vm_xml_problem(r->ps, xmlGetLineNo(n), "invalid domain name%s%s%s: %s",
                               show ? " '" : "", show ? def->name : "", show ? "'" : "", why);
            }
        }
    }
    if ((n = vm_xml_child(node, "uuid"))) {
        VM_AUTOFREE char *text = vm_xml_text(n);
        if (vm_uuid_parse(text, def->uuid) < 0) {
            vm_error_reset();
            vm_xml_problem(r->ps, xmlGetLineNo(n), "invalid UUID '%s'", text);
        }
    } else {
        if (vm_random_bytes(def->uuid, VM_UUID_BUFLEN) < 0)
            return NULL;
        def->uuid[6] = (unsigned char)((def->uuid[6] & 0x0f) | 0x40); /* version 4 */
        def->uuid[8] = (unsigned char)((def->uuid[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    }
    if ((n = vm_xml_child(node, "description")))
        def->description = vm_xml_text(n);

    if (!(n = vm_xml_child(node, "memory"))) {
        vm_xml_problem(r->ps, xmlGetLineNo(node), "<domain> needs a <memory>");
    } else if (read_memory(r, n, &def->memory_kib) < 0) {
        skip(n);
    } else if (def->memory_kib == 0 && !(flags & VM_DOMAIN_PARSE_LEGACY_NAME)) {
        vm_xml_problem(r->ps, xmlGetLineNo(n), "<memory> must be at least 1 KiB");
    }
    def->cur_memory_kib = def->memory_kib;
    if ((n = vm_xml_child(node, "currentMemory"))) {
        if (read_memory(r, n, &def->cur_memory_kib) < 0)
            skip(n);
        else if (def->cur_memory_kib > def->memory_kib && def->memory_kib)
            vm_xml_problem(r->ps, xmlGetLineNo(n),
                           "currentMemory (%llu KiB) exceeds memory (%llu KiB)",
                           (unsigned long long)def->cur_memory_kib,
                           (unsigned long long)def->memory_kib);
    }
    if ((n = vm_xml_child(node, "vcpu"))) {
        VM_AUTOFREE char *placement = vm_xml_prop(n, "placement");
        VM_AUTOFREE char *current = vm_xml_prop(n, "current");
        uint64_t cur = 0;
        /* static is what QEMU does anyway; written back as given */
        def->vcpu_placement_static = placement != NULL;
        def->vcpu_cpuset = vm_xml_prop(n, "cpuset");
        if (check_enum(r, n, "placement", placement, static_only, 1) < 0 ||
            read_uint(r, n, 1, &def->vcpus) < 0)
            skip(n);
        else if (def->vcpus > VM_DOMAIN_VCPUS_MAX && !(flags & VM_DOMAIN_PARSE_LEGACY_NAME))
            vm_xml_problem(r->ps, xmlGetLineNo(n), "<vcpu> %u is more than %d vCPUs",
                           def->vcpus, VM_DOMAIN_VCPUS_MAX);
        if (current && (vm_parse_u64(current, &cur) < 0 || cur < 1 || cur > def->vcpus))
            refuse(r, n, "<vcpu current='%s'> must be a whole number from 1 to %u", current,
                   def->vcpus);
        def->vcpus_current = cur ? (unsigned int)cur : def->vcpus;
        if (def->vcpu_cpuset && !cpuset_ok(def->vcpu_cpuset))
            refuse(r, n, "<vcpu cpuset='%s'> is not a set of host CPUs (such as 0-3,^2)",
                   def->vcpu_cpuset);
    } else {
        def->vcpus_current = def->vcpus;
    }
    if ((n = vm_xml_child(node, "os")))
        read_os(r, n, def);
    if (!def->os_type)
        def->os_type = vm_strdup("hvm");

    read_action(r, node, "on_poweroff", VM_ACTION_DESTROY, &def->on_poweroff);
    read_action(r, node, "on_reboot", VM_ACTION_RESTART, &def->on_reboot);
    read_action(r, node, "on_crash", VM_ACTION_DESTROY, &def->on_crash);
    if ((n = vm_xml_child(node, "devices")))
        read_devices(r, n, def);

    if ((n = runstate_child(node))) {
        VM_AUTOFREE char *text = vm_xml_text(n);
        unsigned int st;
        vm_xml_consume(n);
        if (!(flags & VM_DOMAIN_PARSE_TEST_RUNSTATE)) {
            vm_xml_problem(r->ps, xmlGetLineNo(n),
                           "element 'test:runstate' belongs in test driver fixture files only");
        } else if (read_uint(r, n, 0, &st) < 0 || st >= VM_DOMAIN_STATE_LAST) {
            vm_error_reset();
            vm_xml_problem(r->ps, xmlGetLineNo(n), "invalid test:runstate '%s'", text);
        } else {
            def->test_runstate = (int)st;
        }
    }
    return vm_steal_ptr(&def);
}

struct vm_domain_def *vm_domain_def_parse_node(xmlNodePtr node, const char *what,
                                               unsigned int flags)
{
    struct vm_xml_problems ps = {what, NULL, 0, 0};
    struct reader r = {what, &ps};
    struct vm_domain_def *def;

    VM_CHECK_FLAGS(flags, VM_DOMAIN_PARSE_TEST_RUNSTATE | VM_DOMAIN_PARSE_LEGACY_NAME, NULL);
    def = read_domain(&r, node, flags);
    if (def)
        def->preserved = vm_preserved_take(node, &ps);
    if (!def || vm_xml_problems_report(&ps) < 0) {
        vm_xml_problems_clear(&ps);
        vm_domain_def_free(def);
        return NULL;
    }
    return def;
}

struct vm_domain_def *vm_domain_def_parse_string(const char *xml, unsigned int flags)
{
    struct reader r = {"domain XML", NULL};
    xmlDocPtr doc;
    xmlNodePtr root;
    struct vm_domain_def *def = NULL;

    VM_CHECK_FLAGS(flags, VM_DOMAIN_PARSE_TEST_RUNSTATE | VM_DOMAIN_PARSE_LEGACY_NAME, NULL);
    if (!xml) {
        vm_report_error(VM_ERR_INVALID_ARG, "no domain XML given");
        return NULL;
    }
    if (!(doc = vm_xml_read(xml, strlen(xml), r.what)))
        return NULL;
    root = xmlDocGetRootElement(doc);
    if (root->ns || strcmp((const char *)root->name, "domain") != 0) {
        vm_report_error(VM_ERR_XML, "%s: line %ld: expected <domain>, not <%s>", r.what,
                        xmlGetLineNo(root), (const char *)root->name);
        goto out;
    }
    /* the reader and libvirt's vocabulary judge the document; then the
     * schema checks what was interpreted (the kept content is libvirt's,
     * not ours to describe) */
    if ((def = vm_domain_def_parse_node(root, r.what, flags))) {
        vm_preserved_strip(root);
        if (vm_domain_schema_validate(doc, r.what) < 0) {
            vm_domain_def_free(def);
            def = NULL;
        }
    }
out:
    xmlFreeDoc(doc);
    return def;
}
