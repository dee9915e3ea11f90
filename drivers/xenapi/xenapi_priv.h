/*
 * xenapi_priv.h: inside the XenAPI driver.
 */
#ifndef XENAPI_PRIV_H
#define XENAPI_PRIV_H

#include <json-c/json.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "util/vm_tls.h"
#include "vm_driver.h"
#include "vm_event.h"
#include "xen_http.h"

/* XenAPI's port (HTTPS) and the deadline of each exchange. */
#define XA_PORT 443
#define XA_TIMEOUT_MS 10000

struct xa_conn {
    pthread_mutex_t lock;       /* one exchange at a time on the connection */
    char *host;                 /* the pool master we talk to (HOST_IS_SLAVE moves it) */
    char *uri_host;             /* the host the URI names */
    int port;
    char *user;
    char *password;             /* kept for logging in again; wiped on close */
    struct vm_tls_config *tls;
    bool tls_borrowed;          /* the event connection shares its parent's */
    struct xen_http *http;
    char *session;              /* OpaqueRef of the session, NULL before login */
    struct vm_event_list events;
    /* the event.from thread (started with the first registration), on a
     * connection and session of its own: event.from blocks */
    struct xa_conn *ev_conn;
    pthread_t event_thread;
    bool event_running;
    _Atomic bool event_stop;
};

/* Logs in (user and password of x) at x->host, following HOST_IS_SLAVE to
 * the master.  -1 with an error (auth for a wrong password). */
int xa_login(struct xa_conn *x);

/* Calls method with the session first and then args (a json array, taken;
 * may be NULL), logging in again once after SESSION_INVALID.  0 with
 * *result (the caller's, may be NULL for a void), -1 with an error: a
 * XenAPI failure is mapped onto our codes, its code and parameters kept in
 * the message. */
int xa_call(struct xa_conn *x, const char *method, json_object *args, json_object **result);

/* The same without the session argument (session.*). */
int xa_call_plain(struct xa_conn *x, const char *method, json_object *args,
                  json_object **result);

/* GET path (query included; the session is appended) on the master, the
 * body in *body (the caller's).  -1 with an error. */
int xa_get(struct xa_conn *x, const char *path, char **body, size_t *len);

/* json helpers for XenAPI records: a string member ("" when absent), an int
 * member sent as a digit string (dflt when absent or not a number), a bool
 * member. */
const char *xa_str(json_object *rec, const char *key);
int64_t xa_int(json_object *rec, const char *key, int64_t dflt);
bool xa_bool(json_object *rec, const char *key);

/* Frees a connection's state (logging out); NULL-safe. */
void xa_free(struct xa_conn *x);

/* Starts the event.from thread (idempotent); -1 with an error. */
int xa_events_start(struct vm_connect *conn);
void xa_events_stop(struct xa_conn *x);

#endif /* XENAPI_PRIV_H */
