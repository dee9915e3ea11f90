/*
 * test_xenapi_xmlrpc.c: the XenAPI wire format against golden files:
 * replies (tests/data/xenapi/NAME.reply) parsed into what the driver sees
 * (NAME.out), requests encoded as XenAPI wants them, the /rrd_updates
 * export read into rates.
 */
#include "config.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"
#include "util/vm_alloc.h"
#include "util/vm_buf.h"
#include "util/vm_error.h"
#include "xenapi/xen_rrd.h"
#include "xenapi/xen_xmlrpc.h"

/* NAME.reply parsed: "rc N" and the value (json) or the error. */
static void reply_golden(const char *name)
{
    VM_AUTOFREE char *rel = vm_asprintf("tests/data/xenapi/%s.reply", name);
    VM_AUTOFREE char *path = vm_test_srcpath(rel);
    VM_AUTOFREE char *text = vm_test_read_file(path);
    VM_AUTOFREE char *out_rel = vm_asprintf("xenapi/%s.out", name);
    VM_AUTOFREE char *actual = NULL;
    json_object *v = NULL;
    int rc = xen_xmlrpc_parse(text, strlen(text), &v);

    if (rc < 0)
        actual = vm_asprintf("rc %d\nerror %d: %s\n", rc, vm_error_code(), vm_error_message());
    else
        actual = vm_asprintf("rc %d\n%s\n", rc,
                             v ? json_object_to_json_string_ext(v, JSON_C_TO_STRING_PRETTY |
                                                                       JSON_C_TO_STRING_SPACED)
                               : "(void)");
    json_object_put(v);
    vm_error_reset();
    vm_test_compare_golden(actual, out_rel);
}

static void test_replies(void **state)
{
    static const char *const names[] = {"login-ok", "login-failure", "types", "host-records",
                                        "fault", "odd-types", "deep", "doctype", "truncated",
                                        "no-status", "int-overflow"};
    (void)state;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        reply_golden(names[i]);
}

static void test_request(void **state)
{
    json_object *p = json_object_new_array(), *rec = json_object_new_object();
    char *xml;

    (void)state;
    json_object_array_add(p, json_object_new_string("OpaqueRef:s"));
    json_object_object_add(rec, "name_label", json_object_new_string("a<b>&'c\""));
    json_object_object_add(rec, "memory_static_max", json_object_new_int64(5497558138880LL));
    json_object_object_add(rec, "is_a_template", json_object_new_boolean(0));
    json_object_object_add(rec, "timeout", json_object_new_double(2.5));
    json_object_object_add(rec, "other_config", json_object_new_object());
    json_object_object_add(rec, "set", json_object_new_array());
    json_object_array_add(p, rec);
    xml = xen_xmlrpc_call("VM.create", p);
    vm_test_compare_golden(xml, "xenapi/vm-create.request");
    free(xml);
    json_object_put(p);

    /* a control character cannot travel in XML 1.0: refused, not sent */
    p = json_object_new_array();
    json_object_array_add(p, json_object_new_string("bad\x01name"));
    assert_null(xen_xmlrpc_call("VM.get_by_name_label", p));
    assert_int_equal(vm_error_code(), VM_ERR_INVALID_ARG);
    json_object_put(p);
    vm_error_reset();
}

static void test_rrd(void **state)
{
    VM_AUTOFREE char *path = vm_test_srcpath("tests/data/xenapi/sim-export.xport");
    VM_AUTOFREE char *text = vm_test_read_file(path);
    struct xen_rrd *rrd = xen_rrd_parse(text, strlen(text));
    const struct xen_rrd_entry *e;
    struct vm_buf b = VM_BUF_INIT;
    size_t n;

    (void)state;
    assert_non_null(rrd);
    assert_int_equal(rrd->step, 5);
    /* every entry: the newest row is NaN, so each value is the next row's */
    for (size_t i = 0; i < rrd->n; i++)
        vm_buf_addf(&b, "%s %s %s %g\n", rrd->e[i].host ? "host" : "vm", rrd->e[i].uuid,
                    rrd->e[i].source, rrd->e[i].value);
    vm_test_compare_golden(vm_buf_str(&b), "xenapi/sim-export.out");
    vm_buf_clear(&b);
    n = xen_rrd_find(rrd, false, "00000000-0000-4000-8000-000000000007", &e);
    assert_true(n >= 2);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(e[i].uuid, "00000000-0000-4000-8000-000000000007");
    assert_int_equal(xen_rrd_find(rrd, false, "no-such-vm", &e), 0);
    xen_rrd_free(rrd);

    /* a row shorter than the legend is refused, naming it */
    path = (free(path), vm_test_srcpath("tests/data/xenapi/missing-value.xport"));
    free(text);
    text = vm_test_read_file(path);
    assert_null(xen_rrd_parse(text, strlen(text)));
    assert_int_equal(vm_error_code(), VM_ERR_PROTOCOL);
    assert_non_null(strstr(vm_error_message(), "fewer values than the legend"));
    vm_error_reset();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_replies),
        cmocka_unit_test(test_request),
        cmocka_unit_test(test_rrd),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
