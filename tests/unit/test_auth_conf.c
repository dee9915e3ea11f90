/*
 * test_auth_conf.c: auth.conf (libvirt's format): lookups by
 * service and host, the permission check, and secrets kept out of every
 * message.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "util/vm_alloc.h"
#include "util/vm_auth.h"
#include "util/vm_error.h"

#define SECRET "s3cr3t-T3st-pw"

static const char sample[] =
    "# who logs in where\n"
    "[credentials-xenadmin]\n"
    "username = root\n"
    "password=" SECRET "\n"
    "\n"
    "[credentials-other]\n"
    "username=operator\n"
    "password=other-pw\n"
    "realm=example.com\n"
    "\n"
    "[auth-xenapi-xen1.example.com]\n"
    "credentials=xenadmin\n"
    "[auth-xenapi-xen2.example.com]\n"
    "credentials=other\n"
    "[auth-virtmon-localhost]\n"
    "credentials=other\n";

static void test_lookup(void **state)
{
    struct vm_auth_conf *conf = vm_auth_conf_parse(sample, sizeof(sample) - 1, "t.conf");

    assert_non_null(conf);
    assert_string_equal(vm_auth_conf_lookup(conf, "xenapi", "xen1.example.com", "username"),
                        "root");
    assert_string_equal(vm_auth_conf_lookup(conf, "xenapi", "xen1.example.com", "password"),
                        SECRET);
    assert_string_equal(vm_auth_conf_lookup(conf, "xenapi", "xen2.example.com", "username"),
                        "operator");
    assert_string_equal(vm_auth_conf_lookup(conf, "xenapi", "xen2.example.com", "realm"),
                        "example.com");
    /* another service, another host, a missing key: nothing */
    assert_null(vm_auth_conf_lookup(conf, "libvirt", "xen1.example.com", "username"));
    assert_null(vm_auth_conf_lookup(conf, "xenapi", "xen3.example.com", "username"));
    assert_null(vm_auth_conf_lookup(conf, "xenapi", "xen1.example.com", "realm"));
    /* a UNIX socket's host is localhost */
    assert_string_equal(vm_auth_conf_lookup(conf, "virtmon", NULL, "username"), "operator");
    vm_auth_conf_free(conf);
}

static void test_malformed_hides_secrets(void **state)
{
    static const char *const bad[] = {
        "password=" SECRET "\n",                            /* before any group */
        "[credentials-a]\n" SECRET "\n",                     /* no '=' */
        "[credentials-a]\nsecret=" SECRET "\n",              /* unknown key */
        "[nonsense]\nusername=x\n",                          /* unknown group */
        "[credentials-a\npassword=" SECRET "\n",             /* unclosed group */
    };

    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        struct vm_auth_conf *conf = vm_auth_conf_parse(bad[i], strlen(bad[i]), "bad.conf");
        if (conf)
            fail_msg("case %zu was accepted", i);
        assert_int_equal(vm_error_code(), VM_ERR_CONFIG);
        assert_non_null(strstr(vm_error_message(), "bad.conf:"));
        if (strstr(vm_error_message(), SECRET))
            fail_msg("case %zu: the error shows the secret: %s", i, vm_error_message());
    }
}

static char *write_conf(const char *text, mode_t mode)
{
    const char *tmp = getenv("TMPDIR");
    char *path = vm_asprintf("%s/virtmon-auth-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    int fd = mkstemp(path);

    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    assert_int_equal(chmod(path, mode), 0);
    return path;
}

static void test_permissions(void **state)
{
    char *path = write_conf(sample, 0644);
    struct vm_auth_conf *conf = vm_auth_conf_read(path);

    /* readable by others: its secrets are not secret */
    assert_null(conf);
    assert_int_equal(vm_error_code(), VM_ERR_AUTH);
    assert_non_null(strstr(vm_error_message(), "(mode 0644)"));
    assert_non_null(strstr(vm_error_message(), path));
    assert_null(strstr(vm_error_message(), SECRET));
    assert_int_equal(chmod(path, 0640), 0);
    assert_null(vm_auth_conf_read(path));
    assert_int_equal(chmod(path, 0600), 0);
    assert_non_null(conf = vm_auth_conf_read(path));
    vm_auth_conf_free(conf);
    assert_int_equal(chmod(path, 0400), 0);
    assert_non_null(conf = vm_auth_conf_read(path));
    vm_auth_conf_free(conf);
    unlink(path);
    /* a missing file is an empty one */
    assert_non_null(conf = vm_auth_conf_read(path));
    assert_null(vm_auth_conf_lookup(conf, "xenapi", "xen1.example.com", "username"));
    vm_auth_conf_free(conf);
    free(path);
}

static int answers;

static int answer(struct vm_credential *creds, size_t n, void *opaque)
{
    answers++;
    for (size_t i = 0; i < n; i++)
        creds[i].result = vm_strdup(creds[i].type == VM_CRED_USERNAME ? "typed-user" : "typed-pw");
    return 0;
}

static void test_get(void **state)
{
    char *path = write_conf(sample, 0600);
    struct vm_connect_auth ask = {answer, NULL};
    char *v;

    /* auth.conf first: the callback is not asked */
    answers = 0;
    v = vm_auth_get(&ask, path, "xenapi", "xen1.example.com", VM_CRED_USERNAME, "User", NULL);
    assert_string_equal(v, "root");
    free(v);
    v = vm_auth_get(&ask, path, "xenapi", "xen1.example.com", VM_CRED_PASSPHRASE, "Pw", NULL);
    assert_string_equal(v, SECRET);
    vm_auth_secret_free(v);
    assert_int_equal(answers, 0);
    /* then the callback */
    v = vm_auth_get(&ask, path, "xenapi", "xen9", VM_CRED_PASSPHRASE, "Pw", NULL);
    assert_string_equal(v, "typed-pw");
    vm_auth_secret_free(v);
    assert_int_equal(answers, 1);
    /* neither: an auth error that says where it looked */
    assert_null(vm_auth_get(NULL, path, "xenapi", "xen9", VM_CRED_PASSPHRASE, "Pw", NULL));
    assert_int_equal(vm_error_code(), VM_ERR_AUTH);
    assert_non_null(strstr(vm_error_message(), "[auth-xenapi-xen9]"));
    assert_non_null(strstr(vm_error_message(), path));
    unlink(path);
    free(path);
}

static void test_path(void **state)
{
    char *p;

    unsetenv("VIRTMON_AUTH_FILE");
    setenv("VIRTMON_CONFIG_DIR", "/tmp/virtmon-cfg", 1);
    p = vm_auth_conf_path(NULL);
    assert_string_equal(p, "/tmp/virtmon-cfg/auth.conf");
    free(p);
    p = vm_auth_conf_path("/etc/a.conf");   /* ?authfile= */
    assert_string_equal(p, "/etc/a.conf");
    free(p);
    setenv("VIRTMON_AUTH_FILE", "/etc/b.conf", 1);   /* wins over both */
    p = vm_auth_conf_path("/etc/a.conf");
    assert_string_equal(p, "/etc/b.conf");
    free(p);
    unsetenv("VIRTMON_AUTH_FILE");
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_lookup),
    cmocka_unit_test(test_malformed_hides_secrets),
    cmocka_unit_test(test_permissions),
    cmocka_unit_test(test_get),
    cmocka_unit_test(test_path),
};

VM_TEST_MAIN(tests)
