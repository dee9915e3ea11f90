/*
 * test_check_range.c: every range form of the monitoring-plugins
 * guidelines, its boundaries, and the malformed forms refused.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check_range.h"
#include "util/vm_error.h"
#include "testutil.h"

static const struct {
    const char *text, *norm;
    double x;
    bool alerts;
} cases[] = {
    /* N: outside 0..N */
    {"10", "10", 10, false},
    {"10", "10", 10.0001, true},
    {"10", "10", 0, false},
    {"10", "10", -0.5, true},
    {"9", "9", 10, true},
    {"9.99999", "9.99999", 10, true},
    {":10", "10", 5, false},
    {"0:10", "10", 11, true},
    /* N: below N */
    {"10:", "10:", 10, false},
    {"10:", "10:", 9.9, true},
    {"11:", "11:", 10, true},
    {"10:", "10:", 1e12, false},
    /* ~:N: above N only */
    {"~:10", "~:10", -1e9, false},
    {"~:10", "~:10", 10, false},
    {"~:9", "~:9", 10, true},
    {"~:", "~:", -1e300, false},
    {"~:", "~:", 1e300, false},
    /* N:M inclusive */
    {"10:20", "10:20", 10, false},
    {"10:20", "10:20", 20, false},
    {"10:20", "10:20", 9.999, true},
    {"10:20", "10:20", 20.001, true},
    {"11:20", "11:20", 10, true},
    {"10:10", "10:10", 10, false},
    /* @: alert inside, inclusive */
    {"@10:20", "@10:20", 10, true},
    {"@10:20", "@10:20", 20, true},
    {"@10:20", "@10:20", 15, true},
    {"@11:20", "@11:20", 10, false},
    {"@10", "@10", 10, true},
    {"@10", "@10", 0, true},
    {"@10", "@10", -1, false},
    {"@~:5", "@~:5", -100, true},
    {"@5:", "@5:", 4, false},
    /* decimals and negatives */
    {"0.5:1.5", "0.5:1.5", 1.5, false},
    {"0.5:1.5", "0.5:1.5", 0.49, true},
    {".5", "0.5", 0.6, true},
    {"1.50", "1.5", 1.5, false},
    {"-10:-5", "-10:-5", -7, false},
    {"-10:-5", "-10:-5", -4, true},
    {"-10:", "-10:", -11, true},
    {"~:-5", "~:-5", -4, true},
    {"@-1:1", "@-1:1", 0, true},
    /* whitespace around is not part of the range */
    {" 10", "10", 11, true},
    {"10 ", "10", 9, false},
    /* plain decimals back, never exponents */
    {"0.00001", "0.00001", 0.00002, true},
    {"12345678901234567890", "12345678901234567168", 1, false},
};

static void test_forms(void **state)
{
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct cv_range r;
        if (cv_range_parse(cases[i].text, &r) != 0)
            fail_msg("'%s' refused: %s", cases[i].text, vm_error_message());
        if (strcmp(r.text, cases[i].norm) != 0)
            fail_msg("'%s' normalised to '%s', not '%s'", cases[i].text, r.text, cases[i].norm);
        if (cv_range_alerts(&r, cases[i].x) != cases[i].alerts)
            fail_msg("'%s' with %g: alerts %d", cases[i].text, cases[i].x, !cases[i].alerts);
    }
}

static void test_malformed(void **state)
{
    static const char *bad[] = {
        "abc", "0x10", "1e1", "10:20:30", "20:10", "-10", "~", "@", ":", "@:", "5;6",
        "10a", "a10", "--5", "1.2.3", "inf", "nan", "~:~", "10:~", "@@10", "1 0", "+5",
        "10..", ".", "-", "-.", "~10", "10::", "123456789012345678901", "1:123456789012345678901",
    };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct cv_range r;
        vm_error_reset();
        if (cv_range_parse(bad[i], &r) != -1)
            fail_msg("'%s' accepted as '%s'", bad[i], r.text);
        assert_int_equal(vm_error_code(), VM_ERR_INVALID_ARG);
        assert_non_null(strstr(vm_error_message(), "invalid range"));
        assert_false(r.set);
    }
}

static void test_unset(void **state)
{
    struct cv_range r;

    assert_int_equal(cv_range_parse("", &r), 0);
    assert_false(r.set);
    assert_false(cv_range_alerts(&r, 1e300));
    assert_int_equal(cv_range_parse(NULL, &r), 0);
    assert_false(r.set);
    assert_int_equal(cv_range_parse("  ", &r), 0);
    assert_false(r.set);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_forms),
    cmocka_unit_test(test_malformed),
    cmocka_unit_test(test_unset),
};

VM_TEST_MAIN(tests)
