/*
 * vm_event.h: a list of lifecycle-event callbacks, for drivers that deliver
 * events (register/deregister members of the driver table use it).
 */
#ifndef VM_EVENT_H
#define VM_EVENT_H

#include <pthread.h>
#include <stddef.h>

#include "virtmon.h"

struct vm_event_cb_entry {
    int id;
    vm_domain_event_cb cb;
    void *opaque;
    void (*free_opaque)(void *);
};

struct vm_event_list {
    pthread_mutex_t lock;
    struct vm_event_cb_entry *cbs;
    size_t ncbs, alloc;
    int next_id;
};

void vm_event_list_init(struct vm_event_list *list);

/* Deregisters everything (calling free_opaque) and frees the list's memory. */
void vm_event_list_clear(struct vm_event_list *list);

int vm_event_list_add(struct vm_event_list *list, vm_domain_event_cb cb, void *opaque,
                      void (*free_opaque)(void *));
int vm_event_list_remove(struct vm_event_list *list, int id);

/* Calls every callback with a temporary handle for the domain.  Call it
 * without holding driver locks: callbacks may call back into the API. */
void vm_event_list_dispatch(struct vm_event_list *list, struct vm_connect *conn, const char *name,
                            const unsigned char *uuid, int id, int event, int detail);

#endif /* VM_EVENT_H */
