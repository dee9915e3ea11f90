/*
 * vm_registry.c: the drivers this build has.  A const table: the driver for a
 * URI is found by asking each in turn to open it (success / declined /
 * error).
 */
#include "config.h"

#include <stddef.h>

#include "vm_driver.h"
#include "vm_registry_priv.h"

extern const struct vm_driver vm_remote_driver;
extern const struct vm_driver vm_test_driver;
extern const struct vm_driver vm_qemu_driver;
extern const struct vm_driver vm_xenapi_driver;
#ifdef WITH_LIBVIRT
extern const struct vm_driver vm_libvirt_driver;
#endif

static const struct vm_driver *const builtin[] = {
    &vm_remote_driver,  /* DRIVER+unix: virtmond serves the driver */
    &vm_test_driver,
    &vm_qemu_driver,
    &vm_xenapi_driver,
#ifdef WITH_LIBVIRT
    &vm_libvirt_driver,
#endif
    NULL,
};

static const struct vm_driver *const *override;

const struct vm_driver *const *vm_registry_drivers(void)
{
    return override ? override : builtin;
}

void vm_registry_override(const struct vm_driver *const *drivers)
{
    override = drivers;
}
