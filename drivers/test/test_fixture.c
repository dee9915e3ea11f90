/*
 * test_fixture.c: the built-in fixture of test:///default, exactly as SPEC
 * 2.4 pins it.  `test` is libvirt's own default domain (same UUID, disk and
 * MAC), so virsh -c test:///default is an oracle for it.
 */
#include "config.h"

#include <string.h>

#include "test_driver.h"
#include "util/vm_alloc.h"

static const struct {
    const char *name, *uuid;
    int state, id;
    unsigned int vcpus;
    uint64_t max_kib, cur_kib;
    const char *disks[2];
    const char *nics[2];
} fixture[] = {
    {"test", "6695eb01-f6a4-8304-79aa-97f2502e193f", VM_DOMAIN_RUNNING, 1, 2, 8388608, 2097152,
     {"vda"}, {"vnet0"}},
    {"web1", "7ef7ac1c-0e3c-4f5f-9b0e-3e1a2f5d6b01", VM_DOMAIN_RUNNING, 2, 4, 4194304, 4194304,
     {"vda", "vdb"}, {"vnet1", "vnet2"}},
    {"db1", "7ef7ac1c-0e3c-4f5f-9b0e-3e1a2f5d6b02", VM_DOMAIN_PAUSED, 3, 8, 16777216, 16777216,
     {"vda"}, {"vnet3"}},
    {"huge1", "7ef7ac1c-0e3c-4f5f-9b0e-3e1a2f5d6b03", VM_DOMAIN_RUNNING, 4, 64, 6442450944ULL,
     6442450944ULL, {"vda"}, {"vnet4"}},
    {"idle1", "7ef7ac1c-0e3c-4f5f-9b0e-3e1a2f5d6b04", VM_DOMAIN_SHUTOFF, -1, 1, 1048576, 1048576,
     {"vda"}, {NULL}},
};

void test_fixture_default(struct test_node *node, struct test_dom **doms, size_t *ndoms)
{
    size_t n = sizeof(fixture) / sizeof(fixture[0]);
    struct test_dom *d;

    node->cpu_model = vm_strdup("x86_64");
    node->cpus = 16;
    node->mhz = 2400;
    node->numa_cells = 1;
    node->sockets = 2;
    node->cores = 4;
    node->threads = 2;
    node->memory_kib = 16ULL << 30;     /* 16 TiB */
    node->hv_version = 1000000;         /* 1.0.0 */

    VM_NEW_N(d, n);
    for (size_t i = 0; i < n; i++) {
        d[i].name = vm_strdup(fixture[i].name);
        vm_uuid_parse(fixture[i].uuid, d[i].uuid);
        d[i].id = fixture[i].id;
        d[i].type = vm_strdup("test");
        d[i].os_type = vm_strdup("hvm");
        d[i].state = fixture[i].state;
        d[i].reason = 0; /* unknown, as libvirt's test driver reports its fixture */
        d[i].persistent = true;
        d[i].vcpus = fixture[i].vcpus;
        d[i].max_kib = fixture[i].max_kib;
        d[i].cur_kib = fixture[i].cur_kib;
        for (size_t k = 0; k < 2 && fixture[i].disks[k]; k++) {
            size_t alloc = d[i].ndisks;
            VM_GROW(d[i].disks, d[i].ndisks, alloc);
            d[i].disks[k].target = vm_strdup(fixture[i].disks[k]);
            d[i].disks[k].source =
                i == 0 ? vm_strdup("/guest/diskimage1")
                       : vm_asprintf("/var/lib/virtmon/images/%s-%s.img", fixture[i].name,
                                     fixture[i].disks[k]);
        }
        for (size_t k = 0; k < 2 && fixture[i].nics[k]; k++) {
            size_t alloc = d[i].nnics;
            VM_GROW(d[i].nics, d[i].nnics, alloc);
            d[i].nics[k].target = vm_strdup(fixture[i].nics[k]);
            d[i].nics[k].mac = i == 0 ? vm_strdup("aa:bb:cc:dd:ee:ff")
                                      : vm_asprintf("52:54:00:00:%02zx:%02zx", i, k + 1);
        }
    }
    *doms = d;
    *ndoms = n;
}

void test_dom_clear(struct test_dom *dom)
{
    free(dom->name);
    free(dom->type);
    free(dom->os_type);
    for (size_t i = 0; i < dom->ndisks; i++) {
        free(dom->disks[i].target);
        free(dom->disks[i].source);
    }
    free(dom->disks);
    for (size_t i = 0; i < dom->nnics; i++) {
        free(dom->nics[i].target);
        free(dom->nics[i].mac);
    }
    free(dom->nics);
    memset(dom, 0, sizeof(*dom));
}
