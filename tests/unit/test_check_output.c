/*
 * test_check_output.c: check_virt's status line, perfdata and severities.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "check_output.h"
#include "testutil.h"

static struct cv_range range(const char *text)
{
    struct cv_range r;

    assert_int_equal(cv_range_parse(text, &r), 0);
    return r;
}

static void test_line(void **state)
{
    struct cv_range w = range("80"), c = range(" 0:90");
    struct cv_perf perf[] = {
        {.label = "mem_used", .value = 524288, .uom = "KB", .has_min = true, .min = 0,
         .has_max = true, .max = 1048576},
        {.label = "mem_pct", .value = 50, .uom = "%", .warn = &w, .crit = &c},
        {.label = "Odd label=x", .value = 0.25, .uom = ""},
    };
    struct cv_result r = {.mode = "MEM", .status = CV_OK, .text = "web1 uses 50% of 1048576 KB",
                          .perf = perf, .nperf = 3, .long_output = "line one\nline two"};
    char *out = cv_format(&r);

    assert_string_equal(out, "VIRT MEM OK - web1 uses 50% of 1048576 KB | "
                             "mem_used=524288KB;;;0;1048576 mem_pct=50%;80;90 odd_label_x=0.25\n"
                             "line one\nline two\n");
    free(out);
}

/* A '|' in a domain name must not start the perfdata early. */
static void test_pipe_in_text(void **state)
{
    struct cv_perf perf = {.label = "state", .value = 1, .uom = ""};
    struct cv_result r = {.mode = "STATE", .status = CV_OK, .text = "a|b is running",
                          .perf = &perf, .nperf = 1, .long_output = "uuid of a|b"};
    char *out = cv_format(&r);

    assert_string_equal(out, "VIRT STATE OK - a/b is running | state=1\nuuid of a/b\n");
    free(out);
}

static void test_unknown_mode(void **state)
{
    struct cv_result r = {.status = CV_UNKNOWN, .text = "unknown mode 'foo'"};
    char *out = cv_format(&r);

    assert_string_equal(out, "VIRT UNKNOWN - unknown mode 'foo'\n");
    free(out);
}

static void test_first_line_limit(void **state)
{
    char text[3000];
    struct cv_perf perf[] = {{.label = "total", .value = 1000, .uom = ""}};
    struct cv_result r = {.mode = "DOMAINS", .status = CV_CRITICAL, .text = text, .perf = perf,
                          .nperf = 1};
    char *out;

    memset(text, 'x', sizeof(text) - 1);
    text[sizeof(text) - 1] = '\0';
    out = cv_format(&r);
    assert_true(strlen(out) <= 1024);   /* the line and its \n */
    assert_non_null(strstr(out, "x... | total=1000\n"));
    assert_int_equal(strncmp(out, "VIRT DOMAINS CRITICAL - xxx", 27), 0);
    free(out);
}

static void test_severities(void **state)
{
    struct cv_range w = range("80"), c = range("90");
    enum cv_status s;

    assert_int_equal(cv_status_of(80, &w, &c), CV_OK);
    assert_int_equal(cv_status_of(85, &w, &c), CV_WARNING);
    assert_int_equal(cv_status_of(95, &w, &c), CV_CRITICAL);
    /* critical first, even when the warning range is "wider" */
    w = range("90");
    c = range("80");
    assert_int_equal(cv_status_of(85, &w, &c), CV_CRITICAL);
    assert_int_equal(cv_status_of(1e9, NULL, NULL), CV_OK);
    assert_int_equal(cv_status_worse(CV_OK, CV_UNKNOWN), CV_UNKNOWN);
    assert_int_equal(cv_status_worse(CV_UNKNOWN, CV_WARNING), CV_WARNING);
    assert_int_equal(cv_status_worse(CV_CRITICAL, CV_WARNING), CV_CRITICAL);
    assert_int_equal(cv_status_parse("shutoff", &s), -1);
    assert_int_equal(cv_status_parse("warning", &s), 0);
    assert_int_equal(s, CV_WARNING);
    assert_int_equal(cv_status_parse("Unknown", &s), 0);
    assert_int_equal(s, CV_UNKNOWN);
    assert_string_equal(cv_status_name(CV_CRITICAL), "CRITICAL");
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_line),
    cmocka_unit_test(test_pipe_in_text),
    cmocka_unit_test(test_unknown_mode),
    cmocka_unit_test(test_first_line_limit),
    cmocka_unit_test(test_severities),
};

VM_TEST_MAIN(tests)
