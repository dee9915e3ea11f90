/*
 * vm_registry_priv.h: test-only access to the registry.
 */
#ifndef VM_REGISTRY_PRIV_H
#define VM_REGISTRY_PRIV_H

#include "vm_driver.h"

/* Replaces the build's driver table (NULL-terminated) until called with
 * NULL, so unit tests can exercise the core with fake drivers. */
void vm_registry_override(const struct vm_driver *const *drivers);

#endif /* VM_REGISTRY_PRIV_H */
