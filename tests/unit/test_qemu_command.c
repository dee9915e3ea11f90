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
#include <json-c/json.h>
#include "util/vm_alloc.h"
#include "util/vm_buf.h"
#include "util/vm_error.h"

/* dir/file's argv against OUT/NAME.args, or its refusal against
 * OUT/NAME.err: for a file named NAME-invalid.xml, or any of the corpus
 * (by_result: what it gives decides which golden it must equal). */
static void one_case(const char *dir, const char *file, const char *out, bool by_result)
{
    static const int taps[4] = {20, 21, 22, 23};  /* what a starter would pass */
    char *path = vm_asprintf("%s/%s", dir, file);
    char *xml = vm_test_read_file(path);
    char *base = vm_strndup(file, strlen(file) - 4);
    struct vm_domain_def *def;
    struct qemu_paths paths = {"/run/virtmon/qemu/guest.qmp", "/run/virtmon/qemu/guest.pid",
                               NULL, "/run/virtmon/qemu/5c2a9a94-3a5c-4b77-9f1e-0d9d2b8d1c01",
                               5901, "/usr/share/OVMF/OVMF_CODE_4M.fd",
                               "/var/lib/virtmon/qemu/guest_VARS.fd", false,
                               "/run/virtmon/qemu/5c2a9a94-3a5c-4b77-9f1e-0d9d2b8d1c01.tpm", taps,
                               4, false};
    char **argv;
    bool invalid = strstr(base, "-invalid") != NULL;

    if (!xml)
        fail_msg("cannot read %s", path);
    if (!(def = vm_domain_def_parse_string(xml, 0)))
        fail_msg("%s refused by the XML reader: %s", file, vm_error_message());
    argv = qemu_build_argv(def, &paths);
    if (by_result)
        invalid = argv == NULL;
    if (invalid) {
        char *golden = vm_asprintf("%s/%s.err", out, base);
        char *msg = vm_asprintf("%s\n", vm_error_message());
        if (argv)
            fail_msg("%s was accepted", file);
        vm_test_compare_golden(msg, golden);
        free(msg);
        free(golden);
    } else {
        struct vm_buf b = VM_BUF_INIT;
        char *golden = vm_asprintf("%s/%s.args", out, base);
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

/* Every NAME.xml of dir (not of libvirt's test driver) through one_case(). */
static int golden_dir(const char *sub, const char *out, bool by_result)
{
    char *dir = vm_test_srcpath(sub);
    struct dirent **names;
    int n = scandir(dir, &names, NULL, alphasort);
    int cases = 0;

    assert_true(n > 0);
    for (int i = 0; i < n; i++) {
        size_t len = strlen(names[i]->d_name);
        if (len > 4 && strcmp(names[i]->d_name + len - 4, ".xml") == 0) {
            char *path = vm_asprintf("%s/%s", dir, names[i]->d_name);
            char *xml = vm_test_read_file(path);
            if (!xml)
                fail_msg("cannot read %s", path);
            if (!strstr(xml, "<domain type=\"test\"") && !strstr(xml, "<domain type='test'")) {
                one_case(dir, names[i]->d_name, out, by_result);
                cases++;
            }
            free(xml);
            free(path);
        }
        free(names[i]);
    }
    free(names);
    free(dir);
    return cases;
}

static void test_golden(void **state)
{
    assert_true(golden_dir("tests/data/qemu-argv", "qemu-argv", false) >= 8);
}

/* What virt-install writes (tests/data/virt-install), each to its argv, or
 * to the error that names what the QEMU driver does not apply yet. */
static void test_virt_install(void **state)
{
    assert_true(golden_dir("tests/data/virt-install", "qemu-argv/virt-install", true) >= 30);
}

static void test_restore(void **state)
{
    struct vm_domain_def *def = vm_domain_def_parse_string(
        "<domain type='qemu'><name>r</name><memory>65536</memory>"
        "<os><type arch='x86_64'>hvm</type></os></domain>",
        0);
    struct qemu_paths paths = {"/q", "/p", "/var/lib/virtmon/qemu/r.save", "/c", 0, NULL, NULL, false, NULL, NULL, 0, false};
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
 * comma inside a value; a JSON value is one object) and fails if any part
 * is the key "inject". */
static void assert_no_injection(const char *opt, const char *value)
{
    struct vm_buf part = VM_BUF_INIT;

    if (value[0] == '{') {
        json_object *o = json_tokener_parse(value), *v;
        if (!o || !json_object_is_type(o, json_type_object))
            fail_msg("%s %s: not a JSON object", opt, value);
        if (json_object_object_get_ex(o, "inject", &v))
            fail_msg("%s %s: a value started a key of its own", opt, value);
        json_object_put(o);
        return;
    }
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

/* Every string from a definition or a path that the argv builder writes
 * into an option value holds ",inject=1" (or a quote, for JSON): none may
 * end its option and start another. */
static void test_commas_everywhere(void **state)
{
    struct vm_domain_def *def = vm_domain_def_parse_string(
        "<domain type='qemu'><name>x,inject=1\"</name><memory>65536</memory>"
        "<os><type arch='x86_64' machine='pc'>hvm</type></os><devices>"
        "<disk type='file'><driver name='qemu' type='raw' cache='none'/>"
        "<source file='/a,inject=1\"'/><target dev='vda' bus='virtio'/></disk>"
        "<disk type='file'><source file='/b,inject=1'/><target dev='hdc' bus='ide'/></disk>"
        "<interface type='ethernet'><target dev='tap0'/><model type='e1000'/></interface>"
        "<serial type='file'><source path='/log,inject=1'/></serial>"
        "<channel type='unix'><source mode='bind' path='/ch,inject=1'/>"
        "<target type='virtio' name='org.qemu.guest_agent.0'/></channel>"
        "<channel type='unix'><target type='virtio' name='x'/></channel>"
        "<rng model='virtio'><backend model='random'>/dev/r,inject=1</backend></rng>"
        "<rng model='virtio'><backend model='egd' type='unix'>"
        "<source mode='connect' path='/egd,inject=1'/></backend></rng>"
        "<graphics type='vnc' autoport='yes'/>"
        "</devices></domain>",
        0);
    struct qemu_paths paths = {"/run/a,inject=1/q.qmp", "/run/a,inject=1/q.pid", NULL,
                               "/run/a,inject=1/uuid", 0, NULL, NULL, false, NULL, NULL, 0, false};
    char **argv;
    int checked = 0;

    assert_non_null(def);
    if (!(argv = qemu_build_argv(def, &paths)))
        fail_msg("%s", vm_error_message());
    for (size_t i = 1; argv[i]; i++) {
        static const char *const parsed[] = {"-name",    "-machine", "-blockdev", "-netdev",
                                             "-device",  "-vnc",     "-qmp",      "-chardev",
                                             "-object"};
        for (size_t k = 0; k < sizeof(parsed) / sizeof(*parsed); k++) {
            if (strcmp(argv[i], parsed[k]) == 0 && argv[i + 1]) {
                assert_no_injection(argv[i], argv[i + 1]);
                checked++;
            }
        }
    }
    /* -name, -machine, 4 -blockdev, -netdev, 2 -device disks, NIC, serial,
     * virtio-serial, 2 ports, 2 rng objects and devices, VGA, balloon, 3
     * -chardev, -vnc, -qmp */
    assert_true(checked >= 24);
    for (size_t i = 1; argv[i]; i++) {
        if (strcmp(argv[i], "-name") == 0)
            assert_string_equal(argv[i + 1], "guest=x,,inject=1\",debug-threads=on");
    }
    qemu_argv_free(argv);
    vm_domain_def_free(def);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_golden),
    cmocka_unit_test(test_virt_install),
    cmocka_unit_test(test_restore),
    cmocka_unit_test(test_commas_everywhere),
};

VM_TEST_MAIN(tests)
