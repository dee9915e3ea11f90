#include "config.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "util/vm_alloc.h"
#include "util/vm_buf.h"

char *vm_test_srcpath(const char *rel)
{
    const char *top = getenv("abs_top_srcdir");

    return vm_asprintf("%s/%s", top && *top ? top : ".", rel);
}

char *vm_test_read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    struct vm_buf buf = VM_BUF_INIT;
    char chunk[4096];
    size_t n;

    if (!f)
        return NULL;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        vm_buf_add_len(&buf, chunk, n);
    fclose(f);
    return vm_buf_steal(&buf);
}

void vm_test_compare_golden(const char *actual, const char *rel)
{
    char *relpath = vm_asprintf("tests/data/%s", rel);
    char *path = vm_test_srcpath(relpath);
    const char *regen = getenv("VM_TEST_REGENERATE_OUTPUT");
    char *expected;

    free(relpath);
    if (regen && strcmp(regen, "1") == 0) {
        FILE *f = fopen(path, "wb");
        if (!f || fputs(actual, f) < 0 || fclose(f) != 0)
            fail_msg("cannot write golden file %s: %s", path, strerror(errno));
        free(path);
        return;
    }
    expected = vm_test_read_file(path);
    if (!expected) {
        free(path);
        fail_msg("golden file tests/data/%s missing (run with VM_TEST_REGENERATE_OUTPUT=1)", rel);
        return;
    }
    if (strcmp(expected, actual) != 0) {
        print_error("--- expected (%s)\n%s\n--- actual\n%s\n", path, expected, actual);
        free(expected);
        free(path);
        fail_msg("output differs from tests/data/%s", rel);
        return;
    }
    free(expected);
    free(path);
}

char *vm_test_mkdtemp(void)
{
    const char *tmp = getenv("TMPDIR");
    char *tmpl = vm_asprintf("%s/virtmon-test-XXXXXX", tmp && *tmp ? tmp : "/tmp");

    if (!mkdtemp(tmpl))
        fail_msg("mkdtemp: %s", strerror(errno));
    return tmpl;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    return remove(path);
}

void vm_test_rmtree(const char *dir)
{
    if (dir)
        nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}
