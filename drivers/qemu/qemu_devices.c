/*
 * qemu_devices.c: reading what `start` applies (docs/internals.md) from a
 * definition as dumpxml gives it.  Every element and attribute the QEMU
 * driver applies is consumed here; a value it cannot apply is noted, and so
 * is whatever is left unconsumed, so that the start is refused naming all of
 * it instead of running a guest without part of its definition.
 */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "qemu_devices.h"
#include "util/vm_alloc.h"
#include "util/vm_error.h"
#include "util/vm_units.h"
#include "util/vm_xml.h"

#define N_(a) ((int)(sizeof(a) / sizeof((a)[0])))

struct rd {
    struct qemu_devices *m;
    struct vm_xml_problems ps;
};

static void note(struct rd *r, xmlNodePtr n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void note(struct rd *r, xmlNodePtr n, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    msg = vm_vasprintf(fmt, ap);
    va_end(ap);
    vm_xml_problem(&r->ps, xmlGetLineNo(n), "%s", msg);
    free(msg);
}

/* Keeps s (owned) in the model's storage. */
static const char *keep(struct rd *r, char *s)
{
    struct qemu_devices *m = r->m;

    if (!s)
        return NULL;
    VM_GROW(m->strs, m->nstrs, m->astrs);
    m->strs[m->nstrs - 1] = s;
    return s;
}

/* Whether n has attribute name, without consuming it. */
static bool has_prop(xmlNodePtr n, const char *name)
{
    return xmlHasProp(n, (const xmlChar *)name) != NULL;
}

static const char *prop(struct rd *r, xmlNodePtr n, const char *name)
{
    return keep(r, vm_xml_prop(n, name));
}

/* An attribute that must be one of names when present; NULL when absent or
 * not one of them (noted). */
static const char *prop_enum(struct rd *r, xmlNodePtr n, const char *name,
                             const char *const *names, int nnames)
{
    const char *v = prop(r, n, name);
    VM_AUTOFREE char *list = NULL;

    if (!v)
        return NULL;
    for (int i = 0; i < nnames; i++) {
        if (strcmp(v, names[i]) == 0)
            return v;
    }
    for (int i = 0; i < nnames; i++) {
        char *l = vm_asprintf("%s%s%s", list ? list : "", list ? ", " : "", names[i]);
        free(list);
        list = l;
    }
    note(r, n, "the QEMU driver does not apply %s='%s' of element '%s' (it applies %s)", name, v,
         (const char *)n->name, list);
    return NULL;
}

/* An unsigned attribute up to max; def when absent or invalid (noted). */
static unsigned int prop_uint(struct rd *r, xmlNodePtr n, const char *name, unsigned int max,
                              unsigned int def)
{
    VM_AUTOFREE char *v = vm_xml_prop(n, name);
    unsigned long long x;
    char *end;

    if (!v)
        return def;
    x = strtoull(v, &end, 0);
    if (!*v || *end || v[0] == '-' || x > max) {
        note(r, n, "invalid %s '%s' of element '%s' (0 to %u)", name, v, (const char *)n->name, max);
        return def;
    }
    return (unsigned int)x;
}

/* on/off or yes/no: 1, 0; def when absent. */
static int prop_bool(struct rd *r, xmlNodePtr n, const char *name, int def)
{
    static const char *const values[] = {"on", "off", "yes", "no"};
    const char *v = prop_enum(r, n, name, values, N_(values));

    return v ? (strcmp(v, "on") == 0 || strcmp(v, "yes") == 0) : def;
}

/* A token QEMU takes in an option (model names, cpu flags). */
static bool token_ok(struct rd *r, xmlNodePtr n, const char *what, const char *v)
{
    for (const char *p = v; p && *p; p++) {
        if (!(*p >= 'a' && *p <= 'z') && !(*p >= 'A' && *p <= 'Z') && !(*p >= '0' && *p <= '9') &&
            !strchr("_.:-", *p)) {
            note(r, n, "invalid %s '%s' of element '%s'", what, v, (const char *)n->name);
            return false;
        }
    }
    return v != NULL && *v;
}

static void read_address(struct rd *r, xmlNodePtr parent, struct qemu_addr *a)
{
    static const char *const types[] = {"pci", "drive", "usb", "virtio-serial"};
    xmlNodePtr n = vm_xml_child(parent, "address");
    const char *type;

    if (!n)
        return;
    if (!(type = prop_enum(r, n, "type", types, N_(types))))
        return;
    if (strcmp(type, "pci") == 0) {
        a->type = QEMU_ADDR_PCI;
        if (prop_uint(r, n, "domain", 0, 0) != 0)
            note(r, n, "the QEMU driver applies PCI domain 0 only");
        a->bus = prop_uint(r, n, "bus", 0xff, 0);
        a->slot = prop_uint(r, n, "slot", 0x1f, 0);
        a->function = prop_uint(r, n, "function", 7, 0);
        a->multifunction = prop_bool(r, n, "multifunction", 0) == 1;
    } else if (strcmp(type, "drive") == 0) {
        a->type = QEMU_ADDR_DRIVE;
        a->controller = prop_uint(r, n, "controller", 31, 0);
        a->bus = prop_uint(r, n, "bus", 31, 0);
        a->target = prop_uint(r, n, "target", 255, 0);
        a->unit = prop_uint(r, n, "unit", 16383, 0);
    } else if (strcmp(type, "usb") == 0) {
        a->type = QEMU_ADDR_USB;
        a->bus = prop_uint(r, n, "bus", 31, 0);
        a->usb_port = prop(r, n, "port");
        if (a->usb_port && strspn(a->usb_port, "0123456789.") != strlen(a->usb_port))
            note(r, n, "invalid USB port '%s'", a->usb_port);
    } else {
        a->type = QEMU_ADDR_VSERIAL;
        a->controller = prop_uint(r, n, "controller", 31, 0);
        a->bus = prop_uint(r, n, "bus", 0, 0);
        a->port = prop_uint(r, n, "port", 31, 0);
    }
}

/* <alias> names a device in libvirt's live XML; nothing to apply. */
static void common(struct rd *r, xmlNodePtr n, struct qemu_addr *a)
{
    xmlNodePtr alias = vm_xml_child(n, "alias");

    if (alias)
        vm_xml_consume_all(alias);
    if (a)
        read_address(r, n, a);
}

static unsigned int boot_order(struct rd *r, xmlNodePtr n)
{
    xmlNodePtr b = vm_xml_child(n, "boot");
    unsigned int order;

    if (!b)
        return 0;
    order = prop_uint(r, b, "order", 65535, 0);
    if (!order)
        note(r, b, "<boot> needs order= from 1");
    return order;
}

#define ADD(r, arr, n, alloc) (VM_GROW((r)->m->arr, (r)->m->n, alloc), &(r)->m->arr[(r)->m->n - 1])

static void read_disk(struct rd *r, xmlNodePtr n, size_t *alloc)
{
    static const char *const types[] = {"file", "block"};
    static const char *const devices[] = {"disk", "cdrom", "floppy"};
    static const char *const formats[] = {"raw", "qcow2"};
    static const char *const buses[] = {"virtio", "sata", "scsi", "ide", "usb", "fdc"};
    static const char *const caches[] = {"default", "none", "writethrough", "writeback",
                                         "directsync", "unsafe"};
    static const char *const ios[] = {"threads", "native", "io_uring"};
    static const char *const discards[] = {"ignore", "unmap"};
    static const char *const zeroes[] = {"off", "on", "unmap"};
    struct qemu_disk *d = ADD(r, disks, ndisks, *alloc);
    const char *type = prop_enum(r, n, "type", types, N_(types));
    xmlNodePtr c;

    d->block = type && strcmp(type, "block") == 0;
    d->device = prop_enum(r, n, "device", devices, N_(devices));
    if (!d->device)
        d->device = "disk";
    if ((c = vm_xml_child(n, "driver"))) {
        static const char *const qemu_only[] = {"qemu"};
        prop_enum(r, c, "name", qemu_only, 1);
        d->format = prop_enum(r, c, "type", formats, N_(formats));
        d->cache = prop_enum(r, c, "cache", caches, N_(caches));
        d->io = prop_enum(r, c, "io", ios, N_(ios));
        d->discard = prop_enum(r, c, "discard", discards, N_(discards));
        d->detect_zeroes = prop_enum(r, c, "detect_zeroes", zeroes, N_(zeroes));
    }
    if (!d->format)
        d->format = "raw";
    if ((c = vm_xml_child(n, "source")))
        d->source = prop(r, c, d->block ? "dev" : "file");
    if ((c = vm_xml_child(n, "target"))) {
        d->dev = prop(r, c, "dev");
        d->bus = prop_enum(r, c, "bus", buses, N_(buses));
    }
    if (!d->dev) {
        note(r, n, "<disk> needs <target dev=...>");
        d->dev = "";
    } else if (strlen(d->dev) > 24 || !token_ok(r, c, "dev", d->dev)) {
        note(r, c, "disk target '%s' is longer than the QEMU driver's 24 characters", d->dev);
    }
    if (!d->bus)   /* libvirt's guess from the name */
        d->bus = strncmp(d->dev, "vd", 2) == 0   ? "virtio"
                 : strncmp(d->dev, "sd", 2) == 0 ? "scsi"
                 : strncmp(d->dev, "fd", 2) == 0 ? "fdc"
                                                 : "ide";
    d->readonly = vm_xml_child(n, "readonly") != NULL || strcmp(d->device, "cdrom") == 0;
    if ((c = vm_xml_child(n, "serial")))
        d->serial = keep(r, vm_xml_text(c));
    d->boot = boot_order(r, n);
    common(r, n, &d->addr);
}

static void read_net(struct rd *r, xmlNodePtr n, size_t *alloc)
{
    static const char *const types[] = {"user", "bridge", "ethernet", "network"};
    static const char *const models[] = {"virtio", "e1000", "e1000e", "rtl8139"};
    struct qemu_net *d = ADD(r, nets, nnets, *alloc);
    xmlNodePtr c;

    d->type = prop_enum(r, n, "type", types, N_(types));
    if (!d->type)
        d->type = "user";
    if ((c = vm_xml_child(n, "mac")) && vm_mac_parse(prop(r, c, "address"), d->mac) < 0)
        note(r, c, "invalid MAC address");
    if ((c = vm_xml_child(n, "source")))
        d->source = prop(r, c, strcmp(d->type, "bridge") == 0 ? "bridge" : "network");
    if ((c = vm_xml_child(n, "target")))
        d->tap = prop(r, c, "dev");
    if ((c = vm_xml_child(n, "model")))
        d->model = prop_enum(r, c, "type", models, N_(models));
    d->boot = boot_order(r, n);
    common(r, n, &d->addr);
}

static void read_controller(struct rd *r, xmlNodePtr n, size_t *alloc)
{
    static const char *const types[] = {"usb", "pci", "virtio-serial", "sata", "scsi", "ide"};
    static const char *const usb_models[] = {"qemu-xhci", "nec-xhci", "piix3-uhci", "piix4-uhci",
                                             "ich9-ehci1", "ich9-uhci1", "ich9-uhci2",
                                             "ich9-uhci3", "none"};
    static const char *const pci_models[] = {"pcie-root", "pcie-root-port", "pci-root",
                                             "pci-bridge"};
    static const char *const scsi_models[] = {"virtio-scsi"};
    struct qemu_controller *d = ADD(r, controllers, ncontrollers, *alloc);
    xmlNodePtr c;

    d->chassis = d->port = d->startport = -1;
    d->type = prop_enum(r, n, "type", types, N_(types));
    d->index = has_prop(n, "index") ? (int)prop_uint(r, n, "index", 255, 0) : -1;
    if (!d->type)
        d->type = "";
    if (strcmp(d->type, "usb") == 0)
        d->model = prop_enum(r, n, "model", usb_models, N_(usb_models));
    else if (strcmp(d->type, "pci") == 0)
        d->model = prop_enum(r, n, "model", pci_models, N_(pci_models));
    else if (strcmp(d->type, "scsi") == 0)
        d->model = prop_enum(r, n, "model", scsi_models, N_(scsi_models));
    d->ports = prop_uint(r, n, "ports", strcmp(d->type, "virtio-serial") == 0 ? 31 : 15, 0);
    if ((c = vm_xml_child(n, "model"))) {
        /* libvirt names the device model of a PCI controller: ours */
        static const char *const names[] = {"pcie-root-port", "pci-bridge"};
        prop_enum(r, c, "name", names, N_(names));
    }
    if ((c = vm_xml_child(n, "target"))) {
        d->chassis = (int)prop_uint(r, c, "chassis", 255, 0);
        d->port = (int)prop_uint(r, c, "port", 255, 0);
        if (strcmp(d->type, "pci") == 0 && d->model && strcmp(d->model, "pci-bridge") == 0)
            d->port = -1;
    }
    if ((c = vm_xml_child(n, "master")))
        d->startport = (int)prop_uint(r, c, "startport", 15, 0);
    common(r, n, &d->addr);
}

static void read_input(struct rd *r, xmlNodePtr n, size_t *alloc)
{
    static const char *const types[] = {"tablet", "mouse", "keyboard"};
    static const char *const buses[] = {"usb", "ps2", "virtio"};
    struct qemu_input *d = ADD(r, inputs, ninputs, *alloc);

    d->type = prop_enum(r, n, "type", types, N_(types));
    d->bus = prop_enum(r, n, "bus", buses, N_(buses));
    if (!d->type)
        d->type = "mouse";
    if (!d->bus)
        d->bus = strcmp(d->type, "tablet") == 0 ? "usb" : "ps2";
    if (strcmp(d->type, "tablet") == 0 && strcmp(d->bus, "ps2") == 0)
        note(r, n, "a tablet cannot be on the ps2 bus");
    common(r, n, &d->addr);
}

static void read_graphics(struct rd *r, xmlNodePtr n, size_t *alloc)
{
    static const char *const types[] = {"vnc", "spice"};
    struct qemu_graphics *d = ADD(r, graphics, ngraphics, *alloc);
    const char *autoport, *tls;
    xmlNodePtr c;

    d->type = prop_enum(r, n, "type", types, N_(types));
    if (!d->type)
        d->type = "vnc";
    {
        /* libvirt writes port='-1' for autoport */
        xmlChar *raw = xmlGetNoNsProp(n, (const xmlChar *)"port");
        bool minus = raw && strcmp((const char *)raw, "-1") == 0;
        xmlFree(raw);
        d->port = minus ? (prop(r, n, "port"), -1) : (int)prop_uint(r, n, "port", 65535, 0);
    }
    autoport = prop(r, n, "autoport");
    if (!autoport || strcmp(autoport, "yes") == 0 || d->port <= 0)
        d->port = -1;
    if (d->port >= 0 && d->port < 5900 && strcmp(d->type, "vnc") == 0)
        note(r, n, "VNC port %d is below 5900 (display :0)", d->port);
    d->listen = prop(r, n, "listen");
    d->passwd = prop(r, n, "passwd");
    if ((tls = prop(r, n, "tlsPort")) && strcmp(tls, "-1") != 0)
        note(r, n, "the QEMU driver does not apply SPICE over TLS (tlsPort)");
    prop(r, n, "keymap");
    if (d->listen && !token_ok(r, n, "listen", d->listen))
        d->listen = NULL;
    for (c = vm_xml_child(n, "listen"); c; c = vm_xml_next(c, "listen")) {
        static const char *const ltypes[] = {"address"};
        const char *addr;
        prop_enum(r, c, "type", ltypes, 1);
        if ((addr = prop(r, c, "address")) && token_ok(r, c, "address", addr))
            d->listen = addr;
    }
    if ((c = vm_xml_child(n, "image"))) {
        static const char *const comp[] = {"auto_glz", "auto_lz", "quic", "glz", "lz", "off"};
        d->image_compression = prop_enum(r, c, "compression", comp, N_(comp));
    }
}

static void read_video(struct rd *r, xmlNodePtr n, size_t *alloc)
{
    static const char *const models[] = {"vga", "cirrus", "qxl", "virtio", "bochs", "none"};
    struct qemu_video *d = ADD(r, videos, nvideos, *alloc);
    xmlNodePtr c = vm_xml_child(n, "model");

    d->model = "vga";
    if (c) {
        if (!(d->model = prop_enum(r, c, "type", models, N_(models))))
            d->model = "vga";
        d->vram = prop_uint(r, c, "vram", 1u << 22, 0);
        d->ram = prop_uint(r, c, "ram", 1u << 22, 0);
        d->vgamem = prop_uint(r, c, "vgamem", 1u << 22, 0);
        d->heads = prop_uint(r, c, "heads", 4, 0);
        prop_bool(r, c, "primary", 1);
    }
    common(r, n, &d->addr);
}

static void read_chr(struct rd *r, xmlNodePtr n, const char *element, size_t *alloc)
{
    static const char *const types[] = {"pty", "file", "unix", "spicevmc"};
    static const char *const modes[] = {"bind", "connect"};
    struct qemu_chr *d = ADD(r, chrs, nchrs, *alloc);
    xmlNodePtr c;

    d->element = element;
    d->port = -1;
    d->type = prop_enum(r, n, "type", types, N_(types));
    if (!d->type)
        d->type = "pty";
    if ((c = vm_xml_child(n, "source"))) {
        d->path = prop(r, c, "path");
        d->mode = prop_enum(r, c, "mode", modes, N_(modes));
        if (d->path && d->path[0] != '/')
            note(r, c, "'%s' is not an absolute path", d->path);
    }
    if ((strcmp(d->type, "file") == 0) && !d->path)
        note(r, n, "a %s of type 'file' needs <source path=...>", element);
    if (strcmp(d->type, "unix") == 0 && !d->path && strcmp(element, "channel") != 0)
        note(r, n, "a %s of type 'unix' needs <source path=...>", element);
    if ((c = vm_xml_child(n, "target"))) {
        xmlNodePtr model;
        d->target_type = prop(r, c, "type");
        d->target_name = prop(r, c, "name");
        d->port = (int)prop_uint(r, c, "port", 31, 0);
        if (!has_prop(c, "port"))
            d->port = -1;
        if ((model = vm_xml_child(c, "model"))) {
            static const char *const names[] = {"isa-serial"};
            prop_enum(r, model, "name", names, 1);
        }
    }
    if ((c = vm_xml_child(n, "log")))
        note(r, c, "the QEMU driver does not apply <log> of a %s", element);
    common(r, n, &d->addr);
}

static void read_rng(struct rd *r, xmlNodePtr n, size_t *alloc)
{
    static const char *const models[] = {"virtio"};
    static const char *const backends[] = {"random", "egd"};
    struct qemu_rng *d = ADD(r, rngs, nrngs, *alloc);
    xmlNodePtr c;

    prop_enum(r, n, "model", models, 1);
    if ((c = vm_xml_child(n, "backend"))) {
        d->backend = prop_enum(r, c, "model", backends, N_(backends));
        if (d->backend && strcmp(d->backend, "random") == 0) {
            d->path = keep(r, vm_xml_text(c));
            if (!*d->path)
                d->path = "/dev/urandom";
        } else if (d->backend) {
            static const char *const unix_only[] = {"unix"};
            xmlNodePtr s = vm_xml_child(c, "source");
            prop_enum(r, c, "type", unix_only, 1);
            if (s) {
                static const char *const connect[] = {"connect"};
                prop_enum(r, s, "mode", connect, 1);
                d->path = prop(r, s, "path");
            }
            if (!d->path)
                note(r, c, "an egd backend needs <source mode='connect' path=...>");
        }
    }
    if (!d->backend) {
        d->backend = "random";
        d->path = "/dev/urandom";
    }
    if ((c = vm_xml_child(n, "rate"))) {
        d->rate_bytes = prop_uint(r, c, "bytes", 0x7fffffff, 0);
        d->rate_period = prop_uint(r, c, "period", 0x7fffffff, 1000);
    }
    common(r, n, &d->addr);
}

static void read_simple(struct rd *r, xmlNodePtr n, const char *attr, const char *const *values,
                        int nvalues, struct qemu_simple *d)
{
    d->model = prop_enum(r, n, attr, values, nvalues);
    common(r, n, &d->addr);
}

static void read_devices(struct rd *r, xmlNodePtr devs)
{
    static const char *const sounds[] = {"ich9", "ich6", "ac97", "es1370"};
    static const char *const watchdogs[] = {"i6300esb", "ib700"};
    static const char *const actions[] = {"reset", "shutdown", "poweroff", "pause", "none",
                                          "inject-nmi"};
    static const char *const panics[] = {"isa"};
    static const char *const redirs[] = {"spicevmc"};
    static const char *const balloons[] = {"virtio", "none"};
    static const char *const audios[] = {"none", "spice"};
    size_t a[16] = {0};
    xmlNodePtr n;

    if ((n = vm_xml_child(devs, "emulator")))
        vm_xml_consume_all(n);  /* the driver checks it against virtmon.conf */
    for (xmlNodePtr c = devs->children; c; c = c->next) {
        const char *e = (const char *)c->name;
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (strcmp(e, "disk") == 0)
            read_disk(r, c, &a[0]);
        else if (strcmp(e, "interface") == 0)
            read_net(r, c, &a[1]);
        else if (strcmp(e, "controller") == 0)
            read_controller(r, c, &a[2]);
        else if (strcmp(e, "input") == 0)
            read_input(r, c, &a[3]);
        else if (strcmp(e, "graphics") == 0)
            read_graphics(r, c, &a[4]);
        else if (strcmp(e, "video") == 0)
            read_video(r, c, &a[5]);
        else if (strcmp(e, "serial") == 0 || strcmp(e, "console") == 0 ||
                 strcmp(e, "channel") == 0)
            read_chr(r, c, strcmp(e, "serial") == 0    ? "serial"
                           : strcmp(e, "console") == 0 ? "console"
                                                       : "channel",
                     &a[6]);
        else if (strcmp(e, "rng") == 0)
            read_rng(r, c, &a[7]);
        else if (strcmp(e, "sound") == 0) {
            read_simple(r, c, "model", sounds, N_(sounds), ADD(r, sounds, nsounds, a[8]));
            if ((n = vm_xml_child(c, "audio")))
                prop_uint(r, n, "id", 1, 1);
        } else if (strcmp(e, "watchdog") == 0) {
            struct qemu_simple *d = ADD(r, watchdogs, nwatchdogs, a[9]);
            read_simple(r, c, "model", watchdogs, N_(watchdogs), d);
            d->action = prop_enum(r, c, "action", actions, N_(actions));
        } else if (strcmp(e, "panic") == 0) {
            struct qemu_simple *d = ADD(r, panics, npanics, a[10]);
            read_simple(r, c, "model", panics, N_(panics), d);
            if (!d->model && !has_prop(c, "model"))
                d->model = "isa";
        } else if (strcmp(e, "redirdev") == 0) {
            static const char *const usb[] = {"usb"};
            struct qemu_simple *d = ADD(r, redirdevs, nredirdevs, a[11]);
            read_simple(r, c, "type", redirs, N_(redirs), d);
            prop_enum(r, c, "bus", usb, 1);
        } else if (strcmp(e, "memballoon") == 0) {
            if (r->m->balloon)
                note(r, c, "more than one <memballoon>");
            r->m->balloon = prop_enum(r, c, "model", balloons, N_(balloons));
            common(r, c, &r->m->balloon_addr);
        } else if (strcmp(e, "tpm") == 0) {
            static const char *const models[] = {"tpm-crb", "tpm-tis"};
            static const char *const emulator[] = {"emulator"};
            static const char *const versions[] = {"2.0", "1.2"};
            xmlNodePtr b = vm_xml_child(c, "backend");
            const char *version = NULL;
            if (r->m->tpm_model)
                note(r, c, "more than one <tpm>");
            r->m->tpm_model = prop_enum(r, c, "model", models, N_(models));
            if (!r->m->tpm_model && !has_prop(c, "model"))
                r->m->tpm_model = "tpm-tis";
            if (!b || !prop_enum(r, b, "type", emulator, 1))
                note(r, c, "the QEMU driver applies a TPM with <backend type='emulator'> (swtpm)");
            else
                version = prop_enum(r, b, "version", versions, N_(versions));
            r->m->tpm2 = !version || strcmp(version, "2.0") == 0;
            common(r, c, NULL);
        } else if (strcmp(e, "audio") == 0) {
            if (prop_uint(r, c, "id", 1, 1) != 1)
                note(r, c, "the QEMU driver applies one <audio> (id 1)");
            r->m->audio_type = prop_enum(r, c, "type", audios, N_(audios));
        } else {
            continue;   /* left unconsumed: named by the caller */
        }
        vm_xml_consume(c);
    }
}

static void add_flag(struct rd *r, char *text)
{
    struct qemu_devices *m = r->m;
    VM_GROW(m->cpu_flags, m->ncpu_flags, m->acpu_flags);
    m->cpu_flags[m->ncpu_flags - 1].text = keep(r, text);
}

static void read_features(struct rd *r, xmlNodePtr f)
{
    static const char *const hv_names[] = {
        "relaxed", "vapic",  "spinlocks",       "vpindex", "runtime", "synic",
        "stimer",  "reset",  "vendor_id",       "frequencies", "reenlightenment",
        "tlbflush", "ipi",   "evmcs"};
    struct qemu_devices *m = r->m;
    xmlNodePtr c, h;

    m->acpi = vm_xml_child(f, "acpi") != NULL;
    vm_xml_child(f, "apic");    /* x86 guests have their APIC anyway */
    if ((c = vm_xml_child(f, "pae")))
        vm_xml_consume(c);
    if ((c = vm_xml_child(f, "smm")))
        m->smm = prop_bool(r, c, "state", 1);
    if ((c = vm_xml_child(f, "vmport")))
        m->vmport = prop_bool(r, c, "state", 1);
    if ((h = vm_xml_child(f, "hyperv"))) {
        static const char *const modes[] = {"custom", "passthrough"};
        const char *mode = prop_enum(r, h, "mode", modes, N_(modes));
        if (mode && strcmp(mode, "passthrough") == 0)
            add_flag(r, vm_strdup("hv-passthrough=on"));
        for (int i = 0; i < N_(hv_names); i++) {
            for (c = vm_xml_child(h, hv_names[i]); c; c = vm_xml_next(c, hv_names[i])) {
                int on = prop_bool(r, c, "state", 1);
                if (strcmp(hv_names[i], "spinlocks") == 0 && on) {
                    unsigned int retries = prop_uint(r, c, "retries", 0xffffffffu, 4095);
                    add_flag(r, vm_asprintf("hv-spinlocks=0x%x", retries));
                } else if (strcmp(hv_names[i], "vendor_id") == 0) {
                    const char *v = prop(r, c, "value");
                    if (on && v && token_ok(r, c, "value", v))
                        add_flag(r, vm_asprintf("hv-vendor-id=%s", v));
                } else {
                    add_flag(r, vm_asprintf("hv-%s=%s", hv_names[i], on ? "on" : "off"));
                }
            }
        }
    }
    if ((h = vm_xml_child(f, "kvm")) && (c = vm_xml_child(h, "hidden")))
        add_flag(r, vm_strdup(prop_bool(r, c, "state", 1) ? "kvm=off" : "kvm=on"));
}

static void read_cpu(struct rd *r, xmlNodePtr cpu)
{
    static const char *const modes[] = {"custom", "host-model", "host-passthrough",
                                        "maximum"};
    static const char *const policies[] = {"force", "require", "optional", "disable", "forbid"};
    struct qemu_devices *m = r->m;
    xmlNodePtr c;

    m->cpu_mode = prop_enum(r, cpu, "mode", modes, N_(modes));
    prop(r, cpu, "match");
    prop(r, cpu, "check");
    prop(r, cpu, "migratable");
    if ((c = vm_xml_child(cpu, "model"))) {
        prop(r, c, "fallback");
        m->cpu_model = keep(r, vm_xml_text(c));
        if (!token_ok(r, c, "cpu model", m->cpu_model))
            m->cpu_model = NULL;
    }
    if ((c = vm_xml_child(cpu, "topology"))) {
        m->sockets = prop_uint(r, c, "sockets", 4096, 1);
        m->dies = prop_uint(r, c, "dies", 4096, 1);
        m->cores = prop_uint(r, c, "cores", 4096, 1);
        m->threads = prop_uint(r, c, "threads", 4096, 1);
        if (!m->sockets || !m->dies || !m->cores || !m->threads)
            note(r, c, "<topology> values start at 1");
        else if ((unsigned long long)m->sockets * m->dies * m->cores * m->threads != m->vcpus)
            note(r, c, "<topology> gives %llu vCPUs, <vcpu> %u",
                 (unsigned long long)m->sockets * m->dies * m->cores * m->threads, m->vcpus);
    }
    for (c = vm_xml_child(cpu, "feature"); c; c = vm_xml_next(c, "feature")) {
        const char *policy = prop_enum(r, c, "policy", policies, N_(policies));
        const char *name = prop(r, c, "name");
        if (!policy)
            policy = "require";
        if (name && token_ok(r, c, "name", name))
            add_flag(r, vm_asprintf("%c%s",
                                    strcmp(policy, "disable") == 0 || strcmp(policy, "forbid") == 0
                                        ? '-'
                                        : '+',
                                    name));
    }
}

static void read_clock(struct rd *r, xmlNodePtr clock)
{
    static const char *const offsets[] = {"utc", "localtime"};
    static const char *const names[] = {"rtc", "pit", "hpet", "hypervclock", "kvmclock"};
    struct qemu_devices *m = r->m;

    m->clock_offset = prop_enum(r, clock, "offset", offsets, N_(offsets));
    for (xmlNodePtr t = vm_xml_child(clock, "timer"); t; t = vm_xml_next(t, "timer")) {
        const char *name = prop_enum(r, t, "name", names, N_(names));
        int present = prop_bool(r, t, "present", -1);
        const char *tick = prop(r, t, "tickpolicy");
        if (!name)
            continue;
        if (tick && !((strcmp(name, "rtc") == 0 && strcmp(tick, "catchup") == 0) ||
                      (strcmp(name, "pit") == 0 && strcmp(tick, "delay") == 0)))
            note(r, t, "the QEMU driver does not apply tickpolicy '%s' of timer '%s'", tick, name);
        if (strcmp(name, "rtc") == 0)
            m->rtc_catchup = tick && strcmp(tick, "catchup") == 0;
        else if (strcmp(name, "pit") == 0)
            m->pit_delay = tick && strcmp(tick, "delay") == 0;
        else if (strcmp(name, "hpet") == 0)
            m->hpet = present;
        else if (present >= 0)
            add_flag(r, vm_asprintf("%s=%s",
                                    strcmp(name, "hypervclock") == 0 ? "hv-time" : "kvmclock",
                                    present ? "on" : "off"));
        if (present == 0 && (strcmp(name, "rtc") == 0 || strcmp(name, "pit") == 0))
            note(r, t, "the QEMU driver cannot remove timer '%s'", name);
    }
}

static void read_pm(struct rd *r, xmlNodePtr pm)
{
    xmlNodePtr c;

    if ((c = vm_xml_child(pm, "suspend-to-mem")))
        r->m->s3 = prop_bool(r, c, "enabled", -1);
    if ((c = vm_xml_child(pm, "suspend-to-disk")))
        r->m->s4 = prop_bool(r, c, "enabled", -1);
}

static void read_os(struct rd *r, xmlNodePtr os)
{
    xmlNodePtr c;

    /* type, kernel, initrd, cmdline and boot are the definition's own */
    for (const char *const *e = (const char *const[]){"type", "kernel", "initrd", "cmdline", NULL};
         *e; e++) {
        if ((c = vm_xml_child(os, *e)))
            vm_xml_consume_all(c);
    }
    for (c = vm_xml_child(os, "boot"); c; c = vm_xml_next(c, "boot"))
        vm_xml_consume_all(c);
    if ((c = vm_xml_child(os, "bootmenu"))) {
        r->m->bootmenu = prop_bool(r, c, "enable", 0) == 1;
        r->m->bootmenu_timeout = prop_uint(r, c, "timeout", 65535, 0);
    }
    if (has_prop(os, "firmware")) {
        static const char *const efi[] = {"efi"};
        r->m->efi = prop_enum(r, os, "firmware", efi, 1) != NULL;
    }
    if ((c = vm_xml_child(os, "firmware"))) {
        for (xmlNodePtr f = vm_xml_child(c, "feature"); f; f = vm_xml_next(f, "feature")) {
            static const char *const names[] = {"secure-boot", "enrolled-keys"};
            const char *name = prop_enum(r, f, "name", names, 2);
            int on = prop_bool(r, f, "enabled", 1);
            if (name && strcmp(name, "secure-boot") == 0)
                r->m->secure_boot = on;
        }
    }
    if ((c = vm_xml_child(os, "loader"))) {
        static const char *const pflash[] = {"pflash"};
        prop_enum(r, c, "type", pflash, 1);
        if (prop_bool(r, c, "readonly", 1) != 1)
            note(r, c, "the QEMU driver applies a read-only <loader> (the variables go to <nvram>)");
        prop_bool(r, c, "secure", 0);
        r->m->loader = keep(r, vm_xml_text(c));
        if (!*r->m->loader) {
            if (!r->m->efi)
                note(r, c, "<loader> needs a path, or <os firmware='efi'>");
            r->m->loader = NULL;
        } else if (r->m->loader[0] != '/') {
            note(r, c, "'%s' is not an absolute path", r->m->loader);
        }
    }
    if ((c = vm_xml_child(os, "nvram"))) {
        r->m->nvram_template = prop(r, c, "template");
        r->m->nvram = keep(r, vm_xml_text(c));
        if (!*r->m->nvram)
            r->m->nvram = NULL;
        if ((r->m->nvram && r->m->nvram[0] != '/') ||
            (r->m->nvram_template && r->m->nvram_template[0] != '/'))
            note(r, c, "<nvram> paths must be absolute");
    }
}

char *qemu_agent_socket(const struct qemu_devices *m, const char *channels)
{
    size_t nth = 0;

    for (size_t i = 0; i < m->nchrs; i++) {
        const struct qemu_chr *ch = &m->chrs[i];
        if (strcmp(ch->element, "channel") != 0)
            continue;
        if (ch->target_name && strcmp(ch->target_name, "org.qemu.guest_agent.0") == 0 &&
            strcmp(ch->type, "unix") == 0)
            return ch->path ? vm_strdup(ch->path) : vm_asprintf("%s.channel%zu", channels, nth);
        nth++;
    }
    return NULL;
}

bool qemu_machine_is_q35(const char *machine)
{
    return machine && (strcmp(machine, "q35") == 0 || strncmp(machine, "pc-q35-", 7) == 0);
}

static void read_domain(struct rd *r, xmlNodePtr root, const struct vm_domain_def *def)
{
    static const char *const own[] = {"name",       "uuid",        "title",   "description",
                                      "metadata",   "memory",      "currentMemory",
                                      "on_poweroff", "on_reboot",  "on_crash"};
    struct qemu_devices *m = r->m;
    xmlNodePtr c;

    vm_xml_consume(root);
    prop(r, root, "type");
    prop(r, root, "id");
    for (int i = 0; i < N_(own); i++) {
        if ((c = vm_xml_child(root, own[i])))
            vm_xml_consume_all(c);
    }
    if ((c = vm_xml_child(root, "vcpu"))) {
        static const char *const placements[] = {"static"};
        vm_xml_consume(c);
        prop_enum(r, c, "placement", placements, 1);
        m->vcpus_current = prop_uint(r, c, "current", m->vcpus, m->vcpus);
        if (!m->vcpus_current) {
            note(r, c, "<vcpu current> must be at least 1");
            m->vcpus_current = 1;
        }
    }
    if ((c = vm_xml_child(root, "maxMemory"))) {
        VM_AUTOFREE char *unit = vm_xml_prop(c, "unit");
        VM_AUTOFREE char *text = vm_xml_text(c);
        uint64_t v, kib;
        m->memory_slots = prop_uint(r, c, "slots", 255, 0);
        if (vm_parse_u64(text, &v) < 0 || vm_units_to_kib(v, unit, &kib) < 0) {
            vm_error_reset();
            note(r, c, "invalid <maxMemory> '%s'", text);
        } else if (kib < def->memory_kib) {
            note(r, c, "<maxMemory> is below <memory>");
        } else {
            m->max_memory_kib = kib;
        }
        if (!m->memory_slots)
            note(r, c, "<maxMemory> needs slots= from 1");
    }
    if ((c = vm_xml_child(root, "os")))
        read_os(r, c), vm_xml_consume(c);
    if ((c = vm_xml_child(root, "features")))
        read_features(r, c), vm_xml_consume(c);
    if ((c = vm_xml_child(root, "cpu")))
        read_cpu(r, c), vm_xml_consume(c);
    if ((c = vm_xml_child(root, "clock")))
        read_clock(r, c), vm_xml_consume(c);
    if ((c = vm_xml_child(root, "pm")))
        read_pm(r, c), vm_xml_consume(c);
    if ((c = vm_xml_child(root, "devices")))
        read_devices(r, c), vm_xml_consume(c);
}

void qemu_devices_free(struct qemu_devices *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->nstrs; i++)
        free(m->strs[i]);
    free(m->strs);
    free(m->cpu_flags);
    free(m->disks);
    free(m->nets);
    free(m->controllers);
    free(m->inputs);
    free(m->graphics);
    free(m->videos);
    free(m->chrs);
    free(m->rngs);
    free(m->sounds);
    free(m->watchdogs);
    free(m->panics);
    free(m->redirdevs);
    free(m);
}

struct qemu_devices *qemu_devices_read(const struct vm_domain_def *def)
{
    VM_AUTOFREE char *xml = vm_domain_def_format(def, VM_DOMAIN_FORMAT_INACTIVE |
                                                          VM_DOMAIN_FORMAT_SECURE);
    VM_AUTOFREE char *what = vm_asprintf(
        "domain '%s': the QEMU driver cannot start it; remove or change what follows (lines of "
        "`virtmon dumpxml --security-info`)",
        def->name);
    struct rd r = {NULL, {what, NULL, 0, 0}};
    xmlDocPtr doc;

    if (!(doc = vm_xml_read(xml, strlen(xml), "the definition")))
        return NULL;
    VM_NEW(r.m);
    r.m->q35 = qemu_machine_is_q35(def->os_machine);
    r.m->vcpus = r.m->vcpus_current = def->vcpus;
    r.m->smm = r.m->vmport = r.m->hpet = r.m->s3 = r.m->s4 = r.m->secure_boot = -1;
    read_domain(&r, xmlDocGetRootElement(doc), def);
    vm_xml_note_unconsumed(&r.ps, xmlDocGetRootElement(doc));
    xmlFreeDoc(doc);
    if (vm_xml_problems_report_as(&r.ps, VM_ERR_NOT_SUPPORTED) < 0) {
        qemu_devices_free(r.m);
        return NULL;
    }
    return r.m;
}
