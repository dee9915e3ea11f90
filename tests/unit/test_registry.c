/*
 * test_registry.c: the path of a call from the public API through the
 * registry to a driver, with fake drivers: declined / error / success on
 * open, argument checks, read-only refusal and not-supported members.
 */
#include "config.h"

#include <string.h>

#include "testutil.h"
#include "util/vm_error.h"
#include "vm_driver.h"
#include "vm_registry_priv.h"

static int opened_by_b;
static int closed;
static int suspended;

static enum vm_drv_open_result open_a(struct vm_connect *conn, const struct vm_uri *uri,
                                      unsigned int flags)
{
    return strcmp(uri->driver, "fail") == 0 ? (vm_report_error(VM_ERR_AUTH, "a refused"),
                                               VM_DRV_OPEN_ERROR)
                                            : VM_DRV_OPEN_DECLINED;
}

static enum vm_drv_open_result open_b(struct vm_connect *conn, const struct vm_uri *uri,
                                      unsigned int flags)
{
    if (strcmp(uri->driver, "fake") != 0)
        return VM_DRV_OPEN_DECLINED;
    opened_by_b++;
    return VM_DRV_OPEN_SUCCESS;
}

static int close_b(struct vm_connect *conn)
{
    closed++;
    return 0;
}

static struct vm_domain *lookup_b(struct vm_connect *conn, const char *name, unsigned int flags)
{
    static const unsigned char uuid[VM_UUID_BUFLEN] = {1};

    if (strcmp(name, "d") != 0) {
        vm_report_error(VM_ERR_NO_DOMAIN, "no domain with name '%s'", name);
        return NULL;
    }
    return vm_domain_new(conn, name, uuid, 7);
}

static int suspend_b(struct vm_domain *dom, unsigned int flags)
{
    VM_CHECK_FLAGS(flags, 0, -1);
    suspended++;
    return 0;
}

static const struct vm_driver drv_a = {.name = "a", .connect_open = open_a};
static const struct vm_driver drv_b = {
    .name = "fake",
    .hypervisor = "Fake",
    .connect_open = open_b,
    .connect_close = close_b,
    .domain_lookup_by_name = lookup_b,
    .domain_suspend = suspend_b,
};
static const struct vm_driver *const fake_drivers[] = {&drv_a, &drv_b, NULL};

static int setup(void **state)
{
    vm_registry_override(fake_drivers);
    opened_by_b = closed = suspended = 0;
    return 0;
}

static int teardown(void **state)
{
    vm_registry_override(NULL);
    return 0;
}

static void test_open_paths(void **state)
{
    struct vm_connect *conn;

    assert_null(vm_connect_open("nosuch:///x", 0));
    assert_int_equal(vm_error_code(), VM_ERR_NO_DRIVER);
    assert_string_equal(vm_error_message(), "no driver serves URI 'nosuch:///x'");

    assert_null(vm_connect_open("fail:///x", 0));
    assert_int_equal(vm_error_code(), VM_ERR_AUTH);     /* the driver's own error */
    assert_int_equal(opened_by_b, 0);                  /* and no further driver asked */

    assert_null(vm_connect_open("fake:///x?bogus=1", 0));
    assert_int_equal(vm_error_code(), VM_ERR_INVALID_URI);

    assert_null(vm_connect_open("fake:///x", 0x80));
    assert_int_equal(vm_error_code(), VM_ERR_INVALID_ARG);

    conn = vm_connect_open("fake:///x", 0);
    assert_non_null(conn);
    assert_null(vm_error_last());
    assert_int_equal(opened_by_b, 1);
    assert_string_equal(vm_connect_get_uri(conn), "fake:///x");
    assert_string_equal(vm_connect_get_type(conn), "Fake");
    assert_int_equal(vm_connect_is_read_only(conn), 0);
    assert_int_equal(vm_connect_close(conn), 0);
    assert_int_equal(closed, 1);
}

static void test_wrappers(void **state)
{
    struct vm_connect *conn = vm_connect_open("fake:///x", 0);
    struct vm_domain *dom;
    struct vm_node_info ni;
    char *xml;

    assert_non_null(conn);
    /* a member the driver lacks is not-supported, never a silent success */
    assert_int_equal(vm_node_get_info(conn, &ni, 0), -1);
    assert_int_equal(vm_error_code(), VM_ERR_NOT_SUPPORTED);
    assert_string_equal(vm_error_message(),
                        "operation 'nodeinfo' is not supported by the 'fake' driver");
    /* argument checks happen before the driver is asked */
    assert_null(vm_domain_lookup_by_name(conn, NULL));
    assert_int_equal(vm_error_code(), VM_ERR_INVALID_ARG);
    assert_null(vm_domain_lookup_by_name(NULL, "d"));
    assert_int_equal(vm_error_code(), VM_ERR_INVALID_ARG);

    dom = vm_domain_lookup(conn, "d");
    assert_non_null(dom);
    assert_null(vm_error_last());
    /* a domain handle keeps the connection: closing the caller's reference
     * leaves it open until the handle goes */
    vm_connect_close(conn);
    assert_int_equal(closed, 0);
    assert_int_equal(vm_domain_suspend(dom, 0), 0);
    assert_int_equal(suspended, 1);
    assert_int_equal(vm_domain_suspend(dom, 0x10), -1);
    assert_int_equal(vm_error_code(), VM_ERR_INVALID_ARG);
    /* a later success clears the earlier error */
    assert_int_equal(vm_domain_suspend(dom, 0), 0);
    assert_null(vm_error_last());
    xml = vm_domain_get_xml(dom, 0);
    assert_null(xml);
    assert_int_equal(vm_error_code(), VM_ERR_NOT_SUPPORTED);
    vm_domain_free(dom);
    assert_int_equal(closed, 1);

    assert_null(vm_domain_lookup(conn = vm_connect_open("fake:///x", 0), "nope"));
    assert_int_equal(vm_error_code(), VM_ERR_NO_DOMAIN);
    assert_string_equal(vm_error_message(), "failed to get domain 'nope'");
    vm_connect_close(conn);
}

static void test_read_only(void **state)
{
    struct vm_connect *conn = vm_connect_open("fake:///x", VM_CONNECT_RO);
    struct vm_domain *dom;

    assert_non_null(conn);
    assert_int_equal(vm_connect_is_read_only(conn), 1);
    dom = vm_domain_lookup_by_name(conn, "d");
    assert_non_null(dom);   /* reads work */
    assert_int_equal(vm_domain_suspend(dom, 0), -1);
    assert_int_equal(vm_error_code(), VM_ERR_READ_ONLY);
    assert_string_equal(vm_error_message(),
                        "operation 'suspend' forbidden on a read-only connection");
    assert_int_equal(suspended, 0);
    /* mutating calls are refused even where the driver lacks the member */
    assert_int_equal(vm_domain_destroy(dom, 0), -1);
    assert_int_equal(vm_error_code(), VM_ERR_READ_ONLY);
    vm_domain_free(dom);
    vm_connect_close(conn);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_open_paths, setup, teardown),
    cmocka_unit_test_setup_teardown(test_wrappers, setup, teardown),
    cmocka_unit_test_setup_teardown(test_read_only, setup, teardown),
};

VM_TEST_MAIN(tests)
