/*
 * qemu_command.c: building QEMU's command line from a definition.  Options
 * are the current spellings of QEMU 7.2 (server=on,wait=off; -machine
 * TYPE,accel=...).  Everything QEMU would add by itself is off
 * (-nodefaults, -no-user-config), so the guest is exactly its definition.
 */
#include "config.h"

#include <string.h>
#include <sys/utsname.h>

#include "qemu_command.h"
#include "util/vm_alloc.h"
#include "util/vm_buf.h"
#include "util/vm_error.h"

struct argv_buf {
    char **v;
    size_t n, alloc;
};

static void add(struct argv_buf *a, const char *s)
{
    VM_GROW(a->v, a->n, a->alloc);
    a->v[a->n - 1] = vm_strdup(s);
}

static void add2(struct argv_buf *a, const char *opt, char *value_owned)
{
    add(a, opt);
    VM_GROW(a->v, a->n, a->alloc);
    a->v[a->n - 1] = value_owned;
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

/* QEMU's option syntax doubles commas inside values: every value that
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

/* hda -> 0, hdb -> 1, vdc -> 2, sda -> 0 ... */
static int target_index(const char *dev)
{
    size_t n = strlen(dev);
    return n >= 3 && dev[n - 1] >= 'a' && dev[n - 1] <= 'z' ? dev[n - 1] - 'a' : 0;
}

static int add_disk(struct argv_buf *a, const struct vm_disk_def *d)
{
    struct vm_buf b = VM_BUF_INIT;
    const char *bus = d->target_bus;
    const char *iface;

    if (!bus)  /* libvirt's guess from the name */
        bus = strncmp(d->target_dev, "vd", 2) == 0   ? "virtio"
              : strncmp(d->target_dev, "sd", 2) == 0 ? "scsi"
              : strncmp(d->target_dev, "fd", 2) == 0 ? "fdc"
                                                     : "ide";
    if (strcmp(bus, "virtio") == 0)
        iface = "virtio";
    else if (strcmp(bus, "ide") == 0)
        iface = "ide";
    else if (strcmp(bus, "scsi") == 0)
        iface = "scsi";
    else if (strcmp(bus, "fdc") == 0)
        iface = "floppy";
    else {
        vm_report_error(VM_ERR_NOT_SUPPORTED,
                        "disk '%s': bus '%s' is not supported by the QEMU driver (use virtio, "
                        "ide, scsi or fdc)",
                        d->target_dev, bus);
        return -1;
    }
    if (d->source) {
        vm_buf_add(&b, "file=");
        add_escaped(&b, d->source);
        vm_buf_add(&b, ",format=");
        add_escaped(&b, d->driver_type ? d->driver_type : "raw");
        vm_buf_add(&b, ",");
    }
    vm_buf_addf(&b, "if=%s", iface);
    if (strcmp(iface, "virtio") != 0)
        vm_buf_addf(&b, ",index=%d", target_index(d->target_dev));
    vm_buf_addf(&b, ",media=%s,id=drive-", d->device == VM_DISK_DEVICE_CDROM ? "cdrom" : "disk");
    add_escaped(&b, d->target_dev);
    if (d->readonly)
        vm_buf_add(&b, ",readonly=on");
    if (d->driver_cache && strcmp(d->driver_cache, "default") != 0) {
        vm_buf_add(&b, ",cache=");
        add_escaped(&b, d->driver_cache);
    }
    add2(a, "-drive", vm_buf_steal(&b));
    return 0;
}

static int add_net(struct argv_buf *a, const struct vm_net_def *n, size_t i)
{
    struct vm_buf b = VM_BUF_INIT;
    const char *model;

    switch (n->type) {
    case VM_NET_TYPE_USER:
        vm_buf_addf(&b, "user,id=hostnet%zu", i);
        break;
    case VM_NET_TYPE_BRIDGE:
        /* qemu-bridge-helper makes the tap and attaches it */
        vm_buf_addf(&b, "bridge,id=hostnet%zu,br=", i);
        add_escaped(&b, n->source);
        break;
    case VM_NET_TYPE_ETHERNET:
        vm_buf_addf(&b, "tap,id=hostnet%zu", i);
        if (n->target_dev) {
            vm_buf_add(&b, ",ifname=");
            add_escaped(&b, n->target_dev);
        }
        vm_buf_add(&b, ",script=no,downscript=no");
        break;
    default:
        vm_report_error(VM_ERR_NOT_SUPPORTED,
                        "interface %zu: type 'network' needs libvirt's virtual networks; the "
                        "QEMU driver takes bridge, ethernet (an existing tap) or user",
                        i);
        vm_buf_clear(&b);
        return -1;
    }
    add2(a, "-netdev", vm_buf_steal(&b));
    /* libvirt's model names are QEMU's device names, except virtio */
    model = !n->model ? "e1000" : strcmp(n->model, "virtio") == 0 ? "virtio-net-pci" : n->model;
    add_escaped(&b, model);
    vm_buf_addf(&b, ",netdev=hostnet%zu,id=net%zu,mac=%02x:%02x:%02x:%02x:%02x:%02x", i, i,
                n->mac[0], n->mac[1], n->mac[2], n->mac[3], n->mac[4], n->mac[5]);
    add2(a, "-device", vm_buf_steal(&b));
    return 0;
}

static void add_boot(struct argv_buf *a, const struct vm_domain_def *def)
{
    char order[8];
    size_t k = 0;

    for (size_t i = 0; i < def->nboot_devs && k + 1 < sizeof(order); i++) {
        const char *d = def->boot_devs[i];
        order[k++] = strcmp(d, "hd") == 0      ? 'c'
                     : strcmp(d, "cdrom") == 0 ? 'd'
                     : strcmp(d, "network") == 0 ? 'n'
                                                 : 'a';
    }
    order[k] = '\0';
    if (k)
        add2(a, "-boot", vm_asprintf("order=%s", order));
}

char **qemu_build_argv(const struct vm_domain_def *def, const struct qemu_paths *paths)
{
    struct argv_buf a = {0};
    char uuid[VM_UUID_STRING_BUFLEN];
    bool serial_console = false;
    bool virtio_serial = false;

    if (def->type != VM_VIRT_QEMU && def->type != VM_VIRT_KVM) {
        vm_report_error(VM_ERR_INVALID_ARG,
                        "the QEMU driver runs domains of type 'qemu' or 'kvm', not '%s'",
                        vm_virt_type_name(def->type));
        return NULL;
    }
    if (strcmp(def->os_type, "hvm") != 0) {
        vm_report_error(VM_ERR_NOT_SUPPORTED, "the QEMU driver runs os type 'hvm', not '%s'",
                        def->os_type);
        return NULL;
    }
    VM_GROW(a.v, a.n, a.alloc);
    a.v[0] = qemu_emulator(def);
    {
        struct vm_buf b = VM_BUF_INIT;
        vm_buf_add(&b, "guest=");
        add_escaped(&b, def->name);
        vm_buf_add(&b, ",debug-threads=on");
        add2(&a, "-name", vm_buf_steal(&b));
    }
    vm_uuid_format(def->uuid, uuid);
    add(&a, "-uuid");
    add(&a, uuid);
    {
        struct vm_buf b = VM_BUF_INIT;
        add_escaped(&b, def->os_machine ? def->os_machine : "pc");
        vm_buf_addf(&b, ",accel=%s", def->type == VM_VIRT_KVM ? "kvm" : "tcg");
        add2(&a, "-machine", vm_buf_steal(&b));
    }
    /* QEMU takes a k suffix: KiB in, KiB out, nothing rounded */
    add2(&a, "-m", vm_asprintf("size=%lluk", (unsigned long long)def->memory_kib));
    add2(&a, "-smp", vm_asprintf("%u", def->vcpus));
    add(&a, "-nodefaults");
    add(&a, "-no-user-config");
    add(&a, "-no-shutdown");
    if (def->os_kernel) {
        add(&a, "-kernel");
        add(&a, def->os_kernel);
    }
    if (def->os_initrd) {
        add(&a, "-initrd");
        add(&a, def->os_initrd);
    }
    if (def->os_cmdline) {
        add(&a, "-append");
        add(&a, def->os_cmdline);
    }
    add_boot(&a, def);
    for (size_t i = 0; i < def->ndisks; i++) {
        if (add_disk(&a, &def->disks[i]) < 0)
            goto error;
    }
    for (size_t i = 0; i < def->nnets; i++) {
        if (add_net(&a, &def->nets[i], i) < 0)
            goto error;
    }
    /* the balloon is how currentMemory below memory takes effect, and what
     * query-balloon reports (as libvirt's default memballoon) */
    add2(&a, "-device", vm_strdup("virtio-balloon-pci,id=balloon0"));
    for (size_t i = 0; i < def->nserials; i++) {
        add2(&a, "-chardev", vm_asprintf("pty,id=charserial%zu", i));
        add2(&a, "-device", vm_asprintf("isa-serial,chardev=charserial%zu,id=serial%zu", i, i));
        serial_console = true;
    }
    for (size_t i = 0; i < def->nconsoles; i++) {
        const struct vm_chardev_def *c = &def->consoles[i];
        if (c->target_type && strcmp(c->target_type, "virtio") == 0) {
            if (!virtio_serial)
                add2(&a, "-device", vm_strdup("virtio-serial-pci,id=virtio-serial0"));
            virtio_serial = true;
            add2(&a, "-chardev", vm_asprintf("pty,id=charconsole%zu", i));
            add2(&a, "-device", vm_asprintf("virtconsole,chardev=charconsole%zu,id=console%zu", i, i));
        } else if (!serial_console) {
            /* a serial console is the first serial port, as in libvirt */
            add2(&a, "-chardev", vm_strdup("pty,id=charserial0"));
            add2(&a, "-device", vm_strdup("isa-serial,chardev=charserial0,id=serial0"));
            serial_console = true;
        }
    }
    if (def->ngraphics) {
        const struct vm_graphics_def *g = &def->graphics[0];
        const char *listen = g->listen ? g->listen : "127.0.0.1";
        bool v6 = strchr(listen, ':') != NULL;
        struct vm_buf b = VM_BUF_INIT;
        vm_buf_add(&b, v6 ? "[" : "");
        add_escaped(&b, listen);
        vm_buf_add(&b, v6 ? "]" : "");
        if (g->autoport)   /* the first free display from :0 up */
            vm_buf_add(&b, ":0,to=99");
        else
            vm_buf_addf(&b, ":%d", g->port - 5900);
        add2(&a, "-vnc", vm_buf_steal(&b));
        add2(&a, "-device", vm_strdup("VGA"));
        if (def->ngraphics > 1) {
            vm_report_error(VM_ERR_NOT_SUPPORTED, "the QEMU driver supports one VNC display");
            goto error;
        }
        if (!g->autoport && g->port < 5900) {
            vm_report_error(VM_ERR_INVALID_ARG, "VNC port %d is below 5900 (display :0)",
                            g->port);
            goto error;
        }
    } else {
        add(&a, "-display");
        add(&a, "none");
    }
    {
        struct vm_buf b = VM_BUF_INIT;
        vm_buf_add(&b, "unix:");
        add_escaped(&b, paths->qmp);
        vm_buf_add(&b, ",server=on,wait=off");
        add2(&a, "-qmp", vm_buf_steal(&b));
    }
    /* QEMU writes and locks its pidfile itself: with the UUID above, how
     * virtmon knows a domain's QEMU (qemu_process.h) */
    add(&a, "-pidfile");
    add(&a, paths->pidfile);
    if (paths->incoming) {
        add(&a, "-incoming");
        add(&a, "defer");
    }
    /* what a guest escaping into QEMU may not do; QEMU runs in the
     * foreground of its own session, since -daemonize forks and spawn=deny
     * forbids that */
    add(&a, "-sandbox");
    add(&a, "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny");
    VM_GROW(a.v, a.n, a.alloc);
    a.v[a.n - 1] = NULL;
    return a.v;
error:
    VM_GROW(a.v, a.n, a.alloc);
    a.v[a.n - 1] = NULL;
    qemu_argv_free(a.v);
    return NULL;
}
