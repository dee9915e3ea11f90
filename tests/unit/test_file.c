/*
 * test_file.c: reading whole files with a bound, and the error of a file
 * that may be missing.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "testutil.h"
#include "util/vm_alloc.h"
#include "util/vm_error.h"
#include "util/vm_file.h"

static char *dir;

static int setup(void **state)
{
    (void)state;
    dir = vm_test_mkdtemp();
    return dir ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    vm_test_rmtree(dir);
    free(dir);
    return 0;
}

static char *path_of(const char *name)
{
    return vm_asprintf("%s/%s", dir, name);
}

static void test_read(void **state)
{
    VM_AUTOFREE char *p = path_of("f");
    VM_AUTOFREE char *data = NULL;
    size_t len = 0;
    FILE *f = fopen(p, "w");

    (void)state;
    assert_non_null(f);
    fputs("abc\n", f);
    fclose(f);
    data = vm_file_read(p, "test file", 16, &len);
    assert_string_equal(data, "abc\n");
    assert_int_equal(len, 4);
    free(data);
    /* past the bound: refused, with what and where */
    data = vm_file_read(p, "test file", 3, NULL);
    assert_null(data);
    assert_int_equal(errno, EFBIG);
    assert_non_null(strstr(vm_error_message(), "test file '"));
    vm_error_reset();
}

/* A FIFO where a file should be neither hangs nor is read. */
static void test_fifo(void **state)
{
    VM_AUTOFREE char *p = path_of("fifo");

    (void)state;
    assert_int_equal(mkfifo(p, 0600), 0);
    assert_null(vm_file_read(p, "test file", 16, NULL));
    assert_int_equal(errno, EINVAL);
    assert_non_null(strstr(vm_error_message(), "not a regular file"));
    /* not a missing file: the "if exists" read still says so */
    vm_error_reset();
    assert_null(vm_file_read_if_exists(p, "test file", 16, NULL));
    assert_int_equal(errno, EINVAL);
    assert_int_equal(vm_error_code(), VM_ERR_SYSTEM);
    vm_error_reset();
}

/* A missing file is no error for the "if exists" read, and is for the
 * other. */
static void test_missing(void **state)
{
    VM_AUTOFREE char *p = path_of("absent");

    (void)state;
    assert_null(vm_file_read_if_exists(p, "test file", 16, NULL));
    assert_int_equal(errno, ENOENT);
    assert_int_equal(vm_error_code(), VM_ERR_OK);
    assert_null(vm_file_read(p, "test file", 16, NULL));
    assert_int_equal(errno, ENOENT);
    assert_int_equal(vm_error_code(), VM_ERR_SYSTEM);
    vm_error_reset();
}

/* The taken message is the caller's, and the error is gone. */
static void test_take(void **state)
{
    VM_AUTOFREE char *m = NULL;

    (void)state;
    vm_report_error(VM_ERR_INVALID_ARG, "bad size '%s'", "12Q");
    m = vm_error_take();
    assert_string_equal(m, "bad size '12Q'");
    assert_int_equal(vm_error_code(), VM_ERR_OK);
    free(m);
    m = vm_error_take();
    assert_string_equal(m, "an unknown error occurred");
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_read, setup, teardown),
    cmocka_unit_test_setup_teardown(test_fifo, setup, teardown),
    cmocka_unit_test_setup_teardown(test_missing, setup, teardown),
    cmocka_unit_test(test_take),
};

VM_TEST_MAIN(tests)
