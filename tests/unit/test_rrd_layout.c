/*
 * test_rrd_layout.c: the RRD files' paths, data sources and archives, as
 * virtmon-collector(8) documents them and virtmon-graph reads them.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "rrd_layout.h"
#include "testutil.h"

static char *joined(char **argv)
{
    size_t len = 1;
    char *s;

    for (char **p = argv; *p; p++)
        len += strlen(*p) + 1;
    s = calloc(len, 1);
    for (char **p = argv; *p; p++) {
        strcat(s, *p);
        strcat(s, " ");
    }
    return s;
}

static void test_domain_args(void **state)
{
    char **argv = NULL;
    int n = rrd_create_args(RRD_DOMAIN, 60, &argv);
    char *s = joined(argv);

    assert_int_equal(n, 5 + 8);
    assert_string_equal(s, "DS:cpu_ns:DERIVE:120:0:U DS:cpu_pct:GAUGE:120:0:U "
                           "DS:vcpus:GAUGE:120:0:U DS:mem_max_kib:GAUGE:120:0:U "
                           "DS:mem_cur_kib:GAUGE:120:0:U "
                           "RRA:AVERAGE:0.5:1:1440 RRA:AVERAGE:0.5:5:2016 "
                           "RRA:AVERAGE:0.5:30:1488 RRA:AVERAGE:0.5:360:1464 "
                           "RRA:MAX:0.5:1:1440 RRA:MAX:0.5:5:2016 RRA:MAX:0.5:30:1488 "
                           "RRA:MAX:0.5:360:1464 ");
    free(s);
    rrd_args_free(argv);
}

/* Steps longer than a coarse resolution keep one sample per row there,
 * and the spans stay a day, a week, a month and a year. */
static void test_long_step(void **state)
{
    char **argv = NULL;
    char *s;

    rrd_create_args(RRD_HOST, 600, &argv);
    s = joined(argv);
    assert_non_null(strstr(s, "DS:mem_total_kib:GAUGE:1200:0:U "));
    assert_non_null(strstr(s, "RRA:AVERAGE:0.5:1:144 RRA:AVERAGE:0.5:1:1008 "
                              "RRA:AVERAGE:0.5:3:1488 RRA:AVERAGE:0.5:36:1464 "));
    free(s);
    rrd_args_free(argv);
}

static void test_ds(void **state)
{
    size_t n;
    const struct rrd_ds *ds = rrd_kind_ds(RRD_IF, &n);

    assert_int_equal(n, 8);
    assert_string_equal(ds[0].name, "rx_bytes");
    assert_string_equal(ds[7].name, "tx_drop");
    assert_true(ds[0].counter);
    ds = rrd_kind_ds(RRD_HOST, &n);
    assert_int_equal(n, 5);
    assert_false(ds[4].counter);
    /* 2 x (1440 + 2016 + 1488 + 1464) rows x 5 DS x 8 bytes */
    assert_int_equal(rrd_file_bytes(RRD_DOMAIN, 60), 512640);
}

static void test_names(void **state)
{
    char *s;

    s = rrd_dev_name("vda", "disk0");
    assert_string_equal(s, "vda");
    free(s);
    s = rrd_dev_name(NULL, "net1");
    assert_string_equal(s, "net1");
    free(s);
    s = rrd_dev_name("", "net2");
    assert_string_equal(s, "net2");
    free(s);
    s = rrd_dev_name("../x y/z", "net0");     /* never leaves the domain's directory */
    assert_string_equal(s, ".._x_y_z");
    free(s);
    s = rrd_file(RRD_DISK, "6695eb01-f6a4-8304-79aa-97f2502e193f", "vda");
    assert_string_equal(s, "6695eb01-f6a4-8304-79aa-97f2502e193f/disk-vda.rrd");
    free(s);
    s = rrd_file(RRD_IF, "6695eb01-f6a4-8304-79aa-97f2502e193f", "vnet0");
    assert_string_equal(s, "6695eb01-f6a4-8304-79aa-97f2502e193f/if-vnet0.rrd");
    free(s);
    s = rrd_file(RRD_HOST, NULL, NULL);
    assert_string_equal(s, "host.rrd");
    free(s);
    s = rrd_name_file("6695eb01-f6a4-8304-79aa-97f2502e193f");
    assert_string_equal(s, "6695eb01-f6a4-8304-79aa-97f2502e193f/name");
    free(s);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_domain_args),
    cmocka_unit_test(test_long_step),
    cmocka_unit_test(test_ds),
    cmocka_unit_test(test_names),
};

VM_TEST_MAIN(tests)
