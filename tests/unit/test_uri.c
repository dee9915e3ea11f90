/*
 * test_uri.c: every URI form virtmon takes, good and malformed (each with the
 * precise error), and the default-URI chain.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "util/vm_alloc.h"
#include "util/vm_error.h"
#include "util/vm_uri.h"

static const struct {
    const char *in;
    const char *driver, *transport, *user, *host;
    int port;
    const char *path;
    unsigned int params;
    const char *canonical;
} good[] = {
    {"test:///default", "test", NULL, NULL, NULL, -1, "/default", 0, "test:///default"},
    {"test:///abs/path.xml", "test", NULL, NULL, NULL, -1, "/abs/path.xml", 0, NULL},
    {"qemu:///system", "qemu", NULL, NULL, NULL, -1, "/system", 0, NULL},
    {"qemu:///session", "qemu", NULL, NULL, NULL, -1, "/session", 0, NULL},
    {"xenapi://root@xen1.example.com/", "xenapi", NULL, "root", "xen1.example.com", -1, "/", 0,
     NULL},
    {"xenapi://xen1:8443/?no_verify=1", "xenapi", NULL, NULL, "xen1", 8443, "/",
     VM_URI_PARAM_NO_VERIFY, NULL},
    {"xenapi://[::1]:443/", "xenapi", NULL, NULL, "::1", 443, "/", 0, NULL},
    {"qemu+unix:///system?socket=/run/x/virtmond-sock", "qemu", "unix", NULL, NULL, -1,
     "/system", VM_URI_PARAM_SOCKET, NULL},
    {"qemu+tls://host.example:16516/system?pki=/etc/pki&authfile=/root/auth.conf", "qemu",
     "tls", NULL, "host.example", 16516, "/system", VM_URI_PARAM_PKI | VM_URI_PARAM_AUTHFILE,
     NULL},
    {"test+ssh://admin@10.0.0.1:2222/default", "test", "ssh", "admin", "10.0.0.1", 2222,
     "/default", 0, NULL},
    {"qemu+tls://h/", "qemu", "tls", NULL, "h", -1, "/", 0, NULL},
    {"qemu+unix:///", "qemu", "unix", NULL, NULL, -1, "/", 0, NULL},
    {"test:///a%20b.xml", "test", NULL, NULL, NULL, -1, "/a b.xml", 0, "test:///a%20b.xml"},
    {"xenapi://h/?authfile=/x&no_verify=0&pki=/p", "xenapi", NULL, NULL, "h", -1, "/",
     VM_URI_PARAM_AUTHFILE | VM_URI_PARAM_NO_VERIFY | VM_URI_PARAM_PKI,
     "xenapi://h/?no_verify=0&pki=/p&authfile=/x"},
};

static void test_uri_good(void **state)
{
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        struct vm_uri *uri = vm_uri_parse(good[i].in);
        char *text;

        if (!uri)
            fail_msg("'%s' refused: %s", good[i].in, vm_error_message());
        assert_string_equal(uri->driver, good[i].driver);
        if (good[i].transport)
            assert_string_equal(uri->transport, good[i].transport);
        else
            assert_null(uri->transport);
        if (good[i].user)
            assert_string_equal(uri->user, good[i].user);
        else
            assert_null(uri->user);
        if (good[i].host)
            assert_string_equal(uri->host, good[i].host);
        else
            assert_null(uri->host);
        assert_int_equal(uri->port, good[i].port);
        assert_string_equal(uri->path, good[i].path);
        assert_int_equal(uri->params, good[i].params);
        text = vm_uri_format(uri);
        assert_string_equal(text, good[i].canonical ? good[i].canonical : good[i].in);
        free(text);
        vm_uri_free(uri);
    }
}

static void test_uri_params(void **state)
{
    struct vm_uri *uri = vm_uri_parse("xenapi://h/?no_verify=1&pki=/etc/p%20k&authfile=/a");

    assert_non_null(uri);
    assert_true(uri->no_verify);
    assert_string_equal(uri->pki, "/etc/p k");
    assert_string_equal(uri->authfile, "/a");
    assert_null(uri->socket);
    assert_int_equal(vm_uri_check_params(uri, VM_URI_PARAM_NO_VERIFY | VM_URI_PARAM_PKI |
                                                  VM_URI_PARAM_AUTHFILE),
                     0);
    assert_int_equal(vm_uri_check_params(uri, VM_URI_PARAM_PKI), -1);
    assert_string_equal(vm_error_message(),
                        "URI parameter 'no_verify' does not apply to 'xenapi' URIs");
    vm_uri_free(uri);
}

static const struct {
    const char *in;
    const char *error;
} bad[] = {
    {"", "empty URI (expected e.g. 'qemu:///system' or 'test:///default')"},
    {"qemu+tls//x",
     "malformed URI 'qemu+tls//x': no ':' after the scheme (expected e.g. 'qemu:///system')"},
    {"test:///a?bogus=1",
     "malformed URI 'test:///a?bogus=1': unknown parameter 'bogus' (expected no_verify, pki, "
     "socket or authfile)"},
    {"://x", "malformed URI '://x': empty scheme before ':'"},
    {"qemu:/system", "malformed URI 'qemu:/system': expected '//' after 'qemu:'"},
    {"qemu:system", "malformed URI 'qemu:system': expected '//' after 'qemu:'"},
    {"Qemu:///system", "malformed URI 'Qemu:///system': invalid character 'Q' in the scheme"},
    {"1qemu:///system", "malformed URI '1qemu:///system': invalid character '1' in the scheme"},
    {"qemu+foo://h/",
     "malformed URI 'qemu+foo://h/': unknown transport 'foo' (expected unix, tls or ssh)"},
    {"+tls://h/", "malformed URI '+tls://h/': invalid character '+' in the scheme"},
    {"qemu+://h/", "malformed URI 'qemu+://h/': unknown transport '' (expected unix, tls or ssh)"},
    {"xenapi://h:0/", "malformed URI 'xenapi://h:0/': invalid port '0' (expected 1 to 65535)"},
    {"xenapi://h:65536/",
     "malformed URI 'xenapi://h:65536/': invalid port '65536' (expected 1 to 65535)"},
    {"xenapi://h:x/", "malformed URI 'xenapi://h:x/': invalid port 'x' (expected 1 to 65535)"},
    {"xenapi://h:/", "malformed URI 'xenapi://h:/': invalid port '' (expected 1 to 65535)"},
    {"xenapi://:443/", "malformed URI 'xenapi://:443/': a port without a host"},
    {"xenapi://u:pw@h/",
     "malformed URI 'xenapi://u:***@h/': passwords do not belong in URIs (use auth.conf)"},
    {"xen api://u:pw@h/", "malformed URI 'xen api://u:***@h/': invalid character ' ' in the "
                          "scheme"},
    {"xenapi://@h/", "malformed URI 'xenapi://@h/': empty user name before '@'"},
    {"xenapi://u@/", "malformed URI 'xenapi://u@/': a user name without a host"},
    {"xenapi://h!/", "malformed URI 'xenapi://h!/': invalid character '!' in the host name"},
    {"xenapi://[::1/", "malformed URI 'xenapi://[::1/': '[' without ']' in the host"},
    {"xenapi://[zz]/", "malformed URI 'xenapi://[zz]/': invalid IPv6 address in the host"},
    {"xenapi://[]/", "malformed URI 'xenapi://[]/': empty IPv6 address"},
    {"xenapi://[::1]x/", "malformed URI 'xenapi://[::1]x/': unexpected text after ']'"},
    {"test:///default#frag", "malformed URI 'test:///default#frag': fragments ('#') are not allowed"},
    {"test:///a b", "malformed URI 'test:///a b': the path contains a space or a non-ASCII "
                    "character (percent-encode it)"},
    {"test:///a%2", "malformed URI 'test:///a%2': bad percent escape in the path"},
    {"test:///a%zz", "malformed URI 'test:///a%zz': bad percent escape in the path"},
    {"test:///a%00", "malformed URI 'test:///a%00': bad percent escape in the path"},
    {"test:///default?", "malformed URI 'test:///default?': empty query after '?'"},
    {"test:///d?pki", "malformed URI 'test:///d?pki': parameter 'pki' has no value (expected "
                      "pki=VALUE)"},
    {"test:///d?pki=", "malformed URI 'test:///d?pki=': parameter 'pki' is empty"},
    {"test:///d?pki=a&pki=b", "malformed URI 'test:///d?pki=a&pki=b': parameter 'pki' given twice"},
    {"test:///d?pki=a&&socket=b", "malformed URI 'test:///d?pki=a&&socket=b': empty query parameter"},
    {"test:///d?pki=a&", "malformed URI 'test:///d?pki=a&': empty query parameter"},
    {"xenapi://h/?no_verify=yes",
     "malformed URI 'xenapi://h/?no_verify=yes': no_verify must be 0 or 1, not 'yes'"},
};

static void test_uri_bad(void **state)
{
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct vm_uri *uri = vm_uri_parse(bad[i].in);
        if (uri)
            fail_msg("'%s' was accepted", bad[i].in);
        assert_int_equal(vm_error_code(), VM_ERR_INVALID_URI);
        assert_string_equal(vm_error_message(), bad[i].error);
    }
}

static void test_uri_default_chain(void **state)
{
    char *dir = vm_test_mkdtemp();
    char *conf = vm_asprintf("%s/virtmon.conf", dir);
    char *uri;
    FILE *f;

    setenv("VIRTMON_CONFIG_DIR", dir, 1);
    unsetenv("VIRTMON_DEFAULT_URI");

    /* nothing configured: root gets qemu:///system, others qemu:///session */
    uri = vm_uri_default();
    assert_string_equal(uri, geteuid() == 0 ? "qemu:///system" : "qemu:///session");
    free(uri);

    /* virtmon.conf's uri_default */
    f = fopen(conf, "w");
    assert_non_null(f);
    fputs("# the default\nuri_default = \"test:///default\"\n", f);
    fclose(f);
    uri = vm_uri_default();
    assert_string_equal(uri, "test:///default");
    free(uri);

    /* the environment wins over the file */
    setenv("VIRTMON_DEFAULT_URI", "xenapi://h/", 1);
    uri = vm_uri_default();
    assert_string_equal(uri, "xenapi://h/");
    free(uri);
    unsetenv("VIRTMON_DEFAULT_URI");

    /* a broken file is an error naming file and line, not a silent default */
    f = fopen(conf, "w");
    assert_non_null(f);
    fputs("uri_default = 5\n", f);
    fclose(f);
    assert_null(vm_uri_default());
    assert_int_equal(vm_error_code(), VM_ERR_CONFIG);
    assert_non_null(strstr(vm_error_message(), "virtmon.conf:1: 'uri_default' must be"));

    unsetenv("VIRTMON_CONFIG_DIR");
    vm_test_rmtree(dir);
    free(conf);
    free(dir);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_uri_good),
    cmocka_unit_test(test_uri_params),
    cmocka_unit_test(test_uri_bad),
    cmocka_unit_test(test_uri_default_chain),
};

VM_TEST_MAIN(tests)
