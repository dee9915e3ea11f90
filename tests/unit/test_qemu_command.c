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

/* Splits one QEMU option value as QEMU's option parser does (",," is a
 * comma inside a value) and fails if any part is the key "inject". */
static void assert_no_injection(const char *opt, const char *value)
{
    struct vm_buf part = VM_BUF_INIT;

    for (const char *p = value;; p++) {
        if (*p == ',' && p[1] == ',') {
            vm_buf_add_char(&part, ',');
            p++;
            continue;
        }
        if (*p == ',' || !*p) {
            const char *text = vm_buf_str(&part);
            if (strncmp(text, "inject=", 7) == 0)
                fail_msg("%s %s: a comma in a value started an option of its own", opt, value);
            vm_buf_clear(&part);
            if (!*p)
                break;
            continue;
        }
        vm_buf_add_char(&part, *p);
    }
}

/* Every string the argv builder writes into an option value, each holding
 * ",inject=1": none may end its option and start another. */
static void test_commas_everywhere(void **state)
{
    const char *evil = "x,inject=1";
    struct vm_domain_def *def = vm_domain_def_parse_string(
        "<domain type='qemu'><name>n</name><memory>65536</memory>"
        "<os><type arch='x86_64' machine='pc'>hvm</type></os><devices>"
        "<disk type='file'><driver name='qemu' type='raw' cache='none'/>"
        "<source file='/a'/><target dev='vda' bus='virtio'/></disk>"
        "<disk type='file'><source file='/b'/><target dev='hdc' bus='ide'/></disk>"
        "<interface type='bridge'><source bridge='br0'/><model type='virtio'/></interface>"
        "<interface type='ethernet'><target dev='tap0'/><model type='e1000'/></interface>"
        "<graphics type='vnc' listen='127.0.0.1' autoport='yes'/>"
        "</devices></domain>",
        0);
    struct qemu_paths paths = {"/run/a,inject=1/q.qmp", "/run/a,inject=1/q.pid", NULL};
    char **argv;
    int checked = 0;

    assert_non_null(def);
#define EVIL(field) (free(field), (field) = vm_strdup(evil))
    EVIL(def->name);
    EVIL(def->os_machine);
    for (size_t i = 0; i < def->ndisks; i++) {
        EVIL(def->disks[i].source);
        EVIL(def->disks[i].driver_type);
        EVIL(def->disks[i].driver_cache);
        EVIL(def->disks[i].target_dev);
    }
    for (size_t i = 0; i < def->nnets; i++) {
        EVIL(def->nets[i].model);
        if (def->nets[i].source)
            EVIL(def->nets[i].source);
        if (def->nets[i].target_dev)
            EVIL(def->nets[i].target_dev);
    }
    EVIL(def->graphics[0].listen);
#undef EVIL
    assert_non_null(argv = qemu_build_argv(def, &paths));
    for (size_t i = 1; argv[i]; i++) {
        static const char *const parsed[] = {"-name", "-machine", "-drive", "-netdev",
                                             "-device", "-vnc", "-qmp", "-chardev"};
        for (size_t k = 0; k < sizeof(parsed) / sizeof(*parsed); k++) {
            if (strcmp(argv[i], parsed[k]) == 0 && argv[i + 1]) {
                assert_no_injection(argv[i], argv[i + 1]);
                checked++;
            }
        }
    }
    /* -name, -machine, 2 -drive, 2 -netdev, 3 -device (2 NICs, VGA) and
     * the balloon, -vnc, -qmp */
    assert_true(checked >= 11);
    for (size_t i = 1; argv[i]; i++) {
        if (strcmp(argv[i], "-name") == 0)
            assert_string_equal(argv[i + 1], "guest=x,,inject=1,debug-threads=on");
    }
    qemu_argv_free(argv);
    vm_domain_def_free(def);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_golden),
    cmocka_unit_test(test_restore),
    cmocka_unit_test(test_commas_everywhere),
};

VM_TEST_MAIN(tests)
