/*
 * xenapi_events.c: lifecycle events from event.from.  A thread of the
 * connection, with a session of its own (event.from blocks for its
 * timeout), turns power_state changes of VMs into our events.
 */
#include "config.h"

#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "util/vm_alloc.h"
#include "util/vm_error.h"
#include "util/vm_log.h"
#include "xenapi_priv.h"

/* How long one event.from waits on the server, in seconds: under the
 * exchange's deadline, and what a stop may take. */
#define WAIT_S 2.0

struct known {
    char *ref;
    char *power;
    char *name;
    unsigned char uuid[VM_UUID_BUFLEN];
    int id;
};

struct watch {
    struct vm_connect *conn;
    struct xa_conn *ev;         /* the connection whose callbacks get events */
    struct known *k;
    size_t n;
};

static struct known *known_of(struct watch *w, const char *ref)
{
    for (size_t i = 0; i < w->n; i++) {
        if (strcmp(w->k[i].ref, ref) == 0)
            return &w->k[i];
    }
    vm_realloc_n(&w->k, w->n + 1, sizeof(*w->k));
    memset(&w->k[w->n], 0, sizeof(*w->k));
    w->k[w->n].ref = vm_strdup(ref);
    return &w->k[w->n++];
}

/* The event a power_state change makes (-1: none). */
static int event_of(const char *before, const char *after, int *detail)
{
    *detail = 0;
    if (strcmp(after, "Running") == 0)
        return strcmp(before, "Paused") == 0 ? VM_EVENT_RESUMED : VM_EVENT_STARTED;
    if (strcmp(after, "Paused") == 0)
        return VM_EVENT_SUSPENDED;
    if (strcmp(after, "Halted") == 0 || strcmp(after, "Suspended") == 0) {
        /* libvirt's details: 0 shutdown, 4 saved */
        *detail = strcmp(after, "Suspended") == 0 ? 4 : 0;
        return VM_EVENT_STOPPED;
    }
    return -1;
}

static void handle(struct watch *w, json_object *event, bool initial)
{
    const char *cls = xa_str(event, "class"), *op = xa_str(event, "operation");
    json_object *snap;
    struct known *k;
    int ev = -1, detail = 0;

    if (strcmp(cls, "vm") != 0)
        return;
    k = known_of(w, xa_str(event, "ref"));
    if (strcmp(op, "del") == 0) {
        if (!initial && k->name)
            vm_event_list_dispatch(&w->ev->events, w->conn, k->name, k->uuid, -1,
                                   VM_EVENT_UNDEFINED, 0);
        free(k->power);
        k->power = vm_strdup("");
        return;
    }
    if (!json_object_object_get_ex(event, "snapshot", &snap) ||
        xa_bool(snap, "is_a_template") || xa_bool(snap, "is_a_snapshot"))
        return;
    free(k->name);
    k->name = vm_strdup(xa_str(snap, "name_label"));
    vm_optional_int(vm_uuid_parse(xa_str(snap, "uuid"), k->uuid), "VM uuid");
    k->id = (int)xa_int(snap, "domid", -1);
    if (!initial) {
        if (strcmp(op, "add") == 0)
            ev = VM_EVENT_DEFINED;
        else if (k->power && strcmp(k->power, xa_str(snap, "power_state")) != 0)
            ev = event_of(k->power, xa_str(snap, "power_state"), &detail);
    }
    free(k->power);
    k->power = vm_strdup(xa_str(snap, "power_state"));
    if (ev >= 0)
        vm_event_list_dispatch(&w->ev->events, w->conn, k->name, k->uuid,
                               ev == VM_EVENT_STOPPED ? -1 : k->id, ev, detail);
}

static void *run(void *arg)
{
    struct vm_connect *conn = arg;
    struct xa_conn *parent = conn->priv, *x = parent->ev_conn;
    struct watch w = {conn, parent, NULL, 0};
    char *token = vm_strdup("");
    bool initial = true;

    while (!atomic_load(&parent->event_stop)) {
        json_object *args = json_object_new_array(), *classes = json_object_new_array();
        json_object *res = NULL, *events, *tok;
        json_object_array_add(classes, json_object_new_string("vm"));
        json_object_array_add(args, classes);
        json_object_array_add(args, json_object_new_string(token));
        json_object_array_add(args, json_object_new_double(WAIT_S));
        if (xa_call(x, "event.from", args, &res) < 0) {
            /* EVENTS_LOST, a restart, a network fault: start over, slowly */
            VM_DEBUG("event.from at %s: %s", x->host, vm_error_message());
            vm_error_reset();
            free(token);
            token = vm_strdup("");
            initial = true;
            for (int i = 0; i < 10 && !atomic_load(&parent->event_stop); i++)
                usleep(100000);
            continue;
        }
        if (json_object_object_get_ex(res, "events", &events) &&
            json_object_is_type(events, json_type_array)) {
            for (size_t i = 0; i < json_object_array_length(events); i++)
                handle(&w, json_object_array_get_idx(events, i), initial);
        }
        if (json_object_object_get_ex(res, "token", &tok)) {
            free(token);
            token = vm_strdup(json_object_get_string(tok));
        }
        initial = false;
        json_object_put(res);
    }
    free(token);
    for (size_t i = 0; i < w.n; i++) {
        free(w.k[i].ref);
        free(w.k[i].power);
        free(w.k[i].name);
    }
    free(w.k);
    return NULL;
}

int xa_events_start(struct vm_connect *conn)
{
    struct xa_conn *x = conn->priv;

    struct xa_conn *ev;

    if (x->event_running)
        return 0;
    /* its own connection and session, logged in at the master we found */
    VM_NEW(ev);
    pthread_mutex_init(&ev->lock, NULL);
    vm_event_list_init(&ev->events);
    ev->host = vm_strdup(x->host);
    ev->uri_host = vm_strdup(x->uri_host);
    ev->port = x->port;
    ev->user = vm_strdup(x->user);
    ev->password = vm_strdup(x->password);
    ev->tls = x->tls;
    ev->tls_borrowed = true;
    x->ev_conn = ev;
    atomic_store(&x->event_stop, false);
    if (pthread_create(&x->event_thread, NULL, run, conn) != 0) {
        x->ev_conn = NULL;
        xa_free(ev);
        vm_report_error(VM_ERR_SYSTEM, "cannot start the XenAPI event thread");
        return -1;
    }
    x->event_running = true;
    return 0;
}

void xa_events_stop(struct xa_conn *x)
{
    if (!x->event_running)
        return;
    atomic_store(&x->event_stop, true);
    pthread_join(x->event_thread, NULL);
    x->event_running = false;
    xa_free(x->ev_conn);
    x->ev_conn = NULL;
}
