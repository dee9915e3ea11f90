/*
 * test_units.c: memory units to KiB, pinned at the edges (0, 4 TiB, 2^64-1
 * bytes, overflow, unknown units).
 */
#include "config.h"

#include <string.h>

#include "testutil.h"
#include "util/vm_error.h"
#include "util/vm_units.h"

static const struct {
    uint64_t value;
    const char *unit;
    uint64_t kib;
} good[] = {
    {0, NULL, 0},
    {0, "b", 0},
    {1, "b", 1},                    /* rounded up, as libvirt does */
    {1024, "bytes", 1},
    {1025, "bytes", 2},
    {UINT64_MAX, "b", 18014398509481984ULL},   /* 2^64-1 bytes */
    {1000, "KB", 977},              /* 1,000,000 B = 976.5625 KiB, rounded up */
    {1, "k", 1},
    {5, "KiB", 5},
    {5, "", 5},
    {1, "MB", 977},
    {3, "M", 3072},
    {3, "MiB", 3072},
    {2, "GB", 1953125},
    {4, "G", 4194304},
    {4, "GiB", 4194304},
    {1, "TB", 976562500},
    {4, "TiB", 4294967296ULL},      /* 4 TiB */
    {4, "T", 4294967296ULL},
    {6, "tib", 6442450944ULL},      /* case-insensitive, like libvirt */
    {1, "PiB", 1099511627776ULL},   /* libvirt takes PiB and EiB too */
    {2, "P", 2199023255552ULL},
    {1, "PB", 976562500000ULL},
    {1, "EiB", 1125899906842624ULL},
    {3, "E", 3377699720527872ULL},
    {1, "EB", 976562500000000ULL},
    {UINT64_MAX, "KiB", UINT64_MAX},
};

static void test_units_good(void **state)
{
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        uint64_t kib = 12345;
        assert_int_equal(vm_units_to_kib(good[i].value, good[i].unit, &kib), 0);
        assert_true(kib == good[i].kib);
    }
}

static void test_units_overflow(void **state)
{
    uint64_t kib = 7;

    assert_int_equal(vm_units_to_kib(UINT64_MAX, "MiB", &kib), -1);
    assert_int_equal(vm_error_code(), VM_ERR_OVERFLOW);
    assert_non_null(strstr(vm_error_message(), "does not fit"));
    assert_true(kib == 7);  /* unchanged on error */
    assert_int_equal(vm_units_to_kib(1ULL << 54, "TiB", &kib), -1);
    assert_int_equal(vm_units_to_kib((1ULL << 54) - 1, "k", &kib), 0);
    assert_int_equal(vm_units_to_kib(UINT64_MAX / 976562500 + 1, "TB", &kib), -1);
    /* 16 EiB of KiB is 2^64 KiB: one more than fits */
    assert_int_equal(vm_units_to_kib(1ULL << 14, "EiB", &kib), -1);
    assert_int_equal(vm_units_to_kib((1ULL << 14) - 1, "EiB", &kib), 0);
}

static void test_units_unknown(void **state)
{
    static const char *const bad[] = {"ZiB", "XiB", "kibi", "KiBB", "i", "Mb2", " k", "kB "};
    uint64_t kib;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(vm_units_to_kib(1, bad[i], &kib), -1);
        assert_int_equal(vm_error_code(), VM_ERR_INVALID_ARG);
        assert_non_null(strstr(vm_error_message(), "unknown memory unit"));
    }
}

static void test_bytes_pages(void **state)
{
    uint64_t v;

    assert_true(vm_bytes_to_kib(0) == 0);
    assert_true(vm_bytes_to_kib(4398046511104ULL * 1024) == 4398046511104ULL); /* 4 PiB */
    assert_true(vm_bytes_to_kib(UINT64_MAX) == 18014398509481984ULL);
    assert_int_equal(vm_kib_to_bytes(4294967296ULL, &v), 0);
    assert_true(v == 4398046511104ULL);
    assert_int_equal(vm_kib_to_bytes(UINT64_MAX / 1024 + 1, &v), -1);
    assert_int_equal(vm_error_code(), VM_ERR_OVERFLOW);
}

static void test_parse_numbers(void **state)
{
    uint64_t u;
    int i;

    assert_int_equal(vm_parse_u64("18446744073709551615", &u), 0);
    assert_true(u == UINT64_MAX);
    assert_int_equal(vm_parse_u64("18446744073709551616", &u), -1);
    assert_int_equal(vm_parse_u64("-1", &u), -1);
    assert_int_equal(vm_parse_u64("12a", &u), -1);
    assert_int_equal(vm_parse_u64("", &u), -1);
    assert_int_equal(vm_parse_u64(" 1", &u), -1);
    assert_int_equal(vm_parse_int("-5", &i), 0);
    assert_int_equal(i, -5);
    assert_int_equal(vm_parse_int("2147483648", &i), -1);
    assert_int_equal(vm_parse_int("0x10", &i), -1);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_units_good),     cmocka_unit_test(test_units_overflow),
    cmocka_unit_test(test_units_unknown),  cmocka_unit_test(test_bytes_pages),
    cmocka_unit_test(test_parse_numbers),
};

VM_TEST_MAIN(tests)
