/*
 * domain_format.c: struct vm_domain_def -> canonical domain XML: libvirt's
 * element order, two-space indentation, memory always in KiB, so that
 * parse -> format -> parse is a fixed point and dumpxml output is stable.
 */
#include "config.h"

#include "domain_conf.h"
#include "domain_preserved.h"
#include "util/vm_buf.h"

static const char *const actions[VM_ACTION_LAST] = {
    "destroy", "restart", "preserve", "rename-restart", "coredump-destroy", "coredump-restart"};
static const char *const net_types[VM_NET_TYPE_LAST] = {"user", "network", "bridge",
                                                        "ethernet"};

/* <name>escaped text</name> at the current indentation, when text is set. */
static void text_elem(struct vm_buf *b, const char *name, const char *text)
{
    if (!text)
        return;
    vm_buf_addf_line(b, "<%s>", name);
    vm_buf_add_xml_escaped(b, text);
    vm_buf_addf(b, "</%s>\n", name);
}

/* name='escaped value' with a leading space, when value is set. */
static void attr(struct vm_buf *b, const char *name, const char *value)
{
    if (!value)
        return;
    vm_buf_addf(b, " %s='", name);
    vm_buf_add_xml_escaped(b, value);
    vm_buf_add_char(b, '\'');
}

static void format_os(struct vm_buf *b, const struct vm_domain_def *def)
{
    vm_buf_addf_line(b, "<os>\n");
    b->indent += 2;
    vm_buf_addf_line(b, "<type");
    attr(b, "arch", def->os_arch);
    attr(b, "machine", def->os_machine);
    vm_buf_add_char(b, '>');
    vm_buf_add_xml_escaped(b, def->os_type);
    vm_buf_add(b, "</type>\n");
    text_elem(b, "kernel", def->os_kernel);
    text_elem(b, "initrd", def->os_initrd);
    text_elem(b, "cmdline", def->os_cmdline);
    for (size_t i = 0; i < def->nboot_devs; i++)
        vm_buf_addf_line(b, "<boot dev='%s'/>\n", def->boot_devs[i]);
    b->indent -= 2;
    vm_buf_addf_line(b, "</os>\n");
}

static void format_disk(struct vm_buf *b, const struct vm_disk_def *d)
{
    bool file = d->type == VM_DISK_TYPE_FILE;

    vm_buf_addf_line(b, "<disk type='%s' device='%s'>\n", file ? "file" : "block",
                     d->device == VM_DISK_DEVICE_CDROM ? "cdrom" : "disk");
    b->indent += 2;
    if (d->driver_name || d->driver_type || d->driver_cache) {
        vm_buf_addf_line(b, "<driver");
        attr(b, "name", d->driver_name);
        attr(b, "type", d->driver_type);
        attr(b, "cache", d->driver_cache);
        vm_buf_add(b, "/>\n");
    }
    if (d->source) {
        vm_buf_addf_line(b, "<source");
        attr(b, file ? "file" : "dev", d->source);
        vm_buf_add(b, "/>\n");
    }
    vm_buf_addf_line(b, "<target");
    attr(b, "dev", d->target_dev);
    attr(b, "bus", d->target_bus);
    vm_buf_add(b, "/>\n");
    if (d->readonly)
        vm_buf_addf_line(b, "<readonly/>\n");
    b->indent -= 2;
    vm_buf_addf_line(b, "</disk>\n");
}

static void format_net(struct vm_buf *b, const struct vm_net_def *n)
{
    char mac[18];

    vm_buf_addf_line(b, "<interface type='%s'>\n", net_types[n->type]);
    b->indent += 2;
    vm_mac_format(n->mac, mac);
    vm_buf_addf_line(b, "<mac address='%s'/>\n", mac);
    if (n->source) {
        vm_buf_addf_line(b, "<source");
        attr(b, n->type == VM_NET_TYPE_BRIDGE ? "bridge" : "network", n->source);
        vm_buf_add(b, "/>\n");
    }
    if (n->target_dev) {
        vm_buf_addf_line(b, "<target");
        attr(b, "dev", n->target_dev);
        vm_buf_add(b, "/>\n");
    }
    if (n->model) {
        vm_buf_addf_line(b, "<model");
        attr(b, "type", n->model);
        vm_buf_add(b, "/>\n");
    }
    b->indent -= 2;
    vm_buf_addf_line(b, "</interface>\n");
}

static void format_chardev(struct vm_buf *b, const char *name, const struct vm_chardev_def *c)
{
    if (c->port < 0 && !c->target_type) {
        vm_buf_addf_line(b, "<%s type='pty'/>\n", name);
        return;
    }
    vm_buf_addf_line(b, "<%s type='pty'>\n", name);
    vm_buf_addf_line(b, "  <target");
    attr(b, "type", c->target_type);
    if (c->port >= 0)
        vm_buf_addf(b, " port='%d'", c->port);
    vm_buf_add(b, "/>\n");
    vm_buf_addf_line(b, "</%s>\n", name);
}

static void format_devices(struct vm_buf *b, const struct vm_domain_def *def)
{
    if (!def->emulator && !def->ndisks && !def->nnets && !def->ngraphics && !def->nserials &&
        !def->nconsoles)
        return;
    vm_buf_addf_line(b, "<devices>\n");
    b->indent += 2;
    text_elem(b, "emulator", def->emulator);
    for (size_t i = 0; i < def->ndisks; i++)
        format_disk(b, &def->disks[i]);
    for (size_t i = 0; i < def->nnets; i++)
        format_net(b, &def->nets[i]);
    for (size_t i = 0; i < def->nserials; i++)
        format_chardev(b, "serial", &def->serials[i]);
    for (size_t i = 0; i < def->nconsoles; i++)
        format_chardev(b, "console", &def->consoles[i]);
    for (size_t i = 0; i < def->ngraphics; i++) {
        const struct vm_graphics_def *g = &def->graphics[i];
        vm_buf_addf_line(b, "<graphics type='vnc' port='%d' autoport='%s'", g->port,
                         g->autoport ? "yes" : "no");
        attr(b, "listen", g->listen);
        vm_buf_add(b, "/>\n");
    }
    b->indent -= 2;
    vm_buf_addf_line(b, "</devices>\n");
}

char *vm_domain_def_format(const struct vm_domain_def *def, unsigned int flags)
{
    struct vm_buf b = VM_BUF_INIT;
    char uuid[VM_UUID_STRING_BUFLEN];

    vm_buf_addf(&b, "<domain type='%s'", vm_virt_type_name(def->type));
    if (def->id >= 0 && !(flags & VM_DOMAIN_FORMAT_INACTIVE))
        vm_buf_addf(&b, " id='%d'", def->id);
    vm_buf_add(&b, ">\n");
    b.indent = 2;
    text_elem(&b, "name", def->name);
    vm_uuid_format(def->uuid, uuid);
    vm_buf_addf_line(&b, "<uuid>%s</uuid>\n", uuid);
    text_elem(&b, "description", def->description);
    vm_buf_addf_line(&b, "<memory unit='KiB'>%llu</memory>\n",
                     (unsigned long long)def->memory_kib);
    vm_buf_addf_line(&b, "<currentMemory unit='KiB'>%llu</currentMemory>\n",
                     (unsigned long long)def->cur_memory_kib);
    vm_buf_addf_line(&b, "<vcpu");
    if (def->vcpu_placement_static)
        vm_buf_add(&b, " placement='static'");
    if (def->vcpu_cpuset)
        attr(&b, "cpuset", def->vcpu_cpuset);
    /* libvirt writes current only when some vCPUs start offline */
    if (def->vcpus_current && def->vcpus_current != def->vcpus)
        vm_buf_addf(&b, " current='%u'", def->vcpus_current);
    vm_buf_addf(&b, ">%u</vcpu>\n", def->vcpus);
    format_os(&b, def);
    vm_buf_addf_line(&b, "<on_poweroff>%s</on_poweroff>\n", actions[def->on_poweroff]);
    vm_buf_addf_line(&b, "<on_reboot>%s</on_reboot>\n", actions[def->on_reboot]);
    vm_buf_addf_line(&b, "<on_crash>%s</on_crash>\n", actions[def->on_crash]);
    format_devices(&b, def);
    vm_buf_add(&b, "</domain>\n");
    if (def->preserved) {
        /* what no driver uses goes back where it was */
        char *merged = vm_preserved_merge(def->preserved, vm_buf_str(&b),
                                          (flags & VM_DOMAIN_FORMAT_SECURE) != 0);
        vm_buf_clear(&b);
        return merged;
    }
    return vm_buf_steal(&b);
}
