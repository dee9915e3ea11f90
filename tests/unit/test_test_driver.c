/*
 * test_test_driver.c: test:///default through the public API: the fixture of
 * the built-in fixture, libvirt's state rules, and counters at the pinned rates.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "testutil.h"
#include "virtmon.h"

static struct vm_connect *conn;

static int setup(void **state)
{
    conn = vm_connect_open("test:///default", 0);
    return conn ? 0 : -1;
}

static int teardown(void **state)
{
    vm_connect_close(conn);
    conn = NULL;
    return 0;
}

static void test_fixture(void **state)
{
    static const struct {
        const char *name, *uuid;
        int state, id;
        unsigned int vcpus;
        uint64_t max, cur;
        size_t nblock, nnet;
    } want[] = {
        {"test", "6695eb01-f6a4-8304-79aa-97f2502e193f", VM_DOMAIN_RUNNING, 1, 2, 8388608,
         2097152, 1, 1},
        {"web1", "7ef7ac1c-0e3c-4f5f-9b0e-3e1a2f5d6b01", VM_DOMAIN_RUNNING, 2, 4, 4194304,
         4194304, 2, 2},
        {"db1", "7ef7ac1c-0e3c-4f5f-9b0e-3e1a2f5d6b02", VM_DOMAIN_PAUSED, 3, 8, 16777216,
         16777216, 1, 1},
        {"huge1", "7ef7ac1c-0e3c-4f5f-9b0e-3e1a2f5d6b03", VM_DOMAIN_RUNNING, 4, 64,
         6442450944ULL, 6442450944ULL, 1, 1},
        {"idle1", "7ef7ac1c-0e3c-4f5f-9b0e-3e1a2f5d6b04", VM_DOMAIN_SHUTOFF, -1, 1, 1048576,
         1048576, 1, 0},
    };
    struct vm_domain_stats **st = NULL;
    int n = vm_connect_get_all_domain_stats(conn, &st, 0);

    assert_int_equal(n, 5);
    for (int i = 0; i < n; i++) {
        char uuid[VM_UUID_STRING_BUFLEN];
        vm_uuid_format(st[i]->uuid, uuid);
        assert_string_equal(st[i]->name, want[i].name);
        assert_string_equal(uuid, want[i].uuid);
        assert_int_equal(st[i]->state, want[i].state);
        assert_int_equal(st[i]->id, want[i].id);
        assert_int_equal(st[i]->vcpus, want[i].vcpus);
        assert_true(st[i]->mem_max_kib == want[i].max);
        assert_true(st[i]->mem_cur_kib == want[i].cur);
        assert_int_equal(st[i]->nblock, want[i].nblock);
        assert_int_equal(st[i]->nnet, want[i].nnet);
        assert_true(st[i]->persistent);
        assert_false(st[i]->autostart);
        assert_false(st[i]->managed_save);
        assert_string_equal(st[i]->type, "test");
        assert_string_equal(st[i]->os_type, "hvm");
        assert_true(isnan(st[i]->cpu_util_pct));
    }
    assert_string_equal(st[1]->block[1].name, "vdb");
    assert_string_equal(st[1]->net[1].name, "vnet2");
    assert_string_equal(st[0]->net[0].name, "vnet0");
    vm_domain_stats_list_free(st, (size_t)n);

    n = vm_connect_get_all_domain_stats(conn, &st, VM_LIST_INACTIVE);
    assert_int_equal(n, 1);
    assert_string_equal(st[0]->name, "idle1");
    vm_domain_stats_list_free(st, (size_t)n);
}

static void test_node(void **state)
{
    struct vm_node_info ni;
    unsigned long long v;

    assert_int_equal(vm_node_get_info(conn, &ni, 0), 0);
    assert_int_equal(ni.cpus, 16);
    assert_int_equal(ni.mhz, 2400);
    assert_int_equal(ni.sockets, 2);
    assert_int_equal(ni.cores, 4);
    assert_int_equal(ni.threads, 2);
    assert_int_equal(ni.numa_cells, 1);
    assert_true(ni.memory_kib == 17179869184ULL);
    /* free = total - what the active domains hold */
    assert_true(ni.free_memory_kib ==
                17179869184ULL - (2097152 + 4194304 + 16777216 + 6442450944ULL));
    vm_node_info_clear(&ni);
    assert_int_equal(vm_connect_get_version(conn, &v, 0), 0);
    assert_true(v == 1000000);
    assert_string_equal(vm_connect_get_type(conn), "Test");
    assert_string_equal(vm_connect_get_uri(conn), "test:///default");
    assert_int_equal(vm_connect_is_alive(conn), 1);
}

static void test_lookups(void **state)
{
    struct vm_domain *d;

    d = vm_domain_lookup(conn, "2");
    assert_non_null(d);
    assert_string_equal(vm_domain_get_name(d), "web1");
    vm_domain_free(d);
    d = vm_domain_lookup(conn, "7ef7ac1c-0e3c-4f5f-9b0e-3e1a2f5d6b04");
    assert_non_null(d);
    assert_string_equal(vm_domain_get_name(d), "idle1");
    assert_int_equal(vm_domain_get_id(d), -1);
    vm_domain_free(d);
    assert_null(vm_domain_lookup_by_id(conn, 99));
    assert_int_equal(vm_error_code(), VM_ERR_NO_DOMAIN);
    assert_string_equal(vm_error_message(), "no domain with id 99");
    assert_null(vm_domain_lookup(conn, "nosuch"));
    assert_string_equal(vm_error_message(), "failed to get domain 'nosuch'");
}

/* The state and reason of a domain, -1 on error. */
static int state_of(const char *name, int *reason)
{
    struct vm_domain *d = vm_domain_lookup(conn, name);
    int st = -1;

    if (d && vm_domain_get_state(d, &st, reason, 0) < 0)
        st = -1;
    vm_domain_free(d);
    return st;
}

typedef int (*op_fn)(struct vm_domain *, unsigned int);

static int op(const char *name, op_fn fn)
{
    struct vm_domain *d = vm_domain_lookup(conn, name);
    int r = d ? fn(d, 0) : -1;

    vm_domain_free(d);
    return r;
}

static void test_state_rules(void **state)
{
    static const struct {
        const char *dom;
        op_fn fn;
    } invalid[] = {
        {"idle1", vm_domain_shutdown}, {"idle1", vm_domain_destroy}, {"idle1", vm_domain_suspend},
        {"idle1", vm_domain_resume},   {"idle1", vm_domain_reboot},  {"idle1", vm_domain_reset},
        {"idle1", vm_domain_managed_save}, {"test", vm_domain_start}, {"test", vm_domain_resume},
        {"db1", vm_domain_suspend},    {"db1", vm_domain_start},
    };
    int reason;

    for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
        int before = state_of(invalid[i].dom, NULL);
        assert_int_equal(op(invalid[i].dom, invalid[i].fn), -1);
        assert_int_equal(vm_error_code(), VM_ERR_OPERATION_INVALID);
        assert_int_equal(state_of(invalid[i].dom, NULL), before); /* nothing changed */
    }

    assert_int_equal(op("web1", vm_domain_suspend), 0);
    assert_int_equal(state_of("web1", &reason), VM_DOMAIN_PAUSED);
    assert_int_equal(reason, VM_PAUSED_USER);
    assert_int_equal(op("web1", vm_domain_resume), 0);
    assert_int_equal(state_of("web1", &reason), VM_DOMAIN_RUNNING);
    assert_int_equal(reason, VM_RUNNING_UNPAUSED);
    assert_int_equal(op("web1", vm_domain_shutdown), 0);
    assert_int_equal(state_of("web1", &reason), VM_DOMAIN_SHUTOFF);
    assert_int_equal(reason, VM_SHUTOFF_SHUTDOWN);
    assert_int_equal(op("web1", vm_domain_start), 0);
    assert_int_equal(state_of("web1", &reason), VM_DOMAIN_RUNNING);
    assert_int_equal(reason, VM_RUNNING_BOOTED);
    assert_int_equal(state_of("5", NULL), VM_DOMAIN_RUNNING);   /* the next id */
    assert_int_equal(op("web1", vm_domain_destroy), 0);
    assert_int_equal(state_of("web1", &reason), VM_DOMAIN_SHUTOFF);
    assert_int_equal(reason, VM_SHUTOFF_DESTROYED);
    assert_int_equal(op("db1", vm_domain_reboot), 0);
    assert_int_equal(state_of("db1", NULL), VM_DOMAIN_RUNNING);
    assert_int_equal(op("test", vm_domain_reset), 0);
    assert_int_equal(state_of("test", NULL), VM_DOMAIN_RUNNING);
}

static void test_managed_save(void **state)
{
    struct vm_domain *d = vm_domain_lookup(conn, "test");
    int reason;

    assert_int_equal(vm_domain_has_managed_save(d, 0), 0);
    assert_int_equal(vm_domain_managed_save(d, 0), 0);
    assert_int_equal(vm_domain_has_managed_save(d, 0), 1);
    assert_int_equal(state_of("test", &reason), VM_DOMAIN_SHUTOFF);
    assert_int_equal(reason, VM_SHUTOFF_SAVED);
    /* undefine refuses while the image exists */
    assert_int_equal(vm_domain_undefine(d, 0), -1);
    assert_int_equal(vm_error_code(), VM_ERR_OPERATION_INVALID);
    assert_int_equal(vm_domain_start(d, 0), 0);
    assert_int_equal(state_of("test", &reason), VM_DOMAIN_RUNNING);
    assert_int_equal(reason, VM_RUNNING_RESTORED);
    assert_int_equal(vm_domain_has_managed_save(d, 0), 0);
    vm_domain_free(d);
}

static void test_autostart_undefine(void **state)
{
    struct vm_domain *d = vm_domain_lookup(conn, "web1");
    int a = -1;
    struct vm_domain **list;
    int n;

    assert_int_equal(vm_domain_set_autostart(d, 1), 0);
    assert_int_equal(vm_domain_get_autostart(d, &a), 0);
    assert_int_equal(a, 1);
    /* undefining a running domain makes it transient ... */
    assert_int_equal(vm_domain_undefine(d, 0), 0);
    assert_int_equal(state_of("web1", NULL), VM_DOMAIN_RUNNING);
    assert_int_equal(vm_domain_set_autostart(d, 1), -1);
    assert_int_equal(vm_error_code(), VM_ERR_OPERATION_INVALID);
    /* ... and a transient domain vanishes when it stops */
    assert_int_equal(vm_domain_destroy(d, 0), 0);
    assert_int_equal(state_of("web1", NULL), -1);
    assert_int_equal(vm_error_code(), VM_ERR_NO_DOMAIN);
    vm_domain_free(d);
    n = vm_connect_list_domains(conn, &list, VM_LIST_ACTIVE | VM_LIST_INACTIVE);
    assert_int_equal(n, 4);
    vm_domain_list_free(list, (size_t)n);
    /* an inactive domain undefined is gone at once */
    d = vm_domain_lookup(conn, "idle1");
    assert_int_equal(vm_domain_undefine(d, 0), 0);
    vm_domain_free(d);
    assert_int_equal(state_of("idle1", NULL), -1);
}

static void test_read_only(void **state)
{
    struct vm_connect *ro = vm_connect_open("test:///default", VM_CONNECT_RO);
    struct vm_domain *d = vm_domain_lookup(ro, "test");
    int st;

    assert_int_equal(vm_domain_suspend(d, 0), -1);
    assert_int_equal(vm_error_code(), VM_ERR_READ_ONLY);
    assert_int_equal(vm_domain_set_autostart(d, 1), -1);
    assert_int_equal(vm_error_code(), VM_ERR_READ_ONLY);
    assert_int_equal(vm_domain_get_state(d, &st, NULL, 0), 0);
    assert_int_equal(st, VM_DOMAIN_RUNNING);
    vm_domain_free(d);
    vm_connect_close(ro);
}

static uint64_t mono_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Counters are a function of running time, which is bracketed by clock
 * readings taken around the open and the stats call: no timing guesswork. */
static void test_counters(void **state)
{
    uint64_t t0 = mono_ns();
    struct vm_connect *c = vm_connect_open("test:///default", 0);
    uint64_t t1 = mono_ns();
    struct vm_domain *d = vm_domain_lookup(c, "web1");
    struct timespec nap = {0, 20 * 1000 * 1000};
    struct vm_domain_stats *st, *paused;
    uint64_t t2, t3, lo, hi;

    nanosleep(&nap, NULL);
    t2 = mono_ns();
    st = vm_domain_get_stats(d, 0);
    t3 = mono_ns();
    lo = t2 - t1;
    hi = t3 - t0;
    /* CPU: 25 % of each of 4 vCPUs */
    assert_true(st->cpu_time_ns >= lo && st->cpu_time_ns <= hi);
    /* disks: 4 KiB/s read, 8 KiB/s written, 1 request per 4 KiB */
    for (size_t i = 0; i < st->nblock; i++) {
        assert_true(st->block[i].rd_bytes >= lo / 1000 * 4096 / 1000000);
        assert_true(st->block[i].rd_bytes <= hi / 1000 * 4096 / 1000000 + 1);
        assert_true(st->block[i].wr_bytes >= lo / 1000 * 8192 / 1000000);
        assert_true(st->block[i].rd_reqs == st->block[i].rd_bytes / 4096);
        assert_true(st->block[i].wr_reqs == st->block[i].wr_bytes / 4096);
    }
    for (size_t i = 0; i < st->nnet; i++) {
        assert_true(st->net[i].rx_bytes >= lo / 1000 * 1000 / 1000000);
        assert_true(st->net[i].tx_bytes >= lo / 1000 * 2000 / 1000000);
        assert_true(st->net[i].tx_bytes <= hi / 1000 * 2000 / 1000000 + 1);
        assert_true(st->net[i].rx_pkts == st->net[i].rx_bytes / 1000);
        assert_true(st->net[i].rx_errs == 0 && st->net[i].tx_drop == 0);
    }
    vm_domain_stats_free(st);
    vm_domain_free(d);

    /* paused and shut-off domains do not count */
    d = vm_domain_lookup(c, "db1");
    paused = vm_domain_get_stats(d, 0);
    assert_true(paused->cpu_time_ns == 0);
    assert_true(paused->block[0].rd_bytes == 0);
    vm_domain_stats_free(paused);
    vm_domain_free(d);
    vm_connect_close(c);
}

static void event_cb(struct vm_connect *c, struct vm_domain *dom, int event, int detail,
                     void *opaque)
{
    char *log = opaque;
    size_t len = strlen(log);

    snprintf(log + len, 256 - len, "%s:%d;", vm_domain_get_name(dom), event);
}

static void test_events(void **state)
{
    char log[256] = "";
    int id = vm_connect_domain_event_register(conn, event_cb, log, NULL, 0);

    assert_true(id >= 0);
    assert_int_equal(op("web1", vm_domain_suspend), 0);
    assert_int_equal(op("web1", vm_domain_resume), 0);
    assert_int_equal(op("idle1", vm_domain_start), 0);
    assert_int_equal(op("idle1", vm_domain_start), -1); /* no event for a failure */
    assert_string_equal(log, "web1:3;web1:4;idle1:2;");
    assert_int_equal(vm_connect_domain_event_deregister(conn, id), 0);
    assert_int_equal(vm_connect_domain_event_deregister(conn, id), -1);
    assert_int_equal(op("idle1", vm_domain_destroy), 0);
    assert_string_equal(log, "web1:3;web1:4;idle1:2;");
}

static void test_bad_uris(void **state)
{
    assert_null(vm_connect_open("test:///default?pki=/x", 0));
    assert_string_equal(vm_error_message(), "URI parameter 'pki' does not apply to 'test' URIs");
    assert_null(vm_connect_open("test://host/default", 0));
    assert_int_equal(vm_error_code(), VM_ERR_INVALID_URI);
    assert_null(vm_connect_open("test://", 0));
    assert_int_equal(vm_error_code(), VM_ERR_INVALID_URI);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
static const struct CMUnitTest tests[] = {
    T(test_fixture),    T(test_node),      T(test_lookups),  T(test_state_rules),
    T(test_managed_save), T(test_autostart_undefine), T(test_read_only), T(test_counters),
    T(test_events),     T(test_bad_uris),
};

VM_TEST_MAIN(tests)
