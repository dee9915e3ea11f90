/*
 * test_agentx_index_map.c: the UUID -> vmIndex map: stable across reloads,
 * never reused, and indexes chosen by virtmonVmConfigTable.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "agentx_snapshot.h"
#include "util/vm_error.h"
#include "testutil.h"

static void uuid(unsigned char u[VM_UUID_BUFLEN], int n)
{
    memset(u, 0, VM_UUID_BUFLEN);
    u[15] = (unsigned char)n;
}

static void test_assign(void **state)
{
    char *dir = vm_test_mkdtemp();
    struct ax_index_map *map = ax_index_map_open(dir);
    unsigned char a[VM_UUID_BUFLEN], b[VM_UUID_BUFLEN], c[VM_UUID_BUFLEN];

    uuid(a, 1);
    uuid(b, 2);
    uuid(c, 3);
    assert_non_null(map);
    assert_int_equal(ax_index_map_get(map, a), 1);
    assert_true(ax_index_map_taken(map, 1));
    assert_false(ax_index_map_taken(map, 2));
    /* a chosen index, past the next: the next new UUID comes after it */
    assert_int_equal(ax_index_map_assign(map, b, 7), 0);
    assert_true(ax_index_map_taken(map, 7));
    assert_int_equal(ax_index_map_get(map, b), 7);
    assert_int_equal(ax_index_map_peek(map), 8);
    /* taken, or out of range: refused, nothing changed */
    assert_int_equal(ax_index_map_assign(map, c, 1), -1);
    assert_int_equal(vm_error_code(), VM_ERR_INVALID_ARG);
    assert_int_equal(ax_index_map_assign(map, c, 0), -1);
    assert_int_equal(ax_index_map_peek(map), 8);
    /* the skipped ones stay free for a chosen index */
    assert_false(ax_index_map_taken(map, 4));
    assert_int_equal(ax_index_map_assign(map, c, 4), 0);
    ax_index_map_free(map);

    /* reloaded: the same answers */
    map = ax_index_map_open(dir);
    assert_non_null(map);
    assert_int_equal(ax_index_map_get(map, a), 1);
    assert_int_equal(ax_index_map_get(map, b), 7);
    assert_int_equal(ax_index_map_get(map, c), 4);
    assert_int_equal(ax_index_map_peek(map), 8);
    ax_index_map_free(map);
    vm_test_rmtree(dir);
    free(dir);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_assign),
};

VM_TEST_MAIN(tests)
