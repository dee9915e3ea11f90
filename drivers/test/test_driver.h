/*
 * test_driver.h: the in-memory test driver's model (internal).
 */
#ifndef TEST_DRIVER_H
#define TEST_DRIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "virtmon.h"

struct test_disk {
    char *target;       /* "vda" */
    char *source;       /* file path */
};

struct test_nic {
    char *target;       /* "vnet0" */
    char *mac;
};

struct test_dom {
    char *name;
    unsigned char uuid[VM_UUID_BUFLEN];
    int id;
    char *type;         /* "test" */
    char *os_type;      /* "hvm" */
    int state, reason;
    bool persistent, autostart, managed_save;
    unsigned int vcpus;
    uint64_t max_kib, cur_kib;
    struct test_disk *disks;
    size_t ndisks;
    struct test_nic *nics;
    size_t nnics;
    /* Time spent running (not paused, not off) since the counters started:
     * banked_ns plus, while running, now - running_since_ns. */
    uint64_t banked_ns;
    uint64_t running_since_ns;
};

struct test_node {
    char *cpu_model;
    unsigned int cpus, mhz, numa_cells, sockets, cores, threads;
    uint64_t memory_kib;
    unsigned long long hv_version;
};

/* Fills the built-in fixture of SPEC 2.4 (test:///default). */
void test_fixture_default(struct test_node *node, struct test_dom **doms, size_t *ndoms);

/* Frees what one domain holds (not the struct). */
void test_dom_clear(struct test_dom *dom);

#endif /* TEST_DRIVER_H */
