/*
 * test_cpu_sample.c: the cpu mode's sample files: keyed by URI and UUID,
 * and anything not exactly a sample of that key is ignored.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cpu_sample.h"
#include "testutil.h"
#include "util/vm_alloc.h"
#include "util/vm_file.h"

#define URI "qemu:///system"
#define UUID "6695eb01-f6a4-8304-79aa-97f2502e193f"

static void test_round_trip(void **state)
{
    char *dir = vm_test_mkdtemp();
    char *sub = vm_asprintf("%s/a/b", dir);   /* created on save */
    char *path = cv_cpu_sample_path(sub, URI, UUID);
    struct cv_cpu_sample s = {.time_ns = 1795646351778670533ULL, .cpu_time_ns = 42, .id = 7};
    struct cv_cpu_sample back = {0};
    struct stat sb;

    assert_int_equal(cv_cpu_sample_load(path, URI, UUID, &back), -1);   /* none yet */
    assert_int_equal(cv_cpu_sample_save(path, URI, UUID, &s), 0);
    assert_int_equal(cv_cpu_sample_load(path, URI, UUID, &back), 0);
    assert_true(back.time_ns == s.time_ns && back.cpu_time_ns == 42 && back.id == 7);
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    /* the same path, another key: not this sample */
    assert_int_equal(cv_cpu_sample_load(path, "qemu+tls://other/system", UUID, &back), -1);
    assert_int_equal(cv_cpu_sample_load(path, URI, "7ef7ac1c-0e3c-4f5f-9b0e-3e1a2f5d6b01", &back),
                     -1);
    free(path);
    free(sub);
    free(dir);
}

static void test_key(void **state)
{
    char *a = cv_cpu_sample_path("/d", "qemu:///system", UUID);
    char *b = cv_cpu_sample_path("/d", "qemu+ssh://h2/system", UUID);
    char *c = cv_cpu_sample_path("/d", "qemu:///system", "7ef7ac1c-0e3c-4f5f-9b0e-3e1a2f5d6b01");

    assert_string_not_equal(a, b);      /* same guest on two hosts */
    assert_string_not_equal(a, c);
    assert_true(strncmp(a, "/d/cpu-" UUID "-", strlen("/d/cpu-" UUID "-")) == 0);
    free(a);
    free(b);
    free(c);
}

static void test_damaged(void **state)
{
    static const char *const bad[] = {
        "",
        "junk\n",
        "check_virt cpu sample 1\nuri " URI "\nuuid " UUID "\nid 1\ntime_ns 5\n",   /* cut short */
        "check_virt cpu sample 1\nuri " URI "\nuuid " UUID "\nid 1\ntime_ns 5\ncpu_time_ns -1\n",
        "check_virt cpu sample 1\nuri " URI "\nuuid " UUID "\nid x\ntime_ns 5\ncpu_time_ns 1\n",
        "check_virt cpu sample 1\nuri " URI "\nuuid " UUID "\nid 1\ntime_ns 5\ncpu_time_ns 1",
        "check_virt cpu sample 1\nuri " URI "\nuuid " UUID "\nid 1\ntime_ns 5\ncpu_time_ns 1\nx\n",
        "check_virt cpu sample 2\nuri " URI "\nuuid " UUID "\nid 1\ntime_ns 5\ncpu_time_ns 1\n",
    };
    char *dir = vm_test_mkdtemp();
    char *path = cv_cpu_sample_path(dir, URI, UUID);
    struct cv_cpu_sample s;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(vm_file_write_atomic(path, bad[i], strlen(bad[i]), 0600), 0);
        if (cv_cpu_sample_load(path, URI, UUID, &s) != -1)
            fail_msg("case %zu was read as a sample", i);
    }
    free(path);
    free(dir);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_round_trip),
    cmocka_unit_test(test_key),
    cmocka_unit_test(test_damaged),
};

VM_TEST_MAIN(tests)
