#include "config.h"

#include <string.h>

#include "util/vm_alloc.h"
#include "util/vm_error.h"
#include "vm_driver.h"
#include "vm_event.h"

void vm_event_list_init(struct vm_event_list *list)
{
    memset(list, 0, sizeof(*list));
    pthread_mutex_init(&list->lock, NULL);
}

void vm_event_list_clear(struct vm_event_list *list)
{
    for (size_t i = 0; i < list->ncbs; i++) {
        if (list->cbs[i].free_opaque)
            list->cbs[i].free_opaque(list->cbs[i].opaque);
    }
    free(list->cbs);
    list->cbs = NULL;
    list->ncbs = list->alloc = 0;
    pthread_mutex_destroy(&list->lock);
}

int vm_event_list_add(struct vm_event_list *list, vm_domain_event_cb cb, void *opaque,
                      void (*free_opaque)(void *))
{
    int id;

    pthread_mutex_lock(&list->lock);
    VM_GROW(list->cbs, list->ncbs, list->alloc);
    id = list->next_id++;
    list->cbs[list->ncbs - 1] = (struct vm_event_cb_entry){id, cb, opaque, free_opaque};
    pthread_mutex_unlock(&list->lock);
    return id;
}

int vm_event_list_remove(struct vm_event_list *list, int id)
{
    struct vm_event_cb_entry gone = {0};
    bool found = false;

    pthread_mutex_lock(&list->lock);
    for (size_t i = 0; i < list->ncbs; i++) {
        if (list->cbs[i].id == id) {
            gone = list->cbs[i];
            memmove(&list->cbs[i], &list->cbs[i + 1], (list->ncbs - i - 1) * sizeof(gone));
            list->ncbs--;
            found = true;
            break;
        }
    }
    pthread_mutex_unlock(&list->lock);
    if (!found) {
        vm_report_error(VM_ERR_INVALID_ARG, "no event callback with id %d", id);
        return -1;
    }
    if (gone.free_opaque)
        gone.free_opaque(gone.opaque);
    return 0;
}

void vm_event_list_dispatch(struct vm_event_list *list, struct vm_connect *conn, const char *name,
                            const unsigned char *uuid, int id, int event, int detail)
{
    struct vm_event_cb_entry *copy = NULL;
    size_t n;
    struct vm_domain *dom;

    pthread_mutex_lock(&list->lock);
    n = list->ncbs;
    if (n) {
        VM_NEW_N(copy, n);
        memcpy(copy, list->cbs, n * sizeof(*copy));
    }
    pthread_mutex_unlock(&list->lock);
    if (!n)
        return;
    dom = vm_domain_new(conn, name, uuid, id);
    for (size_t i = 0; i < n; i++)
        copy[i].cb(conn, dom, event, detail, copy[i].opaque);
    vm_domain_free(dom);
    free(copy);
}
