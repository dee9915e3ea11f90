/*
 * test_fixture.c: test-driver fixtures in libvirt's <node> format (what
 * `virsh -c test:///PATH.xml` reads, so one file serves both), and the
 * built-in fixture of test:///default, exactly as its documentation pins it.
 */
#include "config.h"

#include <string.h>

#include "test_driver.h"
#include "util/vm_alloc.h"
#include "util/vm_error.h"
#include "util/vm_file.h"
#include "util/vm_units.h"
#include "util/vm_xml.h"

/* `test` is libvirt's own default domain (same UUID, disk, MAC and balloon), so virsh
 * -c test:///default is an oracle for it. */
const char test_fixture_default_xml[] =
    "<node xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>\n"
    "  <cpu><mhz>2400</mhz><model>x86_64</model><active>16</active><nodes>1</nodes>\n"
    "    <sockets>2</sockets><cores>4</cores><threads>2</threads></cpu>\n"
    "  <memory>17179869184</memory>\n"
    "  <domain type='test'><name>test</name><uuid>6695eb01-f6a4-8304-79aa-97f2502e193f</uuid>\n"
    "    <memory>8388608</memory><currentMemory>2097152</currentMemory><vcpu>2</vcpu>\n"
    "    <os><type arch='x86_64'>hvm</type></os><devices>\n"
    "      <disk type='file'><source file='/guest/diskimage1'/><target dev='vda' bus='virtio'/></disk>\n"
    "      <interface type='network'><mac address='aa:bb:cc:dd:ee:ff'/><source network='default'/>\n"
    "        <target dev='vnet0'/></interface><memballoon model='virtio'/></devices>\n"
    "    <test:runstate>1</test:runstate></domain>\n"
    "  <domain type='test'><name>web1</name><uuid>7ef7ac1c-0e3c-4f5f-9b0e-3e1a2f5d6b01</uuid>\n"
    "    <memory>4194304</memory><vcpu>4</vcpu><devices>\n"
    "      <disk type='file'><source file='/var/lib/virtmon/images/web1-vda.img'/><target dev='vda' bus='virtio'/></disk>\n"
    "      <disk type='file'><source file='/var/lib/virtmon/images/web1-vdb.img'/><target dev='vdb' bus='virtio'/></disk>\n"
    "      <interface type='network'><mac address='52:54:00:00:01:01'/><source network='default'/>\n"
    "        <target dev='vnet1'/></interface>\n"
    "      <interface type='network'><mac address='52:54:00:00:01:02'/><source network='default'/>\n"
    "        <target dev='vnet2'/></interface></devices>\n"
    "    <test:runstate>1</test:runstate></domain>\n"
    "  <domain type='test'><name>db1</name><uuid>7ef7ac1c-0e3c-4f5f-9b0e-3e1a2f5d6b02</uuid>\n"
    "    <memory>16777216</memory><vcpu>8</vcpu><devices>\n"
    "      <disk type='file'><source file='/var/lib/virtmon/images/db1-vda.img'/><target dev='vda' bus='virtio'/></disk>\n"
    "      <interface type='network'><mac address='52:54:00:00:02:01'/><source network='default'/>\n"
    "        <target dev='vnet3'/></interface></devices>\n"
    "    <test:runstate>3</test:runstate></domain>\n"
    "  <domain type='test'><name>huge1</name><uuid>7ef7ac1c-0e3c-4f5f-9b0e-3e1a2f5d6b03</uuid>\n"
    "    <memory>6442450944</memory><vcpu>64</vcpu><devices>\n"
    "      <disk type='file'><source file='/var/lib/virtmon/images/huge1-vda.img'/><target dev='vda' bus='virtio'/></disk>\n"
    "      <interface type='network'><mac address='52:54:00:00:03:01'/><source network='default'/>\n"
    "        <target dev='vnet4'/></interface></devices>\n"
    "    <test:runstate>1</test:runstate></domain>\n"
    "  <domain type='test'><name>idle1</name><uuid>7ef7ac1c-0e3c-4f5f-9b0e-3e1a2f5d6b04</uuid>\n"
    "    <memory>1048576</memory><vcpu>1</vcpu><devices>\n"
    "      <disk type='file'><source file='/var/lib/virtmon/images/idle1-vda.img'/><target dev='vda' bus='virtio'/></disk>\n"
    "    </devices>\n"
    "    <test:runstate>5</test:runstate></domain>\n"
    "</node>\n";

void test_dom_clear(struct test_dom *dom)
{
    vm_domain_def_free(dom->def);
    vm_domain_def_free(dom->next_def);
    memset(dom, 0, sizeof(*dom));
}

static int read_cpu_field(xmlNodePtr cpu, const char *name, const char *what,
                          unsigned int *out)
{
    xmlNodePtr n = vm_xml_child(cpu, name);
    VM_AUTOFREE char *text = NULL;
    uint64_t v;

    if (!n)
        return 0;
    text = vm_xml_text(n);
    if (vm_parse_u64(text, &v) < 0 || v == 0 || v > 0xffffffffULL) {
        vm_report_error(VM_ERR_XML, "%s: line %ld: invalid <%s> '%s'", what, xmlGetLineNo(n),
                        name, text);
        return -1;
    }
    *out = (unsigned int)v;
    return 0;
}

static int read_node(xmlNodePtr root, const char *what, struct test_node *node)
{
    xmlNodePtr cpu = vm_xml_child(root, "cpu");
    xmlNodePtr mem = vm_xml_child(root, "memory");

    /* libvirt's test driver defaults, so that virsh agrees on bare files */
    node->cpu_model = vm_strdup("i686");
    node->cpus = 16;
    node->mhz = 1400;
    node->numa_cells = 2;
    node->sockets = 2;
    node->cores = 2;
    node->threads = 2;
    node->memory_kib = 3145728;
    if (cpu) {
        xmlNodePtr model = vm_xml_child(cpu, "model");
        if (model) {
            free(node->cpu_model);
            node->cpu_model = vm_xml_text(model);
        }
        if (read_cpu_field(cpu, "mhz", what, &node->mhz) < 0 ||
            read_cpu_field(cpu, "active", what, &node->cpus) < 0 ||
            read_cpu_field(cpu, "nodes", what, &node->numa_cells) < 0 ||
            read_cpu_field(cpu, "sockets", what, &node->sockets) < 0 ||
            read_cpu_field(cpu, "cores", what, &node->cores) < 0 ||
            read_cpu_field(cpu, "threads", what, &node->threads) < 0)
            return -1;
    }
    if (mem) {
        VM_AUTOFREE char *text = vm_xml_text(mem);
        if (vm_parse_u64(text, &node->memory_kib) < 0) {
            vm_report_error(VM_ERR_XML, "%s: line %ld: invalid <memory> '%s'", what,
                            xmlGetLineNo(mem), text);
            return -1;
        }
    }
    return 0;
}

struct dom_ref {
    const struct vm_domain_def *def;
    long line;
};

static int cmp_name(const void *a, const void *b)
{
    const struct dom_ref *x = a, *y = b;
    int c = strcmp(x->def->name, y->def->name);
    return c ? c : (x->line > y->line) - (x->line < y->line);
}

static int cmp_uuid(const void *a, const void *b)
{
    const struct dom_ref *x = a, *y = b;
    int c = memcmp(x->def->uuid, y->def->uuid, VM_UUID_BUFLEN);
    return c ? c : (x->line > y->line) - (x->line < y->line);
}

/* Names and UUIDs must be unique: sorted, so 10,000 domains cost n log n.
 * The later of two duplicates is the one named. */
static int check_unique(const char *what, struct dom_ref *refs, size_t n)
{
    qsort(refs, n, sizeof(*refs), cmp_name);
    for (size_t i = 1; i < n; i++) {
        if (strcmp(refs[i - 1].def->name, refs[i].def->name) == 0) {
            vm_report_error(VM_ERR_XML, "%s: line %ld: domain name '%s' is used twice", what,
                            refs[i].line, refs[i].def->name);
            return -1;
        }
    }
    qsort(refs, n, sizeof(*refs), cmp_uuid);
    for (size_t i = 1; i < n; i++) {
        if (memcmp(refs[i - 1].def->uuid, refs[i].def->uuid, VM_UUID_BUFLEN) == 0) {
            char uuid[VM_UUID_STRING_BUFLEN];
            vm_uuid_format(refs[i].def->uuid, uuid);
            vm_report_error(VM_ERR_XML, "%s: line %ld: domain UUID '%s' is used twice", what,
                            refs[i].line, uuid);
            return -1;
        }
    }
    return 0;
}

static const char *const passed[] = {"network", "pool", "device", "interface"};

/* <domain file='NAME'/>: a domain document of its own, NAME relative to
 * the fixture's directory (as libvirt's test driver reads it). */
static struct vm_domain_def *included_domain(const char *fixture, xmlNodePtr at,
                                             const char *file)
{
    const char *slash = strrchr(fixture, '/');
    VM_AUTOFREE char *path = file[0] == '/' || !slash
                                 ? vm_strdup(file)
                                 : vm_asprintf("%.*s/%s", (int)(slash - fixture), fixture, file);
    VM_AUTOFREE char *text = NULL;
    struct vm_domain_def *def = NULL;
    xmlDocPtr doc;
    xmlNodePtr root;
    size_t len;

    if (at->children && xmlFirstElementChild(at)) {
        vm_report_error(VM_ERR_XML, "%s: line %ld: a <domain file=...> has no content of its own",
                        fixture, xmlGetLineNo(at));
        return NULL;
    }
    if (!(text = vm_file_read(path, "included domain", VM_XML_MAX, &len)) ||
        !(doc = vm_xml_read(text, len, path)))
        return NULL;
    root = xmlDocGetRootElement(doc);
    if (root->ns || strcmp((const char *)root->name, "domain") != 0)
        vm_report_error(VM_ERR_XML, "%s: line %ld: expected <domain>, not <%s>", path,
                        xmlGetLineNo(root), (const char *)root->name);
    else
        def = vm_domain_def_parse_node(root, path, VM_DOMAIN_PARSE_TEST_RUNSTATE);
    xmlFreeDoc(doc);
    return def;
}

int test_fixture_load(const char *xml, size_t len, const char *what, struct test_node *node,
                      struct test_dom **domsp, size_t *ndomsp)
{
    xmlDocPtr doc = vm_xml_read(xml, len, what);
    xmlNodePtr root, n;
    struct test_dom *doms = NULL;
    size_t ndoms = 0, alloc = 0;
    struct dom_ref *refs = NULL;
    size_t nrefs = 0, refs_alloc = 0;
    int next_id = 1;
    int ret = -1;

    memset(node, 0, sizeof(*node));
    if (!doc)
        return -1;
    root = xmlDocGetRootElement(doc);
    if (root->ns || strcmp((const char *)root->name, "node") != 0) {
        vm_report_error(VM_ERR_XML, "%s: line %ld: a fixture is a <node> document, not <%s>",
                        what, xmlGetLineNo(root), (const char *)root->name);
        goto out;
    }
    /* No RelaxNG pass here: it cost half the load time of a 10,000-domain
     * fixture, and the reader checks every value and refuses everything it
     * did not consume (tests/integration/schema.sh keeps both in step). */
    if (read_node(root, what, node) < 0)
        goto out;
    /* libvirt's test driver also holds networks, pools (with volumes),
     * node devices and host interfaces, inline or from files: virtmon has
     * none, and reads past them so that libvirt's fixtures load unchanged */
    for (size_t k = 0; k < sizeof(passed) / sizeof(passed[0]); k++) {
        for (n = vm_xml_child(root, passed[k]); n; n = vm_xml_next(n, passed[k]))
            vm_xml_consume_all(n);
    }
    for (n = vm_xml_child(root, "domain"); n; n = vm_xml_next(n, "domain")) {
        struct test_dom *d;
        VM_AUTOFREE char *file = vm_xml_prop(n, "file");
        VM_GROW(doms, ndoms, alloc);
        d = &doms[ndoms - 1];
        if (file ? !(d->def = included_domain(what, n, file))
                 : !(d->def = vm_domain_def_parse_node(n, what, VM_DOMAIN_PARSE_TEST_RUNSTATE)))
            goto out;
        /* judged (what it keeps too): done with, for the <node> check below */
        vm_xml_consume_all(n);
        VM_GROW(refs, nrefs, refs_alloc);
        refs[nrefs - 1] = (struct dom_ref){d->def, xmlGetLineNo(n)};
        d->persistent = true;
        d->state = d->def->test_runstate >= 0 ? d->def->test_runstate : VM_DOMAIN_RUNNING;
        if (d->state == VM_DOMAIN_NOSTATE)
            d->state = VM_DOMAIN_RUNNING;
        d->def->test_runstate = -1;
        d->id = d->state == VM_DOMAIN_SHUTOFF ? -1 : next_id++;
    }
    if (vm_xml_check_consumed(root, what) < 0 || check_unique(what, refs, nrefs) < 0)
        goto out;
    *domsp = doms;
    *ndomsp = ndoms;
    doms = NULL;
    ndoms = 0;
    ret = 0;
out:
    free(refs);
    for (size_t i = 0; i < ndoms; i++)
        test_dom_clear(&doms[i]);
    free(doms);
    if (ret < 0) {
        free(node->cpu_model);
        node->cpu_model = NULL;
    }
    xmlFreeDoc(doc);
    return ret;
}
