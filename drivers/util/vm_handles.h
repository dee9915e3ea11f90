/*
 * vm_handles.h: cleanup helpers for the public handles, for the tools:
 * a local declared VM_AUTOPTR(vm_domain) (or vm_domain_stats, vm_connect)
 * is freed when it goes out of scope, so early returns need no frees.
 */
#ifndef VM_HANDLES_H
#define VM_HANDLES_H

#include "virtmon.h"
#include "vm_alloc.h"

VM_DEFINE_AUTOPTR(vm_domain)
VM_DEFINE_AUTOPTR(vm_domain_stats)

/* A connection's free is its close. */
static inline void vm_connect_autoptr_free(struct vm_connect **p)
{
    if (*p)
        vm_connect_close(*p);
}

#endif /* VM_HANDLES_H */
