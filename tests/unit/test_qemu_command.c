/*
 * test_qemu_command.c: definition -> QEMU argv, golden files.  For every
 * tests/data/qemu-argv/NAME.xml the argv, one argument per line, must equal
 * NAME.args; NAME-invalid.xml must be refused with NAME-invalid.err.
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/domain_conf.h"
#include "qemu/qemu_command.h"
#include "testutil.h"
#include "util/vm_alloc.h"
#include "util/vm_buf.h"
#include "util/vm_error.h"

static void one_case(const char *dir, const char *file)
{
    char *path = vm_asprintf("%s/%s", dir, file);
    char *xml = vm_test_read_file(path);
    char *base = vm_strndup(file, strlen(file) - 4);
    struct vm_domain_def *def;
    struct qemu_paths paths = {"/run/virtmon/qemu/guest.qmp", "/run/virtmon/qemu/guest.pid",
                               NULL};
    char **argv;
    bool invalid = strstr(base, "-invalid") != NULL;

    if (!xml)
        fail_msg("cannot read %s", path);
    if (!(def = vm_domain_def_parse_string(xml, 0)))
        fail_msg("%s refused by the XML reader: %s", file, vm_error_message());
    argv = qemu_build_argv(def, &paths);
    if (invalid) {
        char *golden = vm_asprintf("qemu-argv/%s.err", base);
        char *msg = vm_asprintf("%s\n", vm_error_message());
        if (argv)
            fail_msg("%s was accepted", file);
        vm_test_compare_golden(msg, golden);
        free(msg);
        free(golden);
    } else {
        struct vm_buf b = VM_BUF_INIT;
        char *golden = vm_asprintf("qemu-argv/%s.args", base);
        if (!argv)
            fail_msg("%s: %s", file, vm_error_message());
        for (size_t i = 0; argv[i]; i++)
            vm_buf_addf(&b, "%s\n", argv[i]);
        vm_test_compare_golden(vm_buf_str(&b), golden);
        vm_buf_clear(&b);
        free(golden);
    }
    qemu_argv_free(argv);
    vm_domain_def_free(def);
    free(base);
    free(xml);
    free(path);
}

static void test_golden(void **state)
{
    char *dir = vm_test_srcpath("tests/data/qemu-argv");
    struct dirent **names;
    int n = scandir(dir, &names, NULL, alphasort);
    int cases = 0;

    assert_true(n > 0);
    for (int i = 0; i < n; i++) {
        size_t len = strlen(names[i]->d_name);
        if (len > 4 && strcmp(names[i]->d_name + len - 4, ".xml") == 0) {
            one_case(dir, names[i]->d_name);
            cases++;
        }
        free(names[i]);
    }
    free(names);
    free(dir);
    assert_true(cases >= 8);
}

static void test_restore(void **state)
{
    struct vm_domain_def *def = vm_domain_def_parse_string(
        "<domain type='qemu'><name>r</name><memory>65536</memory>"
        "<os><type arch='x86_64'>hvm</type></os></domain>",
        0);
    struct qemu_paths paths = {"/q", "/p", "/var/lib/virtmon/qemu/r.save"};
    char **argv = qemu_build_argv(def, &paths);
    bool incoming = false;

    assert_non_null(argv);
    for (size_t i = 0; argv[i] && argv[i + 1]; i++)
        incoming = incoming || (strcmp(argv[i], "-incoming") == 0 &&
                                strcmp(argv[i + 1], "defer") == 0);
    assert_true(incoming);
    assert_string_equal(argv[0], "qemu-system-x86_64");
    qemu_argv_free(argv);
    vm_domain_def_free(def);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_golden),
    cmocka_unit_test(test_restore),
};

VM_TEST_MAIN(tests)
