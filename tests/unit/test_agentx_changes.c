/*
 * test_agentx_changes.c: snapshot differences as VM-MIB notifications
 * (which kind, which vmIndex, the previous state), and vmAffectedVMs.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "agentx_changes.h"
#include "mibdefs/vmTable_enums.h"
#include "testutil.h"

static struct ax_vm vm(int index, int oper)
{
    struct ax_vm v = {0};

    v.index = index;
    v.oper = oper;
    v.name = "x";
    return v;
}

static void test_changes(void **state)
{
    struct ax_vm old_vms[] = {vm(1, VMOPERSTATE_RUNNING), vm(2, VMOPERSTATE_RUNNING),
                              vm(3, VMOPERSTATE_SHUTDOWN), vm(5, VMOPERSTATE_PAUSED)};
    struct ax_vm new_vms[] = {vm(1, VMOPERSTATE_RUNNING), vm(2, VMOPERSTATE_PAUSED),
                              vm(3, VMOPERSTATE_RUNNING), vm(4, VMOPERSTATE_SHUTDOWN),
                              vm(9, VMOPERSTATE_CRASHED)};
    struct ax_snapshot old = {.connected = true, .vms = old_vms, .nvms = 4};
    struct ax_snapshot new = {.connected = true, .vms = new_vms, .nvms = 5};
    struct ax_change *c;
    size_t n = ax_changes(&old, &new, &c);

    assert_int_equal(n, 5);
    assert_int_equal(c[0].notif, AX_NOTIF_PAUSED);     /* 2: running -> paused */
    assert_int_equal(c[0].index, 2);
    assert_int_equal(c[0].prev_oper, VMOPERSTATE_RUNNING);
    assert_int_equal(c[1].notif, AX_NOTIF_RUNNING);    /* 3: shutdown -> running */
    assert_int_equal(c[1].prev_oper, VMOPERSTATE_SHUTDOWN);
    assert_int_equal(c[2].notif, AX_NOTIF_SHUTDOWN);   /* 4: new row, shut off */
    assert_int_equal(c[2].prev_oper, VMOPERSTATE_UNKNOWN);
    assert_int_equal(c[3].notif, AX_NOTIF_DELETED);    /* 5: gone */
    assert_int_equal(c[3].index, 5);
    assert_int_equal(c[3].prev_oper, VMOPERSTATE_PAUSED);
    assert_ptr_equal(c[3].vm, &old_vms[3]);           /* the old row, for its name */
    assert_int_equal(c[4].notif, AX_NOTIF_CRASHED);    /* 9: new, crashed */
    free(c);
}

static void test_no_baseline(void **state)
{
    struct ax_vm vms[] = {vm(1, VMOPERSTATE_RUNNING)};
    struct ax_snapshot s = {.connected = true, .vms = vms, .nvms = 1};
    struct ax_snapshot lost = {.connected = false};
    struct ax_change *c;

    /* the first snapshot, or one across a lost connection, is no change */
    assert_int_equal(ax_changes(NULL, &s, &c), 0);
    assert_int_equal(ax_changes(&lost, &s, &c), 0);
    assert_int_equal(ax_changes(&s, &lost, &c), 0);
    assert_int_equal(ax_changes(&s, &s, &c), 0);
    free(c);
}

static void test_bitmap(void **state)
{
    struct ax_change c[] = {{AX_NOTIF_RUNNING, 1, 0, NULL}, {AX_NOTIF_RUNNING, 10, 0, NULL},
                            {AX_NOTIF_PAUSED, 3, 0, NULL}};
    unsigned char *bits;
    size_t len = ax_affected_bitmap(c, 3, AX_NOTIF_RUNNING, &bits);

    /* RFC 7666's example: VMs {1, 10} are 80 40 */
    assert_int_equal(len, 2);
    assert_int_equal(bits[0], 0x80);
    assert_int_equal(bits[1], 0x40);
    free(bits);
    assert_int_equal(ax_affected_bitmap(c, 3, AX_NOTIF_CRASHED, &bits), 0);
    assert_null(bits);
}

static void test_transient_states_map(void **state)
{
    assert_int_equal(ax_notif_for_oper(VMOPERSTATE_SHUTTINGDOWN), AX_NOTIF_SHUTTINGDOWN);
    assert_int_equal(ax_notif_for_oper(VMOPERSTATE_SUSPENDED), AX_NOTIF_SUSPENDED);
    assert_int_equal(ax_notif_for_oper(VMOPERSTATE_OTHER), AX_NOTIF_NONE);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_changes),
    cmocka_unit_test(test_no_baseline),
    cmocka_unit_test(test_bitmap),
    cmocka_unit_test(test_transient_states_map),
};

VM_TEST_MAIN(tests)
