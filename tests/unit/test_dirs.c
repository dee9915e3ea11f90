/*
 * test_dirs.c: the directory rules (virtmon.conf(5)).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "testutil.h"
#include "util/vm_alloc.h"
#include "util/vm_dirs.h"

static void clear_env(void)
{
    static const char *const vars[] = {"VIRTMON_CONFIG_DIR", "VIRTMON_RUNTIME_DIR",
                                       "VIRTMON_STATE_DIR", "XDG_CONFIG_HOME",
                                       "XDG_RUNTIME_DIR", "XDG_STATE_HOME"};
    for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
        unsetenv(vars[i]);
    setenv("HOME", "/home/u", 1);
}

static void expect(enum vm_dir_kind kind, enum vm_dir_scope scope, const char *want)
{
    char *got = vm_dir_get(kind, scope);

    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

static void test_dirs_system(void **state)
{
    clear_env();
    expect(VM_DIR_CONFIG, VM_DIR_SCOPE_SYSTEM, "/etc/virtmon");
    expect(VM_DIR_RUNTIME, VM_DIR_SCOPE_SYSTEM, "/run/virtmon");
    expect(VM_DIR_STATE, VM_DIR_SCOPE_SYSTEM, "/var/lib/virtmon");
}

static void test_dirs_user_defaults(void **state)
{
    clear_env();
    expect(VM_DIR_CONFIG, VM_DIR_SCOPE_USER, "/home/u/.config/virtmon");
    /* XDG_RUNTIME_DIR unset: the fallback under ~/.cache */
    expect(VM_DIR_RUNTIME, VM_DIR_SCOPE_USER, "/home/u/.cache/virtmon/run");
    expect(VM_DIR_STATE, VM_DIR_SCOPE_USER, "/home/u/.local/state/virtmon");
}

static void test_dirs_user_xdg(void **state)
{
    clear_env();
    setenv("XDG_CONFIG_HOME", "/x/cfg", 1);
    setenv("XDG_RUNTIME_DIR", "/run/user/1000", 1);
    setenv("XDG_STATE_HOME", "/x/state", 1);
    expect(VM_DIR_CONFIG, VM_DIR_SCOPE_USER, "/x/cfg/virtmon");
    expect(VM_DIR_RUNTIME, VM_DIR_SCOPE_USER, "/run/user/1000/virtmon");
    expect(VM_DIR_STATE, VM_DIR_SCOPE_USER, "/x/state/virtmon");
    /* the system column ignores XDG */
    expect(VM_DIR_CONFIG, VM_DIR_SCOPE_SYSTEM, "/etc/virtmon");
}

static void test_dirs_overrides_win(void **state)
{
    clear_env();
    setenv("VIRTMON_CONFIG_DIR", "/o/c", 1);
    setenv("VIRTMON_RUNTIME_DIR", "/o/r", 1);
    setenv("VIRTMON_STATE_DIR", "/o/s", 1);
    setenv("XDG_CONFIG_HOME", "/x/cfg", 1);
    for (int scope = VM_DIR_SCOPE_AUTO; scope <= VM_DIR_SCOPE_USER; scope++) {
        expect(VM_DIR_CONFIG, scope, "/o/c");
        expect(VM_DIR_RUNTIME, scope, "/o/r");
        expect(VM_DIR_STATE, scope, "/o/s");
    }
}

static void test_dirs_file_and_make(void **state)
{
    char *tmp = vm_test_mkdtemp();
    char *deep = vm_asprintf("%s/a/b/c", tmp);
    char *f;
    struct stat st;

    clear_env();
    setenv("VIRTMON_CONFIG_DIR", tmp, 1);
    f = vm_dir_file(VM_DIR_CONFIG, VM_DIR_SCOPE_AUTO, "virtmon.conf");
    assert_non_null(f);
    assert_true(strncmp(f, tmp, strlen(tmp)) == 0);
    assert_string_equal(f + strlen(tmp), "/virtmon.conf");
    free(f);
    assert_int_equal(vm_dir_make(deep, 0700), 0);
    assert_int_equal(stat(deep, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(vm_dir_make(deep, 0700), 0);   /* exists: fine */
    vm_test_rmtree(tmp);
    free(deep);
    free(tmp);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_dirs_system),
    cmocka_unit_test(test_dirs_user_defaults),
    cmocka_unit_test(test_dirs_user_xdg),
    cmocka_unit_test(test_dirs_overrides_win),
    cmocka_unit_test(test_dirs_file_and_make),
};

VM_TEST_MAIN(tests)
