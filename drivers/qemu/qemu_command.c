/*
 * qemu_command.c: building QEMU's command line from a definition, through
 * the model qemu_devices.c reads.  Options are QEMU 7.2's spellings.
 * Devices, block nodes and objects are given as JSON (as libvirt gives
 * them to QEMU 7.2), so a value from a definition is a JSON string and can
 * never end an option; the other options double commas in values.
 * Everything QEMU would add by itself is off (-nodefaults,
 * -no-user-config), so the guest is exactly its definition.
 */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include <json-c/json.h>

#include "qemu_command.h"
#include "qemu_devices.h"
#include "util/vm_alloc.h"
#include "util/vm_buf.h"
#include "util/vm_error.h"

struct cmd {
    char **v;
    size_t n, alloc;
    const struct vm_domain_def *def;
    const struct qemu_devices *m;
    const struct qemu_paths *paths;
    bool kvm;
    int root_ports[256];        /* controller indexes of the pcie-root-ports */
    bool port_taken[256];       /* by index: a device is on it */
    size_t nroot_ports;
    bool usb;                   /* a USB controller is there */
    bool vserial;               /* a virtio-serial controller is there */
    bool spice;
    bool usb_port_used[32];     /* ports of the first USB bus taken */
    bool slot_taken[32];        /* slots of the root bus taken */
    bool failed;
    int *ctl_index;             /* controller_indexes() */
};

static void add(struct cmd *c, const char *s)
{
    VM_GROW(c->v, c->n, c->alloc);
    c->v[c->n - 1] = vm_strdup(s);
}

static void add2(struct cmd *c, const char *opt, char *value_owned)
{
    add(c, opt);
    VM_GROW(c->v, c->n, c->alloc);
    c->v[c->n - 1] = value_owned;
}

/* Notes that the definition cannot be started; the first error stays. */
static void fail(struct cmd *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct cmd *c, const char *fmt, ...)
{
    va_list ap;
    char *m;

    if (c->failed)
        return;
    va_start(ap, fmt);
    m = vm_vasprintf(fmt, ap);
    va_end(ap);
    vm_report_error(VM_ERR_NOT_SUPPORTED, "domain '%s': %s", c->def->name, m);
    free(m);
    c->failed = true;
}

void qemu_argv_free(char **argv)
{
    for (size_t i = 0; argv && argv[i]; i++)
        free(argv[i]);
    free(argv);
}

char *qemu_emulator(const struct vm_domain_def *def)
{
    struct utsname u;
    const char *arch = def->os_arch;

    if (def->emulator)
        return vm_strdup(def->emulator);
    if (!arch) {
        uname(&u);
        arch = u.machine;
    }
    return vm_asprintf("qemu-system-%s", arch);
}

/* QEMU's keyval syntax doubles commas inside values: every value that
 * comes from a definition or a path goes through here, so that no value can
 * end an option and start another (",process=..."). */
static void add_escaped(struct vm_buf *b, const char *value)
{
    for (; *value; value++) {
        if (*value == ',')
            vm_buf_add_char(b, ',');
        vm_buf_add_char(b, *value);
    }
}

/* ------------------------------------------------------------ JSON */

static json_object *obj(const char *key, const char *value)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, key, json_object_new_string(value));
    return o;
}

static void set_s(json_object *o, const char *key, const char *value)
{
    if (value)
        json_object_object_add(o, key, json_object_new_string(value));
}

static void set_i(json_object *o, const char *key, long long value)
{
    json_object_object_add(o, key, json_object_new_int64(value));
}

static void set_b(json_object *o, const char *key, bool value)
{
    json_object_object_add(o, key, json_object_new_boolean(value));
}

/* Adds opt with o as its JSON argument, and drops o. */
static void add_json(struct cmd *c, const char *opt, json_object *o)
{
    add2(c, opt,
         vm_strdup(json_object_to_json_string_ext(
             o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)));
    json_object_put(o);
}

/* ------------------------------------------------------------ PCI */

static const char *pci_bus(struct cmd *c, unsigned int bus, char *buf, size_t size)
{
    if (bus == 0)
        snprintf(buf, size, "%s", c->m->q35 ? "pcie.0" : "pci.0");
    else
        snprintf(buf, size, "pci.%u", bus);
    return buf;
}

static void set_pci_addr(struct cmd *c, json_object *o, const struct qemu_addr *a)
{
    char bus[24], addr[24];

    set_s(o, "bus", pci_bus(c, a->bus, bus, sizeof(bus)));
    if (a->function)
        snprintf(addr, sizeof(addr), "0x%x.0x%x", a->slot, a->function);
    else
        snprintf(addr, sizeof(addr), "0x%x", a->slot);
    set_s(o, "addr", addr);
    if (a->multifunction)
        set_b(o, "multifunction", true);
}

/* Where a PCI device goes: its address when the definition gives one;
 * on q35 a PCIe device gets the next free root port, as libvirt places
 * them; otherwise QEMU picks a free slot of the root bus. */
static void place_pci(struct cmd *c, json_object *o, const struct qemu_addr *a, bool pcie)
{
    if (a->type == QEMU_ADDR_PCI) {
        set_pci_addr(c, o, a);
        return;
    }
    if (a->type != QEMU_ADDR_NONE) {
        fail(c, "a PCI device cannot have an address of another type");
        return;
    }
    if (c->m->q35 && pcie) {
        for (size_t i = 0; i < c->nroot_ports; i++) {
            int idx = c->root_ports[i];
            if (!c->port_taken[idx]) {
                char bus[24];
                c->port_taken[idx] = true;
                snprintf(bus, sizeof(bus), "pci.%d", idx);
                set_s(o, "bus", bus);
                set_s(o, "addr", "0x0");
                return;
            }
        }
    }
    /* the root bus: the first slot no definition's address names (slot 0
     * is the host bridge, 1 the PIIX3 of pc, 0x1f the ICH9 of q35) */
    for (unsigned int slot = 2; slot < 32; slot++) {
        if (!c->slot_taken[slot] && !(c->m->q35 && slot == 0x1f)) {
            struct qemu_addr at = {QEMU_ADDR_PCI, 0, 0, slot, 0, 0, 0, 0, false, NULL};
            c->slot_taken[slot] = true;
            set_pci_addr(c, o, &at);
            return;
        }
    }
    fail(c, "no free PCI slot on the root bus");
}

/* Marks what an address of the definition takes, before anything is
 * placed automatically (reserve_addresses()). */
static void reserve_pci(struct cmd *c, const struct qemu_addr *a)
{
    if (a->type != QEMU_ADDR_PCI)
        return;
    if (a->bus == 0)
        c->slot_taken[a->slot] = true;
    else if (a->bus < 256)
        c->port_taken[a->bus] = true;
}

/* A bootindex from <boot order>, else the next one when os/boot names the
 * device's kind and this is its first device. */
static void set_boot(struct cmd *c, json_object *o, unsigned int order, int os_index)
{
    if (order)
        set_i(o, "bootindex", order);
    else if (os_index > 0)
        set_i(o, "bootindex", os_index);
}

/* The next port of the first USB bus that no device's address names: an
 * explicit port for every device, as libvirt assigns them, so that a
 * device without an address cannot take the port another one asks for. */
static void usb_auto_port(struct cmd *c, json_object *o)
{
    set_s(o, "bus", "usb.0");
    for (int p = 1; p < 32; p++) {
        if (!c->usb_port_used[p]) {
            char port[8];
            c->usb_port_used[p] = true;
            snprintf(port, sizeof(port), "%d", p);
            set_s(o, "port", port);
            return;
        }
    }
}

static void usb_reserve(struct cmd *c, const struct qemu_addr *a)
{
    if (a->type == QEMU_ADDR_USB && a->bus == 0 && a->usb_port && !strchr(a->usb_port, '.')) {
        int p = atoi(a->usb_port);
        if (p > 0 && p < 32)
            c->usb_port_used[p] = true;
    }
}

/* Every PCI address the definition gives, taken before placement. */
static void reserve_addresses(struct cmd *c)
{
    const struct qemu_devices *m = c->m;
#define RESERVE(arr, n) \
    for (size_t i = 0; i < m->n; i++) \
        reserve_pci(c, &m->arr[i].addr)
    RESERVE(disks, ndisks);
    RESERVE(nets, nnets);
    RESERVE(controllers, ncontrollers);
    RESERVE(inputs, ninputs);
    RESERVE(videos, nvideos);
    RESERVE(sounds, nsounds);
    RESERVE(watchdogs, nwatchdogs);
    RESERVE(panics, npanics);
    RESERVE(rngs, nrngs);
#undef RESERVE
    reserve_pci(c, &m->balloon_addr);
}

/* ------------------------------------------------------------ controllers */

static const char *usb_device(const char *model)
{
    static const char *const map[][2] = {
        {"qemu-xhci", "qemu-xhci"},       {"nec-xhci", "nec-usb-xhci"},
        {"piix3-uhci", "piix3-usb-uhci"}, {"piix4-uhci", "piix4-usb-uhci"},
        {"ich9-ehci1", "ich9-usb-ehci1"}, {"ich9-uhci1", "ich9-usb-uhci1"},
        {"ich9-uhci2", "ich9-usb-uhci2"}, {"ich9-uhci3", "ich9-usb-uhci3"}};
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        if (strcmp(map[i][0], model) == 0)
            return map[i][1];
    }
    return NULL;
}

static void usb_controller(struct cmd *c, const struct qemu_controller *ct, size_t nth)
{
    const char *model = ct->model ? ct->model : c->m->q35 ? "qemu-xhci" : "piix3-uhci";
    json_object *o;
    char id[32];

    if (strcmp(model, "none") == 0)
        return;
    o = obj("driver", usb_device(model));
    if (ct->startport >= 0) {
        /* a UHCI companion of the EHCI controller of the same index */
        char bus[32];
        if (ct->index)
            snprintf(bus, sizeof(bus), "usb%d.0", ct->index);
        else
            snprintf(bus, sizeof(bus), "usb.0");
        set_s(o, "masterbus", bus);
        set_i(o, "firstport", ct->startport);
        snprintf(id, sizeof(id), "usb%d-companion%zu", ct->index, nth);
    } else if (ct->index) {
        snprintf(id, sizeof(id), "usb%d", ct->index);
    } else {
        snprintf(id, sizeof(id), "usb");
    }
    if (strstr(model, "xhci") && ct->ports) {
        set_i(o, "p2", ct->ports);
        set_i(o, "p3", ct->ports);
    }
    set_s(o, "id", id);
    place_pci(c, o, &ct->addr, strstr(model, "xhci") != NULL);
    add_json(c, "-device", o);
    c->usb = true;
}

/* Each controller's index: the definition's, else libvirt's numbering
 * (PCI controllers from 1, 0 being the root; the others from 0 per type). */
static void controller_indexes(const struct qemu_devices *m, int *out)
{
    for (size_t i = 0; i < m->ncontrollers; i++)
        out[i] = m->controllers[i].index;
    for (size_t i = 0; i < m->ncontrollers; i++) {
        const struct qemu_controller *ct = &m->controllers[i];
        bool pci = strcmp(ct->type, "pci") == 0;
        int next = pci ? 1 : 0;
        if (out[i] >= 0)
            continue;
        if (pci && ct->model &&
            (strcmp(ct->model, "pcie-root") == 0 || strcmp(ct->model, "pci-root") == 0)) {
            out[i] = 0;
            continue;
        }
        for (size_t k = 0; k < m->ncontrollers; k++) {
            if (strcmp(m->controllers[k].type, ct->type) == 0 && out[k] >= next)
                next = out[k] + 1;
        }
        out[i] = next;
    }
}

static void pci_controllers(struct cmd *c)
{
    const struct qemu_devices *m = c->m;
    size_t nports = 0, nauto = 0;
    unsigned int slot = 2;

    for (size_t i = 0; i < m->ncontrollers; i++) {
        const struct qemu_controller *ct = &m->controllers[i];
        int idx = c->ctl_index[i];
        char id[32];
        json_object *o;

        if (strcmp(ct->type, "pci") != 0)
            continue;
        if (!ct->model || strcmp(ct->model, "pcie-root") == 0 ||
            strcmp(ct->model, "pci-root") == 0) {
            bool pcie = !ct->model ? m->q35 : strcmp(ct->model, "pcie-root") == 0;
            if (pcie != m->q35)
                fail(c, "controller '%s' does not fit machine type '%s'",
                     pcie ? "pcie-root" : "pci-root", c->def->os_machine ? c->def->os_machine : "pc");
            continue;
        }
        snprintf(id, sizeof(id), "pci.%d", idx);
        if (strcmp(ct->model, "pcie-root-port") == 0) {
            if (!m->q35) {
                fail(c, "a pcie-root-port needs machine type q35");
                continue;
            }
            o = obj("driver", "pcie-root-port");
            set_i(o, "port", ct->port >= 0 ? ct->port : (int)(0x10 + nports));
            set_i(o, "chassis", ct->chassis >= 0 ? ct->chassis : idx);
            set_s(o, "id", id);
            if (ct->addr.type == QEMU_ADDR_PCI) {
                set_pci_addr(c, o, &ct->addr);
            } else {
                /* libvirt's layout: eight ports a slot, from slot 2 */
                struct qemu_addr a = {QEMU_ADDR_PCI, 0, 0, slot, (unsigned int)(nauto % 8), 0, 0,
                                      0, nauto % 8 == 0, NULL};
                if (nauto % 8 == 0) {
                    while (slot < 32 && (c->slot_taken[slot] || (m->q35 && slot == 0x1f)))
                        slot++;
                    if (slot >= 32) {
                        fail(c, "no free PCI slot for pcie-root-port %d", idx);
                        continue;
                    }
                    c->slot_taken[slot] = true;
                    a.slot = slot;
                }
                set_pci_addr(c, o, &a);
                nauto++;
            }
            if (c->nroot_ports < 256 && idx < 256)
                c->root_ports[c->nroot_ports++] = idx;
            nports++;
        } else {
            o = obj("driver", "pci-bridge");
            set_i(o, "chassis_nr", idx);
            set_s(o, "id", id);
            place_pci(c, o, &ct->addr, false);
        }
        add_json(c, "-device", o);
    }
}

static void other_controllers(struct cmd *c)
{
    const struct qemu_devices *m = c->m;

    for (size_t i = 0; i < m->ncontrollers; i++) {
        const struct qemu_controller *ct = &m->controllers[i];
        int idx = c->ctl_index[i];
        char id[32];
        json_object *o;

        if (strcmp(ct->type, "usb") == 0) {
            struct qemu_controller copy = *ct;
            copy.index = idx;
            usb_controller(c, &copy, i);
        } else if (strcmp(ct->type, "virtio-serial") == 0) {
            snprintf(id, sizeof(id), "virtio-serial%d", idx);
            o = obj("driver", "virtio-serial-pci");
            set_s(o, "id", id);
            if (ct->ports)
                set_i(o, "max_ports", ct->ports);
            place_pci(c, o, &ct->addr, true);
            add_json(c, "-device", o);
            c->vserial = true;
        } else if (strcmp(ct->type, "sata") == 0) {
            /* q35's own AHCI is controller 0, its buses ide.0 to ide.5 */
            if (c->m->q35 && idx == 0)
                continue;
            snprintf(id, sizeof(id), "sata%d", idx);
            o = obj("driver", "ahci");
            set_s(o, "id", id);
            place_pci(c, o, &ct->addr, false);
            add_json(c, "-device", o);
        } else if (strcmp(ct->type, "scsi") == 0) {
            snprintf(id, sizeof(id), "scsi%d", idx);
            o = obj("driver", "virtio-scsi-pci");
            set_s(o, "id", id);
            place_pci(c, o, &ct->addr, true);
            add_json(c, "-device", o);
        } else if (strcmp(ct->type, "ide") == 0) {
            if (c->m->q35 || idx != 0)
                fail(c, "the QEMU driver has IDE controller 0 of machine type pc only");
        }
    }
}

/* What the definition's devices need and it does not declare, as libvirt
 * adds it: the root-port pool is the definition's own. */
static void implied_controllers(struct cmd *c)
{
    const struct qemu_devices *m = c->m;
    bool want_usb = m->nredirdevs > 0, want_vserial = false, want_scsi = false,
         want_sata = false, have_scsi = false, have_sata = false, have_usb = false;

    for (size_t i = 0; i < m->ninputs; i++)
        want_usb |= strcmp(m->inputs[i].bus, "usb") == 0;
    for (size_t i = 0; i < m->ndisks; i++) {
        want_usb |= strcmp(m->disks[i].bus, "usb") == 0;
        want_scsi |= strcmp(m->disks[i].bus, "scsi") == 0;
        want_sata |= strcmp(m->disks[i].bus, "sata") == 0;
    }
    for (size_t i = 0; i < m->nchrs; i++) {
        const struct qemu_chr *ch = &m->chrs[i];
        want_vserial |= strcmp(ch->element, "channel") == 0 ||
                        (ch->target_type && strcmp(ch->target_type, "virtio") == 0);
    }
    for (size_t i = 0; i < m->ncontrollers; i++) {
        have_scsi |= strcmp(m->controllers[i].type, "scsi") == 0;
        have_sata |= strcmp(m->controllers[i].type, "sata") == 0;
        have_usb |= strcmp(m->controllers[i].type, "usb") == 0;
    }
    if (want_usb && !have_usb) {
        struct qemu_controller ct = {"usb", NULL, 0, 0, -1, -1, -1, {0}};
        usb_controller(c, &ct, 0);
    }
    if (want_vserial && !c->vserial) {
        json_object *o = obj("driver", "virtio-serial-pci");
        struct qemu_addr none = {0};
        set_s(o, "id", "virtio-serial0");
        place_pci(c, o, &none, true);
        add_json(c, "-device", o);
        c->vserial = true;
    }
    if (want_scsi && !have_scsi) {
        json_object *o = obj("driver", "virtio-scsi-pci");
        struct qemu_addr none = {0};
        set_s(o, "id", "scsi0");
        place_pci(c, o, &none, true);
        add_json(c, "-device", o);
    }
    if (want_sata && !have_sata && !c->m->q35) {
        json_object *o = obj("driver", "ahci");
        struct qemu_addr none = {0};
        set_s(o, "id", "sata0");
        place_pci(c, o, &none, false);
        add_json(c, "-device", o);
    }
}

/* ------------------------------------------------------------ disks */

/* hda -> 0, hdb -> 1, vdc -> 2, sda -> 0 ... */
static unsigned int target_index(const char *dev)
{
    size_t n = strlen(dev);
    return n >= 3 && dev[n - 1] >= 'a' && dev[n - 1] <= 'z' ? (unsigned int)(dev[n - 1] - 'a')
                                                             : 0;
}

/* libvirt's cache modes as QEMU's block options: direct I/O, flushes, and
 * the guest-visible write cache. */
static void cache_mode(const char *mode, bool *direct, bool *no_flush, bool *write_cache)
{
    *direct = strcmp(mode, "none") == 0 || strcmp(mode, "directsync") == 0;
    *no_flush = strcmp(mode, "unsafe") == 0;
    *write_cache = !(strcmp(mode, "writethrough") == 0 || strcmp(mode, "directsync") == 0);
}

static void add_blockdev(struct cmd *c, const struct qemu_disk *d, const char *fmt_node)
{
    char store_node[40];
    json_object *s, *f;
    bool direct, no_flush, wc;

    snprintf(store_node, sizeof(store_node), "store-%s", d->dev);
    s = obj("driver", d->block ? "host_device" : "file");
    set_s(s, "filename", d->source);
    set_s(s, "node-name", store_node);
    set_b(s, "auto-read-only", true);
    set_s(s, "discard", d->discard ? d->discard : "ignore");
    f = obj("node-name", fmt_node);
    set_b(f, "read-only", d->readonly);
    if (d->discard)
        set_s(f, "discard", d->discard);
    if (d->cache && strcmp(d->cache, "default") != 0) {
        json_object *cs = json_object_new_object(), *cf;
        cache_mode(d->cache, &direct, &no_flush, &wc);
        set_b(cs, "direct", direct);
        set_b(cs, "no-flush", no_flush);
        cf = json_object_get(cs);
        json_object_object_add(s, "cache", cs);
        json_object_object_add(f, "cache", cf);
    }
    if (d->io)
        set_s(s, "aio", d->io);
    if (d->detect_zeroes)
        set_s(f, "detect-zeroes", d->detect_zeroes);
    set_s(f, "driver", d->format);
    set_s(f, "file", store_node);
    add_json(c, "-blockdev", s);
    add_json(c, "-blockdev", f);
}

static void add_disk(struct cmd *c, const struct qemu_disk *d, int os_boot)
{
    bool cdrom = strcmp(d->device, "cdrom") == 0, floppy = strcmp(d->device, "floppy") == 0;
    char node[40], id[40], bus[32];
    unsigned int unit = d->addr.type == QEMU_ADDR_DRIVE ? d->addr.unit : target_index(d->dev);
    json_object *o;

    snprintf(node, sizeof(node), "drive-%s", d->dev);
    snprintf(id, sizeof(id), "disk-%s", d->dev);
    if (floppy != (strcmp(d->bus, "fdc") == 0)) {
        fail(c, "disk '%s': a floppy goes on bus 'fdc', and only a floppy", d->dev);
        return;
    }
    if (d->addr.type != QEMU_ADDR_NONE && d->addr.type != QEMU_ADDR_DRIVE &&
        strcmp(d->bus, "virtio") != 0) {
        fail(c, "disk '%s': bus '%s' takes a drive address", d->dev, d->bus);
        return;
    }
    if (d->source)
        add_blockdev(c, d, node);
    if (strcmp(d->bus, "virtio") == 0) {
        if (cdrom) {
            fail(c, "disk '%s': a cdrom cannot be on bus 'virtio'", d->dev);
            return;
        }
        o = obj("driver", "virtio-blk-pci");
        place_pci(c, o, &d->addr, true);
    } else if (strcmp(d->bus, "sata") == 0 || strcmp(d->bus, "ide") == 0) {
        bool sata = strcmp(d->bus, "sata") == 0;
        if (!sata && c->m->q35) {
            fail(c, "disk '%s': machine type q35 has no IDE bus (use sata)", d->dev);
            return;
        }
        o = obj("driver", cdrom ? "ide-cd" : "ide-hd");
        if (sata) {
            unsigned int ctl = d->addr.type == QEMU_ADDR_DRIVE ? d->addr.controller : 0;
            if (c->m->q35 && ctl == 0)
                snprintf(bus, sizeof(bus), "ide.%u", unit);
            else
                snprintf(bus, sizeof(bus), "sata%u.%u", ctl, unit);
            if (unit > 5) {
                fail(c, "disk '%s': SATA unit %u is past the controller's 6 ports", d->dev, unit);
                json_object_put(o);
                return;
            }
        } else {
            /* hda, hdb on the first channel; hdc, hdd on the second */
            unsigned int channel = d->addr.type == QEMU_ADDR_DRIVE ? d->addr.bus : unit / 2;
            unit = d->addr.type == QEMU_ADDR_DRIVE ? d->addr.unit : unit % 2;
            if (channel > 1 || unit > 1) {
                fail(c, "disk '%s': IDE has channels 0-1 with units 0-1", d->dev);
                json_object_put(o);
                return;
            }
            snprintf(bus, sizeof(bus), "ide.%u", channel);
            set_i(o, "unit", unit);
        }
        set_s(o, "bus", bus);
    } else if (strcmp(d->bus, "scsi") == 0) {
        o = obj("driver", cdrom ? "scsi-cd" : "scsi-hd");
        snprintf(bus, sizeof(bus), "scsi%u.0",
                 d->addr.type == QEMU_ADDR_DRIVE ? d->addr.controller : 0);
        set_s(o, "bus", bus);
        set_i(o, "channel", d->addr.type == QEMU_ADDR_DRIVE ? d->addr.bus : 0);
        set_i(o, "scsi-id", d->addr.type == QEMU_ADDR_DRIVE ? d->addr.target : 0);
        set_i(o, "lun", unit);
    } else if (strcmp(d->bus, "usb") == 0) {
        o = obj("driver", "usb-storage");
        usb_auto_port(c, o);
        if (cdrom)
            set_b(o, "removable", true);
    } else {
        if (c->m->q35) {
            fail(c, "disk '%s': machine type q35 has no floppy controller", d->dev);
            return;
        }
        o = obj("driver", "floppy");
        set_i(o, "unit", unit);
    }
    if (d->source)
        set_s(o, "drive", node);
    if (d->cache && strcmp(d->cache, "default") != 0 && !cdrom && !floppy) {
        bool direct, no_flush, wc;
        cache_mode(d->cache, &direct, &no_flush, &wc);
        set_s(o, "write-cache", wc ? "on" : "off");
    }
    if (d->serial)
        set_s(o, "serial", d->serial);
    set_s(o, "id", id);
    set_boot(c, o, d->boot, os_boot);
    add_json(c, "-device", o);
}

/* ------------------------------------------------------------ NICs */

static void add_net(struct cmd *c, const struct qemu_net *n, size_t i, int os_boot)
{
    struct vm_buf b = VM_BUF_INIT;
    const char *model = n->model ? n->model : "rtl8139";   /* libvirt's default */
    char id[32], mac[24];
    json_object *o;

    if (strcmp(n->type, "user") == 0) {
        vm_buf_addf(&b, "user,id=hostnet%zu", i);
    } else if (strcmp(n->type, "ethernet") == 0) {
        vm_buf_addf(&b, "tap,id=hostnet%zu", i);
        if (n->tap) {
            vm_buf_add(&b, ",ifname=");
            add_escaped(&b, n->tap);
        }
        vm_buf_add(&b, ",script=no,downscript=no");
    } else if (i < c->paths->ntap_fds && c->paths->tap_fds[i] >= 0) {
        /* the starter made the tap and attached it to the bridge, as
         * qemu-bridge-helper would (the sandbox's spawn=deny forbids it) */
        vm_buf_addf(&b, "tap,id=hostnet%zu,fd=%d,vhost=off", i, c->paths->tap_fds[i]);
    } else {
        fail(c, "interface %zu: type '%s' has no tap", i, n->type);
        vm_buf_clear(&b);
        return;
    }
    add2(c, "-netdev", vm_buf_steal(&b));
    o = obj("driver", strcmp(model, "virtio") == 0 ? "virtio-net-pci" : model);
    snprintf(id, sizeof(id), "hostnet%zu", i);
    set_s(o, "netdev", id);
    snprintf(id, sizeof(id), "net%zu", i);
    set_s(o, "id", id);
    vm_mac_format(n->mac, mac);
    set_s(o, "mac", mac);
    set_boot(c, o, n->boot, os_boot);
    place_pci(c, o, &n->addr,
              strcmp(model, "virtio") == 0 || strcmp(model, "e1000e") == 0);
    add_json(c, "-device", o);
}

/* ------------------------------------------------------------ character devices */

/* -chardev for ch as id; NULL path of a unix channel: a socket named by
 * the domain's UUID in the runtime dir. */
static void add_chardev(struct cmd *c, const struct qemu_chr *ch, const char *id, size_t nth)
{
    struct vm_buf b = VM_BUF_INIT;

    if (strcmp(ch->type, "pty") == 0) {
        vm_buf_addf(&b, "pty,id=%s", id);
    } else if (strcmp(ch->type, "file") == 0) {
        vm_buf_addf(&b, "file,id=%s,path=", id);
        add_escaped(&b, ch->path);
    } else if (strcmp(ch->type, "unix") == 0) {
        vm_buf_addf(&b, "socket,id=%s,path=", id);
        if (ch->path) {
            add_escaped(&b, ch->path);
        } else {
            add_escaped(&b, c->paths->channels);
            vm_buf_addf(&b, ".channel%zu", nth);
        }
        vm_buf_add(&b, ch->mode && strcmp(ch->mode, "connect") == 0 ? ",server=off"
                                                                      : ",server=on,wait=off");
    } else {
        if (!c->spice)
            fail(c, "a %s of type 'spicevmc' needs SPICE graphics", ch->element);
        vm_buf_addf(&b, "spicevmc,id=%s,name=vdagent", id);
    }
    add2(c, "-chardev", vm_buf_steal(&b));
}

static void virtio_port(struct cmd *c, json_object *o, const struct qemu_chr *ch)
{
    char bus[32];

    if (ch->addr.type == QEMU_ADDR_VSERIAL) {
        snprintf(bus, sizeof(bus), "virtio-serial%u.%u", ch->addr.controller, ch->addr.bus);
        set_s(o, "bus", bus);
        if (ch->addr.port)
            set_i(o, "nr", ch->addr.port);
    } else {
        set_s(o, "bus", "virtio-serial0.0");
    }
}

static void add_chrs(struct cmd *c)
{
    const struct qemu_devices *m = c->m;
    size_t nserial = 0, nconsole = 0, nchannel = 0;
    bool serial0 = false;

    for (size_t i = 0; i < m->nchrs; i++) {
        const struct qemu_chr *ch = &m->chrs[i];
        char id[32], chr[40];
        json_object *o;

        if (strcmp(ch->element, "serial") == 0) {
            int port = ch->port >= 0 ? ch->port : (int)nserial;
            if (ch->target_type && strcmp(ch->target_type, "isa-serial") != 0) {
                fail(c, "a serial port of target type '%s' (isa-serial only)", ch->target_type);
                continue;
            }
            snprintf(id, sizeof(id), "serial%d", port);
            snprintf(chr, sizeof(chr), "charserial%d", port);
            add_chardev(c, ch, chr, i);
            o = obj("driver", "isa-serial");
            set_s(o, "chardev", chr);
            set_s(o, "id", id);
            set_i(o, "index", port);
            add_json(c, "-device", o);
            serial0 |= port == 0;
            nserial++;
        } else if (strcmp(ch->element, "console") == 0) {
            const char *t = ch->target_type ? ch->target_type : "serial";
            if (strcmp(t, "virtio") == 0) {
                snprintf(id, sizeof(id), "console%zu", nconsole);
                snprintf(chr, sizeof(chr), "charconsole%zu", nconsole);
                add_chardev(c, ch, chr, i);
                o = obj("driver", "virtconsole");
                virtio_port(c, o, ch);
                set_s(o, "chardev", chr);
                set_s(o, "id", id);
                add_json(c, "-device", o);
                nconsole++;
            } else if (strcmp(t, "serial") == 0) {
                /* the first serial port, as in libvirt: made here when the
                 * definition has none */
                bool listed = false;
                for (size_t k = 0; k < m->nchrs; k++)
                    listed |= strcmp(m->chrs[k].element, "serial") == 0;
                if (listed || serial0)
                    continue;
                add_chardev(c, ch, "charserial0", i);
                add_json(c, "-device",
                         json_tokener_parse("{\"driver\":\"isa-serial\",\"chardev\":"
                                            "\"charserial0\",\"id\":\"serial0\",\"index\":0}"));
                serial0 = true;
            } else {
                fail(c, "a console of target type '%s' (serial or virtio only)", t);
            }
        } else {
            if (!ch->target_type || strcmp(ch->target_type, "virtio") != 0) {
                fail(c, "a channel of target type '%s' (virtio only)",
                     ch->target_type ? ch->target_type : "none");
                continue;
            }
            if (strcmp(ch->type, "pty") == 0 && !ch->target_name) {
                fail(c, "a virtio channel needs <target name=...>");
                continue;
            }
            snprintf(id, sizeof(id), "channel%zu", nchannel);
            snprintf(chr, sizeof(chr), "charchannel%zu", nchannel);
            add_chardev(c, ch, chr, nchannel);
            o = obj("driver", "virtserialport");
            virtio_port(c, o, ch);
            set_s(o, "chardev", chr);
            set_s(o, "id", id);
            set_s(o, "name", ch->target_name ? ch->target_name : "com.redhat.spice.0");
            add_json(c, "-device", o);
            nchannel++;
        }
    }
}

/* ------------------------------------------------------------ the rest */

static void set_usb_port(json_object *o, const struct qemu_addr *a)
{
    char bus[24];

    if (a->type != QEMU_ADDR_USB)
        return;
    snprintf(bus, sizeof(bus), a->bus ? "usb%u.0" : "usb.0", a->bus);
    set_s(o, "bus", bus);
    if (a->usb_port)
        set_s(o, "port", a->usb_port);
}

static void add_inputs(struct cmd *c)
{
    for (size_t i = 0; i < c->m->ninputs; i++) {
        const struct qemu_input *in = &c->m->inputs[i];
        const char *dev = NULL;
        char id[32];
        json_object *o;

        if (strcmp(in->bus, "ps2") == 0)
            continue;   /* the machine's own i8042 */
        if (strcmp(in->bus, "usb") == 0)
            dev = strcmp(in->type, "tablet") == 0  ? "usb-tablet"
                  : strcmp(in->type, "mouse") == 0 ? "usb-mouse"
                                                   : "usb-kbd";
        else
            dev = strcmp(in->type, "tablet") == 0  ? "virtio-tablet-pci"
                  : strcmp(in->type, "mouse") == 0 ? "virtio-mouse-pci"
                                                   : "virtio-keyboard-pci";
        o = obj("driver", dev);
        snprintf(id, sizeof(id), "input%zu", i);
        set_s(o, "id", id);
        if (strcmp(in->bus, "usb") == 0) {
            if (!c->usb)
                fail(c, "a USB %s needs a USB controller (the definition's is model 'none')",
                     in->type);
            if (in->addr.type == QEMU_ADDR_USB)
                set_usb_port(o, &in->addr);
            else
                usb_auto_port(c, o);
        } else {
            place_pci(c, o, &in->addr, true);
        }
        add_json(c, "-device", o);
    }
}

static void add_graphics(struct cmd *c)
{
    const struct qemu_devices *m = c->m;
    bool vnc = false;

    for (size_t i = 0; i < m->ngraphics; i++) {
        const struct qemu_graphics *g = &m->graphics[i];
        const char *listen = g->listen ? g->listen : "127.0.0.1";
        bool v6 = strchr(listen, ':') != NULL;
        struct vm_buf b = VM_BUF_INIT;

        if (strcmp(g->type, "vnc") == 0) {
            if (vnc) {
                fail(c, "the QEMU driver applies one VNC display");
                return;
            }
            vnc = true;
            vm_buf_add(&b, v6 ? "[" : "");
            add_escaped(&b, listen);
            vm_buf_add(&b, v6 ? "]" : "");
            if (g->port < 0)   /* the first free display from :0 up */
                vm_buf_add(&b, ":0,to=99");
            else
                vm_buf_addf(&b, ":%d", g->port - 5900);
            /* the password itself goes over QMP, never into argv */
            if (g->passwd)
                vm_buf_add(&b, ",password=on");
            add2(c, "-vnc", vm_buf_steal(&b));
        } else {
            int port = g->port >= 0 ? g->port : c->paths->spice_port;
            if (port <= 0) {
                fail(c, "no free port for the SPICE display");
                return;
            }
            vm_buf_addf(&b, "port=%d,addr=", port);
            add_escaped(&b, listen);
            if (v6)
                vm_buf_add(&b, ",ipv6=on");
            if (!g->passwd)
                vm_buf_add(&b, ",disable-ticketing=on");
            if (g->image_compression)
                vm_buf_addf(&b, ",image-compression=%s", g->image_compression);
            vm_buf_add(&b, ",seamless-migration=on");
            add2(c, "-spice", vm_buf_steal(&b));
        }
    }
    if (!m->ngraphics) {
        add(c, "-display");
        add(c, "none");
    }
}

static void add_videos(struct cmd *c)
{
    const struct qemu_devices *m = c->m;
    /* a display with no <video> gets a VGA, as libvirt adds one */
    struct qemu_video vga = {"vga", 0, 0, 0, 0, {0}};
    size_t n = m->nvideos ? m->nvideos : m->ngraphics ? 1 : 0;

    for (size_t i = 0; i < n; i++) {
        const struct qemu_video *v = m->nvideos ? &m->videos[i] : &vga;
        const char *dev;
        char id[32];
        json_object *o;

        if (strcmp(v->model, "none") == 0)
            continue;
        if (strcmp(v->model, "vga") == 0 || strcmp(v->model, "cirrus") == 0 ||
            strcmp(v->model, "bochs") == 0) {
            if (i > 0) {
                fail(c, "a secondary video device of model '%s' (qxl or virtio only)", v->model);
                return;
            }
            dev = strcmp(v->model, "vga") == 0      ? "VGA"
                  : strcmp(v->model, "cirrus") == 0 ? "cirrus-vga"
                                                    : "bochs-display";
        } else if (strcmp(v->model, "qxl") == 0) {
            dev = i == 0 ? "qxl-vga" : "qxl";
        } else {
            dev = i == 0 ? "virtio-vga" : "virtio-gpu-pci";
        }
        o = obj("driver", dev);
        snprintf(id, sizeof(id), "video%zu", i);
        set_s(o, "id", id);
        if (strcmp(v->model, "qxl") == 0) {
            if (v->ram)
                set_i(o, "ram_size", (long long)v->ram * 1024);
            if (v->vram)
                set_i(o, "vram_size", (long long)v->vram * 1024);
            if (v->vgamem && i == 0)
                set_i(o, "vgamem_mb", v->vgamem / 1024);
            if (v->heads)
                set_i(o, "max_outputs", v->heads);
        } else if (strcmp(v->model, "vga") == 0 && v->vram) {
            set_i(o, "vgamem_mb", v->vram / 1024);
        } else if (strcmp(v->model, "virtio") == 0 && v->heads) {
            set_i(o, "max_outputs", v->heads);
        }
        place_pci(c, o, &v->addr, false);
        add_json(c, "-device", o);
    }
}

static void add_sound(struct cmd *c)
{
    const struct qemu_devices *m = c->m;
    const char *audio = m->audio_type ? m->audio_type : c->spice ? "spice" : "none";

    if (strcmp(audio, "spice") == 0 && !c->spice) {
        fail(c, "<audio type='spice'> needs SPICE graphics");
        return;
    }
    if (m->nsounds || m->audio_type) {
        struct vm_buf b = VM_BUF_INIT;
        vm_buf_addf(&b, "%s,id=audio1", audio);
        add2(c, "-audiodev", vm_buf_steal(&b));
    }
    for (size_t i = 0; i < m->nsounds; i++) {
        const char *model = m->sounds[i].model;
        char id[48], bus[48];
        bool hda = strcmp(model, "ich9") == 0 || strcmp(model, "ich6") == 0;
        json_object *o;

        o = obj("driver", strcmp(model, "ich9") == 0   ? "ich9-intel-hda"
                          : strcmp(model, "ich6") == 0 ? "intel-hda"
                          : strcmp(model, "ac97") == 0 ? "AC97"
                                                       : "ES1370");
        snprintf(id, sizeof(id), "sound%zu", i);
        set_s(o, "id", id);
        if (!hda)
            set_s(o, "audiodev", "audio1");
        place_pci(c, o, &m->sounds[i].addr, false);
        add_json(c, "-device", o);
        if (hda) {
            o = obj("driver", "hda-duplex");
            snprintf(bus, sizeof(bus), "sound%zu.0", i);
            set_s(o, "bus", bus);
            set_i(o, "cad", 0);
            set_s(o, "audiodev", "audio1");
            snprintf(id, sizeof(id), "sound%zu-codec0", i);
            set_s(o, "id", id);
            add_json(c, "-device", o);
        }
    }
}

static void add_misc(struct cmd *c)
{
    const struct qemu_devices *m = c->m;

    for (size_t i = 0; i < m->nredirdevs; i++) {
        char id[32], chr[40];
        json_object *o;
        if (!c->spice)
            fail(c, "a redirdev of type 'spicevmc' needs SPICE graphics");
        snprintf(chr, sizeof(chr), "charredir%zu", i);
        add2(c, "-chardev", vm_asprintf("spicevmc,id=%s,name=usbredir", chr));
        o = obj("driver", "usb-redir");
        set_s(o, "chardev", chr);
        snprintf(id, sizeof(id), "redir%zu", i);
        set_s(o, "id", id);
        if (m->redirdevs[i].addr.type == QEMU_ADDR_USB)
            set_usb_port(o, &m->redirdevs[i].addr);
        else
            usb_auto_port(c, o);
        add_json(c, "-device", o);
    }
    if (m->nwatchdogs > 1)
        fail(c, "the QEMU driver applies one <watchdog>");
    for (size_t i = 0; i < m->nwatchdogs && i < 1; i++) {
        const struct qemu_simple *w = &m->watchdogs[i];
        json_object *o = obj("driver", w->model ? w->model : "i6300esb");
        set_s(o, "id", "watchdog0");
        if (!w->model || strcmp(w->model, "i6300esb") == 0)
            place_pci(c, o, &w->addr, false);
        add_json(c, "-device", o);
        if (w->action)
            add2(c, "-watchdog-action",
                 vm_strdup(strcmp(w->action, "shutdown") == 0 ? "shutdown" : w->action));
    }
    for (size_t i = 0; i < m->npanics; i++) {
        /* libvirt's model 'isa' is QEMU's ISA pvpanic */
        json_object *o = obj("driver", "pvpanic");
        set_s(o, "id", i ? "panic1" : "panic0");
        add_json(c, "-device", o);
    }
    if (m->tpm_model) {
        struct vm_buf b = VM_BUF_INIT;
        json_object *o;
        if (!c->paths->tpm_socket) {
            fail(c, "no TPM emulator was started for it");
            return;
        }
        vm_buf_add(&b, "socket,id=chrtpm,path=");
        add_escaped(&b, c->paths->tpm_socket);
        add2(c, "-chardev", vm_buf_steal(&b));
        add2(c, "-tpmdev", vm_strdup("emulator,id=tpm-tpm0,chardev=chrtpm"));
        o = obj("driver", m->tpm_model);
        set_s(o, "tpmdev", "tpm-tpm0");
        set_s(o, "id", "tpm0");
        add_json(c, "-device", o);
    }
    /* the balloon is how currentMemory below memory takes effect, and what
     * query-balloon reports (libvirt's default memballoon) */
    if (!m->balloon || strcmp(m->balloon, "virtio") == 0) {
        json_object *o = obj("driver", "virtio-balloon-pci");
        set_s(o, "id", "balloon0");
        place_pci(c, o, &m->balloon_addr, true);
        add_json(c, "-device", o);
    }
    for (size_t i = 0; i < m->nrngs; i++) {
        const struct qemu_rng *r = &m->rngs[i];
        char id[32], objid[32];
        json_object *o;
        snprintf(objid, sizeof(objid), "objrng%zu", i);
        if (strcmp(r->backend, "egd") == 0) {
            struct vm_buf b = VM_BUF_INIT;
            vm_buf_addf(&b, "socket,id=charrng%zu,path=", i);
            add_escaped(&b, r->path ? r->path : "");
            vm_buf_add(&b, ",server=off");
            add2(c, "-chardev", vm_buf_steal(&b));
            o = obj("qom-type", "rng-egd");
            set_s(o, "id", objid);
            snprintf(id, sizeof(id), "charrng%zu", i);
            set_s(o, "chardev", id);
        } else {
            o = obj("qom-type", "rng-random");
            set_s(o, "id", objid);
            set_s(o, "filename", r->path);
        }
        add_json(c, "-object", o);
        o = obj("driver", "virtio-rng-pci");
        set_s(o, "rng", objid);
        snprintf(id, sizeof(id), "rng%zu", i);
        set_s(o, "id", id);
        if (r->rate_bytes) {
            set_i(o, "max-bytes", r->rate_bytes);
            set_i(o, "period", r->rate_period);
        }
        place_pci(c, o, &r->addr, true);
        add_json(c, "-device", o);
    }
}

/* ------------------------------------------------------------ machine, CPU, memory */

static void add_machine(struct cmd *c)
{
    const struct qemu_devices *m = c->m;
    struct vm_buf b = VM_BUF_INIT;

    add_escaped(&b, c->def->os_machine ? c->def->os_machine : "pc");
    vm_buf_addf(&b, ",accel=%s", c->kvm ? "kvm" : "tcg");
    if (!m->acpi)
        vm_buf_add(&b, ",acpi=off");
    if (m->smm >= 0)
        vm_buf_addf(&b, ",smm=%s", m->smm ? "on" : "off");
    if (m->vmport >= 0)
        vm_buf_addf(&b, ",vmport=%s", m->vmport ? "on" : "off");
    if (m->hpet >= 0)
        vm_buf_addf(&b, ",hpet=%s", m->hpet ? "on" : "off");
    if (m->efi || m->loader) {
        if (!c->paths->firmware || !c->paths->nvram) {
            fail(c, "no UEFI firmware was chosen for it");
        } else {
            vm_buf_add(&b, ",pflash0=pflash0,pflash1=pflash1");
            if (c->paths->firmware_smm && m->smm < 0)
                vm_buf_add(&b, ",smm=on");
        }
    }
    add2(c, "-machine", vm_buf_steal(&b));
    if ((m->efi || m->loader) && c->paths->firmware && c->paths->nvram) {
        /* the firmware read-only, the domain's own variables writable */
        for (int i = 0; i < 2; i++) {
            char store[24], node[24];
            json_object *s = obj("driver", "file"), *f;
            snprintf(store, sizeof(store), "pflash%d-store", i);
            snprintf(node, sizeof(node), "pflash%d", i);
            set_s(s, "filename", i ? c->paths->nvram : c->paths->firmware);
            set_s(s, "node-name", store);
            set_b(s, "auto-read-only", true);
            set_s(s, "discard", "unmap");
            f = obj("node-name", node);
            set_b(f, "read-only", i == 0);
            set_s(f, "driver", "raw");
            set_s(f, "file", store);
            add_json(c, "-blockdev", s);
            add_json(c, "-blockdev", f);
        }
    }
}

static void add_cpu(struct cmd *c)
{
    const struct qemu_devices *m = c->m;
    const char *model = m->cpu_model;
    struct vm_buf b = VM_BUF_INIT;

    if (m->cpu_mode && (strcmp(m->cpu_mode, "host-passthrough") == 0 ||
                        strcmp(m->cpu_mode, "host-model") == 0)) {
        if (!c->kvm) {
            fail(c, "CPU mode '%s' needs KVM (<domain type='kvm'>); emulation (type='qemu') "
                    "takes a named model or mode 'maximum'",
                 m->cpu_mode);
            return;
        }
        model = "host";
    } else if (m->cpu_mode && strcmp(m->cpu_mode, "maximum") == 0) {
        model = "max";
    }
    if (!model && !m->ncpu_flags)
        return;
    vm_buf_add(&b, model ? model : "qemu64");
    for (size_t i = 0; i < m->ncpu_flags; i++)
        vm_buf_addf(&b, ",%s", m->cpu_flags[i].text);
    add2(c, "-cpu", vm_buf_steal(&b));
}

static void add_memory_smp(struct cmd *c)
{
    const struct qemu_devices *m = c->m;

    /* QEMU takes a k suffix: KiB in, KiB out, nothing rounded */
    if (m->max_memory_kib)
        add2(c, "-m", vm_asprintf("size=%lluk,slots=%u,maxmem=%lluk",
                                  (unsigned long long)c->def->memory_kib, m->memory_slots,
                                  m->max_memory_kib));
    else
        add2(c, "-m", vm_asprintf("size=%lluk", (unsigned long long)c->def->memory_kib));
    if (m->vcpus_current == m->vcpus && !m->sockets)
        add2(c, "-smp", vm_asprintf("%u", m->vcpus));
    else if (!m->sockets)
        add2(c, "-smp", vm_asprintf("%u,maxcpus=%u", m->vcpus_current, m->vcpus));
    else
        add2(c, "-smp", vm_asprintf("%u,maxcpus=%u,sockets=%u,dies=%u,cores=%u,threads=%u",
                                    m->vcpus_current, m->vcpus, m->sockets, m->dies, m->cores,
                                    m->threads));
}

static void add_clock_pm(struct cmd *c)
{
    const struct qemu_devices *m = c->m;
    const char *lpc = m->q35 ? "ICH9-LPC" : "PIIX4_PM";

    if (m->clock_offset || m->rtc_catchup)
        add2(c, "-rtc", vm_asprintf("base=%s%s", m->clock_offset ? m->clock_offset : "utc",
                                    m->rtc_catchup ? ",driftfix=slew" : ""));
    /* the in-kernel PIT is KVM's: with TCG there is no tick policy to set */
    if (m->pit_delay && c->kvm)
        add2(c, "-global", vm_strdup("kvm-pit.lost_tick_policy=delay"));
    if (m->s3 >= 0)
        add2(c, "-global", vm_asprintf("%s.disable_s3=%d", lpc, !m->s3));
    if (m->s4 >= 0)
        add2(c, "-global", vm_asprintf("%s.disable_s4=%d", lpc, !m->s4));
}

/* bootindex for the first device of each kind os/boot names, in its order
 * (libvirt does the same since per-device boot took over). */
static void os_boot_indexes(const struct vm_domain_def *def,
                            int *disk, int *cdrom, int *floppy, int *net)
{
    *disk = *cdrom = *floppy = *net = 0;
    for (size_t i = 0; i < def->nboot_devs; i++) {
        const char *d = def->boot_devs[i];
        int *slot = strcmp(d, "hd") == 0      ? disk
                    : strcmp(d, "cdrom") == 0 ? cdrom
                    : strcmp(d, "fd") == 0    ? floppy
                                              : net;
        if (!*slot)
            *slot = (int)i + 1;
    }
}

/* What the QEMU driver runs at all: 0, or -1 with an error. */
static int runnable(const struct vm_domain_def *def)
{
    if (def->type != VM_VIRT_QEMU && def->type != VM_VIRT_KVM) {
        vm_report_error(VM_ERR_INVALID_ARG,
                        "the QEMU driver runs domains of type 'qemu' or 'kvm', not '%s'",
                        vm_virt_type_name(def->type));
        return -1;
    }
    if (strcmp(def->os_type, "hvm") != 0) {
        vm_report_error(VM_ERR_NOT_SUPPORTED, "the QEMU driver runs os type 'hvm', not '%s'",
                        def->os_type);
        return -1;
    }
    if (def->os_machine && strcmp(def->os_machine, "pc") != 0 &&
        strncmp(def->os_machine, "pc-i440fx-", 10) != 0 && !qemu_machine_is_q35(def->os_machine)) {
        vm_report_error(VM_ERR_NOT_SUPPORTED,
                        "domain '%s': the QEMU driver runs machine types pc and q35 "
                        "(pc-i440fx-* and pc-q35-* too), not '%s'",
                        def->name, def->os_machine);
        return -1;
    }
    return 0;
}

char **qemu_build_argv(const struct vm_domain_def *def, const struct qemu_paths *paths)
{
    struct qemu_devices *m;
    char **argv;

    if (runnable(def) < 0 || !(m = qemu_devices_read(def)))
        return NULL;
    argv = qemu_build_argv_from(def, m, paths);
    qemu_devices_free(m);
    return argv;
}

char **qemu_build_argv_from(const struct vm_domain_def *def, const struct qemu_devices *m,
                            const struct qemu_paths *paths)
{
    struct cmd c = {0};
    char uuid[VM_UUID_STRING_BUFLEN];
    int boot_disk, boot_cdrom, boot_floppy, boot_net;
    bool per_device = false;

    if (runnable(def) < 0)
        return NULL;
    c.def = def;
    c.m = m;
    c.paths = paths;
    c.kvm = def->type == VM_VIRT_KVM;
    c.ctl_index = vm_calloc(m->ncontrollers + 1, sizeof(int));
    controller_indexes(m, c.ctl_index);
    for (size_t i = 0; i < m->ngraphics; i++)
        c.spice |= strcmp(m->graphics[i].type, "spice") == 0;
    for (size_t i = 0; i < m->ndisks; i++)
        per_device |= m->disks[i].boot > 0;
    for (size_t i = 0; i < m->nnets; i++)
        per_device |= m->nets[i].boot > 0;
    if (per_device && def->nboot_devs) {
        fail(&c, "per-device <boot order> and <os><boot dev> cannot be used together");
        goto error;
    }
    os_boot_indexes(def, &boot_disk, &boot_cdrom, &boot_floppy, &boot_net);

    VM_GROW(c.v, c.n, c.alloc);
    c.v[0] = qemu_emulator(def);
    {
        struct vm_buf b = VM_BUF_INIT;
        vm_buf_add(&b, "guest=");
        add_escaped(&b, def->name);
        vm_buf_add(&b, ",debug-threads=on");
        add2(&c, "-name", vm_buf_steal(&b));
    }
    vm_uuid_format(def->uuid, uuid);
    add(&c, "-uuid");
    add(&c, uuid);
    add_machine(&c);
    add_cpu(&c);
    add_memory_smp(&c);
    add(&c, "-nodefaults");
    add(&c, "-no-user-config");
    add(&c, "-no-shutdown");
    add_clock_pm(&c);
    if (def->nboot_devs || per_device || m->bootmenu) {
        if (m->bootmenu && m->bootmenu_timeout)
            add2(&c, "-boot", vm_asprintf("menu=on,splash-time=%u,strict=on",
                                          m->bootmenu_timeout));
        else
            add2(&c, "-boot", vm_strdup(m->bootmenu ? "menu=on,strict=on" : "strict=on"));
    }
    if (def->os_kernel) {
        add(&c, "-kernel");
        add(&c, def->os_kernel);
    }
    if (def->os_initrd) {
        add(&c, "-initrd");
        add(&c, def->os_initrd);
    }
    if (def->os_cmdline) {
        add(&c, "-append");
        add(&c, def->os_cmdline);
    }
    /* what the definition places first, then the root ports: what goes
     * into them is placed as it comes */
    reserve_addresses(&c);
    pci_controllers(&c);
    for (size_t i = 0; i < m->ninputs; i++)
        usb_reserve(&c, &m->inputs[i].addr);
    for (size_t i = 0; i < m->nredirdevs; i++)
        usb_reserve(&c, &m->redirdevs[i].addr);
    other_controllers(&c);
    implied_controllers(&c);
    for (size_t i = 0; i < m->ndisks; i++) {
        const struct qemu_disk *d = &m->disks[i];
        int *slot = strcmp(d->device, "cdrom") == 0    ? &boot_cdrom
                    : strcmp(d->device, "floppy") == 0 ? &boot_floppy
                                                       : &boot_disk;
        add_disk(&c, d, *slot);
        *slot = 0;
    }
    for (size_t i = 0; i < m->nnets; i++) {
        add_net(&c, &m->nets[i], i, boot_net);
        boot_net = 0;
    }
    add_chrs(&c);
    add_inputs(&c);
    add_graphics(&c);
    add_videos(&c);
    add_sound(&c);
    add_misc(&c);
    {
        struct vm_buf b = VM_BUF_INIT;
        vm_buf_add(&b, "unix:");
        add_escaped(&b, paths->qmp);
        vm_buf_add(&b, ",server=on,wait=off");
        add2(&c, "-qmp", vm_buf_steal(&b));
    }
    /* QEMU writes and locks its pidfile itself: with the UUID above, how
     * virtmon knows a domain's QEMU (qemu_process.h) */
    add(&c, "-pidfile");
    add(&c, paths->pidfile);
    if (paths->incoming) {
        add(&c, "-incoming");
        add(&c, "defer");
    }
    if (paths->paused)
        add(&c, "-S");
    /* what a guest escaping into QEMU may not do; QEMU runs in the
     * foreground of its own session, since -daemonize forks and spawn=deny
     * forbids that */
    add(&c, "-sandbox");
    add(&c, "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny");
    if (c.failed)
        goto error;
    free(c.ctl_index);
    VM_GROW(c.v, c.n, c.alloc);
    c.v[c.n - 1] = NULL;
    return c.v;
error:
    free(c.ctl_index);
    VM_GROW(c.v, c.n, c.alloc);
    c.v[c.n - 1] = NULL;
    qemu_argv_free(c.v);
    return NULL;
}
