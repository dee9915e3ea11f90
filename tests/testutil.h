/*
 * testutil.h: helpers for the C unit tests (cmocka with TAP output).
 */
#ifndef TESTUTIL_H
#define TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

/* $abs_top_srcdir/rel, as a new string (free with free()). */
char *vm_test_srcpath(const char *rel);

/* The whole file, or NULL when it cannot be read (free with free()). */
char *vm_test_read_file(const char *path);

/* Compares actual with the file at tests/data/<rel>; with
 * VM_TEST_REGENERATE_OUTPUT=1 rewrites the file instead.  Fails the cmocka
 * test, printing both, on a difference. */
void vm_test_compare_golden(const char *actual, const char *rel);

/* A new private directory under $TMPDIR (free with free() after
 * vm_test_rmtree()). */
char *vm_test_mkdtemp(void);
void vm_test_rmtree(const char *dir);

/* Runs the group with TAP output so automake's TAP driver counts each case. */
#define VM_TEST_MAIN(tests)                                         \
    int main(void)                                                  \
    {                                                               \
        cmocka_set_message_output(CM_OUTPUT_TAP);                   \
        return cmocka_run_group_tests(tests, NULL, NULL) ? 1 : 0;  \
    }

#endif /* TESTUTIL_H */
