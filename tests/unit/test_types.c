/*
 * test_types.c: the plain public types' helpers: state words and what
 * counts as running.
 */
#include "config.h"

#include "testutil.h"
#include "virtmon.h"

static void test_state_names(void **state)
{
    assert_string_equal(vm_domain_state_name(VM_DOMAIN_SHUTOFF), "shut off");
    assert_string_equal(vm_domain_state_name(VM_DOMAIN_BLOCKED), "idle");
    assert_string_equal(vm_domain_state_name(-1), "no state");
    assert_string_equal(vm_domain_state_name(VM_DOMAIN_STATE_LAST), "no state");
}

/* Running counts (domains mode, node mode, dom_running, vmRunning) take
 * blocked as running and nothing else. */
static void test_is_running(void **state)
{
    for (int s = -1; s <= VM_DOMAIN_STATE_LAST; s++)
        assert_int_equal(vm_domain_state_is_running(s),
                         s == VM_DOMAIN_RUNNING || s == VM_DOMAIN_BLOCKED);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_state_names),
    cmocka_unit_test(test_is_running),
};

VM_TEST_MAIN(tests)
