/*
 * agentx_changes.c: snapshot differences as VM-MIB notifications.
 */
#include "config.h"

#include <stdlib.h>

#include "agentx_changes.h"
#include "mibdefs/vmTable_enums.h"
#include "util/vm_alloc.h"

enum ax_notif ax_notif_for_oper(int oper)
{
    switch (oper) {
    case VMOPERSTATE_RUNNING: return AX_NOTIF_RUNNING;
    case VMOPERSTATE_SHUTTINGDOWN: return AX_NOTIF_SHUTTINGDOWN;
    case VMOPERSTATE_SHUTDOWN: return AX_NOTIF_SHUTDOWN;
    case VMOPERSTATE_PAUSED: return AX_NOTIF_PAUSED;
    case VMOPERSTATE_SUSPENDING: return AX_NOTIF_SUSPENDING;
    case VMOPERSTATE_SUSPENDED: return AX_NOTIF_SUSPENDED;
    case VMOPERSTATE_RESUMING: return AX_NOTIF_RESUMING;
    case VMOPERSTATE_MIGRATING: return AX_NOTIF_MIGRATING;
    case VMOPERSTATE_CRASHED: return AX_NOTIF_CRASHED;
    default: return AX_NOTIF_NONE;   /* unknown, other, preparing: no notification */
    }
}

static void add(struct ax_change **c, size_t *n, size_t *alloc, enum ax_notif notif, int index,
                int prev, const struct ax_vm *vm)
{
    if (notif == AX_NOTIF_NONE)
        return;
    VM_GROW(*c, *n, *alloc);
    (*c)[*n - 1] = (struct ax_change){notif, index, prev, vm};
}

size_t ax_changes(const struct ax_snapshot *old, const struct ax_snapshot *new,
                  struct ax_change **changes)
{
    struct ax_change *c = NULL;
    size_t n = 0, alloc = 0, i = 0, k = 0;

    *changes = NULL;
    if (!old || !new || !old->connected || !new->connected)
        return 0;
    /* both are sorted by vmIndex: one merge walk */
    while (i < old->nvms || k < new->nvms) {
        const struct ax_vm *o = i < old->nvms ? &old->vms[i] : NULL;
        const struct ax_vm *w = k < new->nvms ? &new->vms[k] : NULL;
        if (o && (!w || o->index < w->index)) {
            add(&c, &n, &alloc, AX_NOTIF_DELETED, o->index, o->oper, o);
            i++;
        } else if (w && (!o || w->index < o->index)) {
            /* a new row: its state, from a state we never saw */
            add(&c, &n, &alloc, ax_notif_for_oper(w->oper), w->index, VMOPERSTATE_UNKNOWN, w);
            k++;
        } else {
            if (o->oper != w->oper)
                add(&c, &n, &alloc, ax_notif_for_oper(w->oper), w->index, o->oper, w);
            i++;
            k++;
        }
    }
    *changes = c;
    return n;
}

size_t ax_affected_bitmap(const struct ax_change *changes, size_t n, enum ax_notif notif,
                          unsigned char **bits)
{
    int max = 0;
    size_t len;

    *bits = NULL;
    for (size_t i = 0; i < n; i++) {
        if (changes[i].notif == notif && changes[i].index > max)
            max = changes[i].index;
    }
    if (max == 0)
        return 0;
    len = ((size_t)max + 7) / 8;
    *bits = vm_calloc(len, 1);
    for (size_t i = 0; i < n; i++) {
        if (changes[i].notif == notif) {
            int b = changes[i].index - 1;
            (*bits)[b / 8] |= (unsigned char)(0x80 >> (b % 8));
        }
    }
    return len;
}
