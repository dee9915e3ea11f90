/*
 * test_conf_file.c: the libvirt-style configuration file parser.
 */
#include "config.h"

#include <string.h>

#include "testutil.h"
#include "util/vm_conf_file.h"
#include "util/vm_error.h"

static void test_conf_good(void **state)
{
    static const char text[] =
        "# comment\n"
        "uri_default = \"test:///default\"   # trailing comment\n"
        "\n"
        "max_clients=20\n"
        "neg = -3\n"
        "quoted = 'single'\n"
        "escaped = \"a\\\"b\"\n"
        "tls_allowed_dn_list = [ \"CN=a\",\n"
        "    \"CN=b\", # comment inside\n"
        "]\n"
        "empty = []\n"
        "max_clients = 30\n";
    struct vm_conf *conf = vm_conf_parse(text, sizeof(text) - 1, "t.conf");
    const char *s = NULL;
    long long n = 0;
    char **list = NULL;
    size_t nlist = 0;
    static const char *const known[] = {"uri_default", "max_clients", "neg", "quoted",
                                        "escaped", "tls_allowed_dn_list", "empty", NULL};
    static const char *const few[] = {"uri_default", NULL};

    assert_non_null(conf);
    assert_int_equal(vm_conf_get_string(conf, "uri_default", &s), 1);
    assert_string_equal(s, "test:///default");
    assert_int_equal(vm_conf_get_int(conf, "max_clients", &n), 1);
    assert_int_equal(n, 30); /* the last one wins */
    assert_int_equal(vm_conf_get_int(conf, "neg", &n), 1);
    assert_int_equal(n, -3);
    assert_int_equal(vm_conf_get_string(conf, "quoted", &s), 1);
    assert_string_equal(s, "single");
    assert_int_equal(vm_conf_get_string(conf, "escaped", &s), 1);
    assert_string_equal(s, "a\"b");
    assert_int_equal(vm_conf_get_list(conf, "tls_allowed_dn_list", &list, &nlist), 1);
    assert_int_equal(nlist, 2);
    assert_string_equal(list[0], "CN=a");
    assert_string_equal(list[1], "CN=b");
    assert_int_equal(vm_conf_get_list(conf, "empty", &list, &nlist), 1);
    assert_int_equal(nlist, 0);
    assert_int_equal(vm_conf_get_string(conf, "absent", &s), 0);
    assert_int_equal(vm_conf_get_string(conf, "max_clients", &s), -1);
    assert_string_equal(vm_error_message(), "t.conf:12: 'max_clients' must be a quoted string");
    assert_int_equal(vm_conf_check_keys(conf, known), 0);
    assert_int_equal(vm_conf_check_keys(conf, few), -1);
    assert_string_equal(vm_error_message(), "t.conf:4: unknown setting 'max_clients'");
    vm_conf_free(conf);
}

static const struct {
    const char *text;
    const char *error;
} bad[] = {
    {"a = \"unterminated\n", "b.conf:1: unterminated string"},
    {"a = 1 2\n", "b.conf:1: unexpected text after the value"},
    {"a 1\n", "b.conf:1: expected '=' after 'a'"},
    {"\n\n= 1\n", "b.conf:3: expected a setting name"},
    {"a = yes\n", "b.conf:1: expected a quoted string, an integer or a list"},
    {"a = [ 1 ]\n", "b.conf:1: expected a quoted string or ']' in a list"},
    {"a = [ \"x\" \"y\" ]\n", "b.conf:1: expected ',' or ']' after a list item"},
    {"a = [ \"x\",\n", "b.conf:2: expected a quoted string or ']' in a list"},
    {"a = -\n", "b.conf:1: invalid integer"},
    {"a = 99999999999999999999\n", "b.conf:1: invalid integer"},
};

static void test_conf_bad(void **state)
{
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct vm_conf *conf = vm_conf_parse(bad[i].text, strlen(bad[i].text), "b.conf");
        if (conf)
            fail_msg("accepted: %s", bad[i].text);
        assert_int_equal(vm_error_code(), VM_ERR_CONFIG);
        assert_string_equal(vm_error_message(), bad[i].error);
    }
}

static void test_conf_missing_file(void **state)
{
    struct vm_conf *conf = vm_conf_read_file("/nonexistent/virtmon.conf", true);

    assert_non_null(conf);
    assert_int_equal(conf->nentries, 0);
    vm_conf_free(conf);
    assert_null(vm_conf_read_file("/nonexistent/virtmon.conf", false));
    assert_int_equal(vm_error_code(), VM_ERR_SYSTEM);
    assert_string_equal(vm_error_message(), "cannot read configuration file "
                                            "'/nonexistent/virtmon.conf': No such file or "
                                            "directory");
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_conf_good),
    cmocka_unit_test(test_conf_bad),
    cmocka_unit_test(test_conf_missing_file),
};

VM_TEST_MAIN(tests)
