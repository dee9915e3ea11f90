/*
 * test_driver.h: the test driver's model (internal).
 */
#ifndef TEST_DRIVER_H
#define TEST_DRIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf/domain_conf.h"
#include "virtmon.h"

struct test_dom {
    struct vm_domain_def *def;      /* what runs (or would run) */
    struct vm_domain_def *next_def; /* defined while active: takes over at stop */
    int id;
    int state, reason;
    bool persistent, autostart, managed_save;
    /* Time spent running (not paused, not off) since the counters started:
     * banked_ns plus, while running, now - running_since_ns. */
    uint64_t banked_ns;
    uint64_t running_since_ns;
    /* CPU time grows at 25 % of each online vCPU: what it reached when the
     * count last changed, and the running time then */
    uint64_t cpu_banked_ns, cpu_run_mark_ns;
};

struct test_node {
    char *cpu_model;
    unsigned int cpus, mhz, numa_cells, sockets, cores, threads;
    uint64_t memory_kib;
};

/* The built-in fixture (test:///default), as a <node> document. */
extern const char test_fixture_default_xml[];

/* Loads a libvirt test-driver <node> document: host figures and domains in
 * file order, active ones (by test:runstate) numbered 1, 2, ...  what names
 * the document in errors.  -1 with an error naming element and line. */
int test_fixture_load(const char *xml, size_t len, const char *what, struct test_node *node,
                      struct test_dom **doms, size_t *ndoms);

/* Frees what one domain holds (not the struct). */
void test_dom_clear(struct test_dom *dom);

#endif /* TEST_DRIVER_H */
