/*
 * test_domain_xml.c: domain XML golden files.  For every
 * tests/data/domain-xml/NAME.xml: parse, format, compare with NAME.out.xml,
 * and check that the formatted text parses back to the same definition.
 * Every NAME-invalid.xml must be refused with the message in NAME-invalid.err.
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/domain_conf.h"
#include "conf/domain_vocab.h"
#include "testutil.h"
#include "util/vm_alloc.h"
#include "util/vm_buf.h"
#include "util/vm_error.h"

static char *slurp(const char *path)
{
    char *text = vm_test_read_file(path);

    if (!text)
        fail_msg("cannot read %s", path);
    return text;
}

static int has_suffix(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

static void one_case(const char *dir, const char *file)
{
    char *path = vm_asprintf("%s/%s", dir, file);
    char *xml = slurp(path);
    char *base = vm_strndup(file, strlen(file) - 4);
    struct vm_domain_def *def = vm_domain_def_parse_string(xml, 0);

    if (has_suffix(base, "-invalid")) {
        char *golden = vm_asprintf("domain-xml/%s.err", base);
        char *msg;
        if (def)
            fail_msg("%s was accepted", file);
        msg = vm_asprintf("%s\n", vm_error_message());
        vm_test_compare_golden(msg, golden);
        free(msg);
        free(golden);
    } else {
        char *golden = vm_asprintf("domain-xml/%s.out.xml", base);
        char *out, *again;
        struct vm_domain_def *def2;
        if (!def)
            fail_msg("%s refused: %s", file, vm_error_message());
        out = vm_domain_def_format(def, 0);
        vm_test_compare_golden(out, golden);
        /* parse -> format -> parse is a fixed point */
        def2 = vm_domain_def_parse_string(out, 0);
        if (!def2)
            fail_msg("formatted %s refused: %s", file, vm_error_message());
        again = vm_domain_def_format(def2, 0);
        assert_string_equal(out, again);
        free(again);
        vm_domain_def_free(def2);
        free(out);
        free(golden);
        vm_domain_def_free(def);
    }
    free(base);
    free(xml);
    free(path);
}

static void test_golden(void **state)
{
    char *dir = vm_test_srcpath("tests/data/domain-xml");
    struct dirent **names;
    int n = scandir(dir, &names, NULL, alphasort);
    int cases = 0;

    assert_true(n > 0);
    for (int i = 0; i < n; i++) {
        const char *f = names[i]->d_name;
        if (has_suffix(f, ".xml") && !has_suffix(f, ".out.xml")) {
            one_case(dir, f);
            cases++;
        }
        free(names[i]);
    }
    free(names);
    free(dir);
    print_message("# %d domain XML cases\n", cases);
    assert_true(cases >= 10);
}

static void test_generated_ids(void **state)
{
    static const char qemu[] =
        "<domain type='qemu'><name>g</name><memory>1024</memory><devices>"
        "<interface type='user'/><interface type='network'><source network='default'/>"
        "</interface></devices></domain>";
    static const char xen[] = "<domain type='xen'><name>x</name><memory>1024</memory>"
                              "<devices><interface type='bridge'><source bridge='b'/>"
                              "</interface></devices></domain>";
    struct vm_domain_def *a = vm_domain_def_parse_string(qemu, 0);
    struct vm_domain_def *b = vm_domain_def_parse_string(qemu, 0);
    struct vm_domain_def *x = vm_domain_def_parse_string(xen, 0);
    static const unsigned char zero[VM_UUID_BUFLEN];

    assert_non_null(a);
    assert_non_null(b);
    assert_non_null(x);
    assert_memory_not_equal(a->uuid, zero, VM_UUID_BUFLEN);
    assert_memory_not_equal(a->uuid, b->uuid, VM_UUID_BUFLEN);   /* random */
    assert_int_equal(a->uuid[6] >> 4, 4);                          /* version 4 */
    assert_int_equal(a->nnets, 2);
    assert_memory_equal(a->nets[0].mac, "\x52\x54\x00", 3);
    assert_memory_equal(a->nets[1].mac, "\x52\x54\x00", 3);
    assert_memory_not_equal(a->nets[0].mac, a->nets[1].mac, 6);
    assert_memory_equal(x->nets[0].mac, "\x00\x16\x3e", 3);
    /* defaults */
    assert_int_equal(a->vcpus, 1);
    assert_true(a->cur_memory_kib == 1024);
    assert_string_equal(a->os_type, "hvm");
    vm_domain_def_free(a);
    vm_domain_def_free(b);
    vm_domain_def_free(x);
}

static void test_copy(void **state)
{
    char *path = vm_test_srcpath("tests/data/domain-xml/kvm-emulator.xml");
    char *xml = slurp(path);
    struct vm_domain_def *def = vm_domain_def_parse_string(xml, 0);
    struct vm_domain_def *copy = vm_domain_def_copy(def);
    char *a = vm_domain_def_format(def, 0), *b;

    vm_domain_def_free(def);   /* the copy owns its own memory */
    b = vm_domain_def_format(copy, 0);
    assert_string_equal(a, b);
    vm_domain_def_free(copy);
    free(a);
    free(b);
    free(xml);
    free(path);
}

static void test_runstate_flag(void **state)
{
    static const char doc[] =
        "<domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>"
        "<name>r</name><memory>1024</memory><test:runstate>3</test:runstate></domain>";
    struct vm_domain_def *def = vm_domain_def_parse_string(doc, VM_DOMAIN_PARSE_TEST_RUNSTATE);

    assert_non_null(def);
    assert_int_equal(def->test_runstate, 3);
    vm_domain_def_free(def);
    assert_null(vm_domain_def_parse_string(doc, 0));
    assert_int_equal(vm_error_code(), VM_ERR_XML);
}

/* The generated vocabulary holds what libvirt's schema says (a sample of
 * facts checked by hand against libvirt 9.0's domaincommon.rng). */
static void test_vocab(void **state)
{
    const struct vm_vocab *domain = vm_vocab_find("domain");
    const struct vm_vocab *disk = vm_vocab_find("disk");
    const struct vm_vocab *qemu_cl =
        vm_vocab_find("http://libvirt.org/schemas/domain/qemu/1.0 commandline");

    (void)state;
    assert_non_null(domain);
    assert_true(vm_vocab_has_child(domain, "features"));
    assert_true(vm_vocab_has_child(domain, "devices"));
    assert_true(vm_vocab_has_child(domain, "metadata"));
    assert_false(vm_vocab_has_child(domain, "memroy"));
    assert_false(vm_vocab_has_child(domain, "disk"));   /* it lives in <devices> */
    assert_true(vm_vocab_has_attr(domain, "type"));
    assert_non_null(disk);
    assert_true(vm_vocab_has_attr(disk, "device"));
    assert_false(vm_vocab_has_attr(disk, "devcie"));
    assert_true(vm_vocab_has_child(disk, "driver"));
    assert_true(vm_vocab_find("metadata")->any_child);
    assert_non_null(qemu_cl);
    assert_true(vm_vocab_has_child(qemu_cl, "http://libvirt.org/schemas/domain/qemu/1.0 arg"));
    assert_null(vm_vocab_find("memroy"));
    for (size_t i = 1; i < vm_vocab_count; i++)
        assert_true(strcmp(vm_vocab[i - 1].name, vm_vocab[i].name) < 0);
}

static void test_not_xml(void **state)
{
    assert_null(vm_domain_def_parse_string("", 0));
    assert_int_equal(vm_error_code(), VM_ERR_XML);
    assert_null(vm_domain_def_parse_string("<domain", 0));
    assert_null(vm_domain_def_parse_string(NULL, 0));
    assert_int_equal(vm_error_code(), VM_ERR_INVALID_ARG);
    /* no external entities, no network */
    assert_null(vm_domain_def_parse_string(
        "<!DOCTYPE d [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
        "<domain type='qemu'><name>&x;</name><memory>1</memory></domain>",
        0));
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_golden),
    cmocka_unit_test(test_generated_ids),
    cmocka_unit_test(test_copy),
    cmocka_unit_test(test_runstate_flag),
    cmocka_unit_test(test_not_xml),
    cmocka_unit_test(test_vocab),
};

VM_TEST_MAIN(tests)
