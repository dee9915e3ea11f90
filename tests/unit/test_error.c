/*
 * test_error.c: the per-thread error, the buffer and logging.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "testutil.h"
#include "util/vm_alloc.h"
#include "util/vm_buf.h"
#include "util/vm_error.h"
#include "util/vm_log.h"

static void test_error_report(void **state)
{
    const struct vm_error *e;

    vm_error_reset();
    assert_null(vm_error_last());
    assert_int_equal(vm_error_code(), VM_ERR_OK);
    assert_string_equal(vm_error_message(), "an unknown error occurred");
    vm_report_error(VM_ERR_NO_DOMAIN, "no domain with name '%s'", "x");
    e = vm_error_last();
    assert_non_null(e);
    assert_int_equal(e->code, VM_ERR_NO_DOMAIN);
    assert_string_equal(e->message, "no domain with name 'x'");
    assert_non_null(strstr(e->file, "test_error.c"));
    assert_string_equal(e->func, "test_error_report");
    assert_string_equal(vm_error_code_name(e->code), "no-domain");
    vm_report_system_error(ENOENT, "cannot open '%s'", "/f");
    assert_int_equal(vm_error_code(), VM_ERR_SYSTEM);
    assert_string_equal(vm_error_message(), "cannot open '/f': No such file or directory");
    vm_error_reset();
    assert_null(vm_error_last());
}

static void *other_thread(void *arg)
{
    /* A fresh thread sees no error, and its own does not leak out. */
    *(int *)arg = vm_error_code();
    vm_report_error(VM_ERR_TIMEOUT, "late");
    return NULL;
}

static void test_error_per_thread(void **state)
{
    pthread_t t;
    int seen = -1;

    vm_report_error(VM_ERR_XML, "mine");
    pthread_create(&t, NULL, other_thread, &seen);
    pthread_join(t, NULL);
    assert_int_equal(seen, VM_ERR_OK);
    assert_int_equal(vm_error_code(), VM_ERR_XML);
    assert_string_equal(vm_error_message(), "mine");
}

static void test_error_save_restore(void **state)
{
    struct vm_error *saved;

    vm_report_error(VM_ERR_AUTH, "first");
    saved = vm_error_save();
    assert_null(vm_error_last());
    vm_report_error(VM_ERR_TLS, "second");
    vm_error_restore(saved);
    assert_int_equal(vm_error_code(), VM_ERR_AUTH);
    assert_string_equal(vm_error_message(), "first");
    vm_error_reset();
}

static int check_flags(unsigned int flags)
{
    VM_CHECK_FLAGS(flags, 0x3, -1);
    return 0;
}

static void test_error_flags(void **state)
{
    assert_int_equal(check_flags(0x1), 0);
    assert_int_equal(check_flags(0x4 | 0x1), -1);
    assert_int_equal(vm_error_code(), VM_ERR_INVALID_ARG);
    assert_string_equal(vm_error_message(), "check_flags: unsupported flags 0x4");
}

static void test_buf(void **state)
{
    struct vm_buf buf = VM_BUF_INIT;
    char *s;

    assert_string_equal(vm_buf_str(&buf), "");
    for (int i = 0; i < 1000; i++)
        vm_buf_addf(&buf, "%d,", i % 10);
    assert_int_equal(buf.len, 2000);
    vm_buf_clear(&buf);
    vm_buf_add_xml_escaped(&buf, "<a href=\"x\">&'</a>");
    assert_string_equal(vm_buf_str(&buf), "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;");
    vm_buf_clear(&buf);
    vm_buf_add(&buf, "a");
    buf.indent = 2;
    vm_buf_addf_line(&buf, "%s", "x");
    s = vm_buf_steal(&buf);
    assert_string_equal(s, "a  x");
    assert_null(buf.data);
    free(s);
}

static char last_log[256];

static void capture(enum vm_log_priority prio, const char *file, int line, const char *msg,
                    void *opaque)
{
    snprintf(last_log, sizeof(last_log), "%s %s", vm_log_priority_name(prio), msg);
}

static void test_log(void **state)
{
    last_log[0] = '\0';
    VM_WARN("dropped: no output installed");
    assert_string_equal(last_log, "");
    vm_log_set_output(capture, NULL, VM_LOG_INFO);
    VM_DEBUG("below the threshold");
    assert_string_equal(last_log, "");
    VM_WARN("disk %s is slow", "vda");
    assert_string_equal(last_log, "warning disk vda is slow");
    vm_log_set_output(NULL, NULL, VM_LOG_WARN);
    assert_int_equal(vm_log_priority_parse("DEBUG"), VM_LOG_DEBUG);
    assert_int_equal(vm_log_priority_parse("warn"), VM_LOG_WARN);
    assert_int_equal(vm_log_priority_parse("loud"), -1);
}

/* An optional call's error is dropped (said at debug), its result kept. */
static void test_optional(void **state)
{
    static int x;

    vm_log_set_output(capture, NULL, VM_LOG_DEBUG);
    last_log[0] = '\0';
    vm_report_error(VM_ERR_NOT_SUPPORTED, "no events here");
    assert_int_equal(vm_optional_int(-1, "lifecycle events"), -1);
    assert_int_equal(vm_error_code(), VM_ERR_OK);
    assert_string_equal(last_log, "debug lifecycle events: no events here (optional: going on)");
    last_log[0] = '\0';
    assert_ptr_equal(vm_optional_ptr(&x, "guest agent"), &x);
    assert_string_equal(last_log, "");
    vm_report_error(VM_ERR_TIMEOUT, "agent silent");
    assert_null(vm_optional_ptr(NULL, "guest agent"));
    assert_int_equal(vm_error_code(), VM_ERR_OK);
    vm_log_set_output(NULL, NULL, VM_LOG_WARN);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_optional),
    cmocka_unit_test(test_error_report),  cmocka_unit_test(test_error_per_thread),
    cmocka_unit_test(test_error_save_restore), cmocka_unit_test(test_error_flags),
    cmocka_unit_test(test_buf),           cmocka_unit_test(test_log),
};

VM_TEST_MAIN(tests)
