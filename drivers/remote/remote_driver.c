/*
 * remote_driver.c: DRIVER+unix:///, DRIVER+tls://host/ and
 * DRIVER+ssh://host/ URIs: every operation as a call to virtmond
 * (drivers/rpc/, docs/protocol.md) over its UNIX socket, its TLS listener,
 * or ssh running "virtmon bridge" to its socket on the other host, after
 * the SASL exchange when the socket asks for one.  One call at a time per
 * connection; every read and write has a deadline.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "rpc/vm_rpc_proto.h"
#include "util/vm_alloc.h"
#include "util/vm_auth.h"
#include "util/vm_dirs.h"
#include "util/vm_error.h"
#include "util/vm_sasl.h"
#include "util/vm_ssh.h"
#include "util/vm_tls.h"
#include "util/vm_transport.h"
#include "vm_driver.h"
#include "vm_event.h"

/* the daemon's longest call (a save or restore) and some */
#define REMOTE_TIMEOUT_MS 180000
/* the greeting: a daemon that does not answer at once is not one */
#define REMOTE_HELLO_TIMEOUT_MS 5000
/* TCP, the TLS handshake, and a person typing a password */
#define REMOTE_CONNECT_TIMEOUT_MS 20000
#define REMOTE_TLS_PORT 16516
/* ssh's own connection and authentication (a host key to confirm, a
 * passphrase to type) come before virtmond's greeting */
#define REMOTE_SSH_HELLO_TIMEOUT_MS 60000

/* An event read off the socket, delivered once the lock is let go. */
struct pending_event {
    char *name;
    unsigned char uuid[VM_UUID_BUFLEN];
    int id, event, detail;
    struct pending_event *next;
};

struct remote_conn {
    pthread_mutex_t lock;       /* one call at a time on the socket */
    struct vm_transport *t;
    uint32_t serial;
    char *type;                 /* the daemon's hypervisor ("Test", "QEMU") */
    _Atomic bool broken;        /* a call failed half way: nothing more on this socket */
    struct vm_event_list events;
    struct pending_event *pending, *pending_tail;   /* under lock */
    pthread_t reader;           /* reads events between calls, once registered */
    bool reader_running;
    _Atomic bool closing;
};

static struct remote_conn *rc_of(struct vm_connect *conn)
{
    return conn->priv;
}

/* Reads exactly len bytes; -1 with the transport's error. */
static int read_full(struct vm_transport *t, uint8_t *buf, size_t len)
{
    for (size_t got = 0; got < len;) {
        ssize_t n = vm_transport_read(t, buf + got, len - got);
        if (n < 0)
            return -1;
        if (n == 0) {
            vm_report_error(VM_ERR_CONNECTION_LOST, "virtmond closed the connection");
            return -1;
        }
        got += (size_t)n;
    }
    return 0;
}

/* Reads one message whose header is in head (lock held): an event is
 * queued for delivery (1), anything else is returned in *msg with its
 * header (0); -1 with the error (the connection is then broken). */
static int read_message(struct remote_conn *rc, const uint8_t *head, struct vm_rpc_header *h,
                        uint8_t **msg)
{
    const char *why;

    if (vm_rpc_header_decode(head, h, &why) < 0) {
        vm_report_error(VM_ERR_PROTOCOL, "virtmond sent a malformed message: %s", why);
        return -1;
    }
    VM_NEW_N(*msg, h->length - VM_RPC_HEADER_LEN + 1);
    if (read_full(rc->t, *msg, h->length - VM_RPC_HEADER_LEN) < 0) {
        free(*msg);
        *msg = NULL;
        return -1;
    }
    if (h->type == VM_RPC_EVENT && h->procedure == VM_PROC_EVENT_LIFECYCLE) {
        struct vm_rpc_dec d;
        struct pending_event *ev;
        VM_NEW(ev);
        vm_rpc_dec_init(&d, *msg, h->length - VM_RPC_HEADER_LEN);
        vm_rpc_get_domain(&d, &ev->name, ev->uuid, &ev->id);
        ev->event = vm_rpc_get_i32(&d);
        ev->detail = vm_rpc_get_i32(&d);
        free(*msg);
        *msg = NULL;
        if (vm_rpc_dec_done(&d, "event from virtmond") < 0) {
            free(ev->name);
            free(ev);
            return -1;
        }
        if (rc->pending_tail)
            rc->pending_tail->next = ev;
        else
            rc->pending = ev;
        rc->pending_tail = ev;
        return 1;
    }
    return 0;
}

/* Hands the events read so far to the callbacks (lock not held: they
 * may call back into the API). */
static void deliver_events(struct vm_connect *conn)
{
    struct remote_conn *rc = rc_of(conn);
    struct pending_event *ev;

    pthread_mutex_lock(&rc->lock);
    ev = rc->pending;
    rc->pending = rc->pending_tail = NULL;
    pthread_mutex_unlock(&rc->lock);
    while (ev) {
        struct pending_event *next = ev->next;
        vm_event_list_dispatch(&rc->events, conn, ev->name, ev->uuid, ev->id, ev->event,
                               ev->detail);
        free(ev->name);
        free(ev);
        ev = next;
    }
}

/* Sends the call built in e and reads its reply (lock held): 0 with *msg
 * (caller frees) and d over its body, -1 with the daemon's error or the
 * connection's. */
static int exchange(struct remote_conn *rc, struct vm_rpc_enc *e, uint32_t proc, uint8_t **msg,
                    struct vm_rpc_dec *d)
{
    uint8_t head[VM_RPC_HEADER_LEN];
    struct vm_rpc_header h;
    size_t len;
    uint8_t *out = vm_rpc_enc_finish(e, &len);

    *msg = NULL;
    if (!out)
        return -1;
    if (rc->broken) {
        free(out);
        vm_report_error(VM_ERR_CONNECTION_LOST, "the connection to virtmond is broken");
        return -1;
    }
    if (vm_transport_write(rc->t, out, len) < 0) {
        free(out);
        rc->broken = true;
        return -1;
    }
    free(out);
    /* events may come first: they wait for delivery */
    for (;;) {
        int r;
        if (read_full(rc->t, head, sizeof(head)) < 0 ||
            (r = read_message(rc, head, &h, msg)) < 0) {
            rc->broken = true;
            return -1;
        }
        if (r == 0)
            break;
    }
    if (h.type != VM_RPC_REPLY || h.procedure != proc || h.serial != rc->serial) {
        rc->broken = true;
        free(*msg);
        *msg = NULL;
        vm_report_error(VM_ERR_PROTOCOL, "virtmond's reply to %s is not the answer to it",
                        vm_rpc_proc_info(proc)->name);
        return -1;
    }
    vm_rpc_dec_init(d, *msg, h.length - VM_RPC_HEADER_LEN);
    if (h.status == VM_RPC_ERROR) {
        vm_rpc_get_error(d);
        free(*msg);
        *msg = NULL;
        return -1;
    }
    return 0;
}

/* A call in flight: the encoder of its arguments, the reply's decoder. */
struct call {
    struct vm_connect *conn;
    struct remote_conn *rc;
    uint32_t proc;
    struct vm_rpc_enc e;
    uint8_t *msg;
    struct vm_rpc_dec d;
};

static void call_start(struct call *c, struct vm_connect *conn, uint32_t proc)
{
    c->conn = conn;
    c->rc = rc_of(conn);
    c->proc = proc;
    c->msg = NULL;
    pthread_mutex_lock(&c->rc->lock);
    vm_rpc_enc_start(&c->e, proc, VM_RPC_CALL, ++c->rc->serial, VM_RPC_OK);
}

/* Sends the call; 0 with the reply to decode (then call_end()), -1 with
 * the error (the call is over). */
static int call_send(struct call *c)
{
    if (exchange(c->rc, &c->e, c->proc, &c->msg, &c->d) < 0) {
        pthread_mutex_unlock(&c->rc->lock);
        return -1;
    }
    return 0;
}

/* Ends the call: 0 when the reply was read whole and well, else -1.
 * Events that came with it go to the callbacks now. */
static int call_end(struct call *c)
{
    int r = vm_rpc_dec_done(&c->d, "reply from virtmond");
    bool events;

    if (r < 0)
        c->rc->broken = true;
    free(c->msg);
    events = c->rc->pending != NULL;
    pthread_mutex_unlock(&c->rc->lock);
    if (events && c->conn) {
        struct vm_error *err = vm_error_save();
        deliver_events(c->conn);
        vm_error_restore(err);
    }
    return r;
}

/* A call whose reply is empty. */
static int call_simple(struct call *c)
{
    return call_send(c) < 0 ? -1 : call_end(c);
}

static void put_dom(struct call *c, struct vm_domain *dom)
{
    vm_rpc_put_handle(&c->e, dom);
}

/* A reply that is a domain: a new handle. */
static struct vm_domain *reply_domain(struct vm_connect *conn, struct call *c)
{
    char *name = NULL;
    unsigned char uuid[VM_UUID_BUFLEN];
    int id;
    struct vm_domain *dom = NULL;

    vm_rpc_get_domain(&c->d, &name, uuid, &id);
    if (call_end(c) == 0)
        dom = vm_domain_new(conn, name, uuid, id);
    free(name);
    return dom;
}

/* ------------------------------------------------------------ connection */

/* The SASL exchange, when the socket asks for it (after HELLO). */
static int authenticate(struct vm_connect *conn, const char *host, const char *authfile)
{
    struct call c;
    uint32_t method;
    VM_AUTOFREE char *mechs = NULL;
    struct vm_sasl *sasl = NULL;
    const char *mech = NULL, *out = NULL;
    size_t outlen = 0;
    int st, ret = -1;

    call_start(&c, conn, VM_PROC_AUTH_LIST);
    if (call_send(&c) < 0)
        return -1;
    method = vm_rpc_get_u32(&c.d);
    if (call_end(&c) < 0)
        return -1;
    if (method == VM_RPC_AUTH_NONE)
        return 0;
    if (method != VM_RPC_AUTH_SASL) {
        vm_report_error(VM_ERR_PROTOCOL, "virtmond asks for authentication method %u", method);
        return -1;
    }
    call_start(&c, conn, VM_PROC_AUTH_SASL_INIT);
    if (call_send(&c) < 0)
        return -1;
    mechs = vm_rpc_get_str(&c.d, 4096);
    if (call_end(&c) < 0)
        return -1;
    if (!mechs || !(sasl = vm_sasl_client_new(host, &conn->auth, authfile)) ||
        (st = vm_sasl_client_start(sasl, mechs, &mech, &out, &outlen)) < 0)
        goto out;
    call_start(&c, conn, VM_PROC_AUTH_SASL_START);
    vm_rpc_put_str(&c.e, mech);
    vm_rpc_put_blob(&c.e, out, outlen);
    for (;;) {
        bool complete;
        size_t inlen = 0;
        VM_AUTOFREE char *in = NULL;
        if (call_send(&c) < 0)
            goto out;
        complete = vm_rpc_get_bool(&c.d);
        in = vm_rpc_get_blob(&c.d, VM_RPC_SASL_MAX, &inlen);
        if (call_end(&c) < 0)
            goto out;
        /* the server's last token (SCRAM's signature) is checked too */
        if (in || !complete) {
            if ((st = vm_sasl_client_step(sasl, in, inlen, &out, &outlen)) < 0)
                goto out;
        } else {
            st = VM_SASL_DONE;
        }
        if (complete) {
            if (st != VM_SASL_DONE) {
                vm_report_error(VM_ERR_AUTH, "virtmond ended the SASL exchange early");
                goto out;
            }
            break;
        }
        call_start(&c, conn, VM_PROC_AUTH_SASL_STEP);
        vm_rpc_put_blob(&c.e, out, outlen);
    }
    ret = 0;
out:
    vm_sasl_free(sasl);
    return ret;
}

/* The transport a URI names; NULL with the error (declined is not one). */
static struct vm_transport *remote_connect(const struct vm_uri *uri, unsigned int flags,
                                           char **where)
{
    if (strcmp(uri->transport, "unix") == 0) {
        VM_AUTOFREE char *sock = NULL;
        if (uri->host) {
            vm_report_error(VM_ERR_INVALID_URI, "a +unix URI names no host: '%s'", uri->host);
            return NULL;
        }
        if (vm_uri_check_params(uri, VM_URI_PARAM_SOCKET | VM_URI_PARAM_AUTHFILE) < 0)
            return NULL;
        sock = uri->socket ? vm_strdup(uri->socket)
                           : vm_dir_file(VM_DIR_RUNTIME, VM_DIR_SCOPE_AUTO,
                                         flags & VM_CONNECT_RO ? "virtmond-sock-ro"
                                                               : "virtmond-sock");
        if (!sock)
            return NULL;
        *where = vm_asprintf("'%s'", sock);
        return vm_transport_unix(sock, REMOTE_HELLO_TIMEOUT_MS);
    } else if (strcmp(uri->transport, "ssh") == 0) {
        /* the bridge on the other side: the daemon's socket there */
        const char *words[6] = {"virtmon", "bridge"};
        size_t n = 2;
        if (vm_uri_check_params(uri, VM_URI_PARAM_SOCKET | VM_URI_PARAM_AUTHFILE) < 0)
            return NULL;
        if (uri->socket) {
            words[n++] = "--socket";
            words[n++] = uri->socket;
        } else if (flags & VM_CONNECT_RO) {
            words[n++] = "--readonly";
        }
        *where = vm_asprintf("%s%s%s (through ssh)", uri->user ? uri->user : "",
                             uri->user ? "@" : "", uri->host ? uri->host : "");
        return vm_ssh_connect(uri->user, uri->host, uri->port, words,
                              REMOTE_SSH_HELLO_TIMEOUT_MS);
    } else {
        struct vm_tls_config *cfg;
        struct vm_transport *t;
        int port = uri->port > 0 ? uri->port : REMOTE_TLS_PORT;
        if (!uri->host) {
            vm_report_error(VM_ERR_INVALID_URI, "a +tls URI names the daemon's host: "
                                                "DRIVER+tls://host[:port]/");
            return NULL;
        }
        if (vm_uri_check_params(uri, VM_URI_PARAM_PKI | VM_URI_PARAM_NO_VERIFY |
                                         VM_URI_PARAM_AUTHFILE) < 0 ||
            !(cfg = vm_tls_config_new(uri->pki)))
            return NULL;
        cfg->no_verify = uri->no_verify;
        *where = vm_asprintf(strchr(uri->host, ':') ? "[%s]:%d" : "%s:%d", uri->host, port);
        t = vm_tls_connect(uri->host, port, cfg, REMOTE_CONNECT_TIMEOUT_MS, NULL);
        vm_tls_config_free(cfg);
        if (t)
            t->timeout_ms = REMOTE_HELLO_TIMEOUT_MS;
        return t;
    }
}

static enum vm_drv_open_result remote_open(struct vm_connect *conn, const struct vm_uri *uri,
                                           unsigned int flags)
{
    struct remote_conn *rc;
    VM_AUTOFREE char *where = NULL;
    VM_AUTOFREE char *want = NULL;
    VM_AUTOFREE char *authfile = NULL;
    struct call c;
    uint32_t version;
    bool tls, ssh;

    if (!uri->transport)
        return VM_DRV_OPEN_DECLINED;
    VM_CHECK_FLAGS(flags, VM_CONNECT_RO, VM_DRV_OPEN_ERROR);
    tls = strcmp(uri->transport, "tls") == 0;
    ssh = strcmp(uri->transport, "ssh") == 0;
    VM_NEW(rc);
    pthread_mutex_init(&rc->lock, NULL);
    vm_event_list_init(&rc->events);
    if (!(authfile = vm_auth_conf_path(uri->authfile)) ||
        !(rc->t = remote_connect(uri, flags, &where))) {
        pthread_mutex_destroy(&rc->lock);
        vm_event_list_clear(&rc->events);
        free(rc);
        return VM_DRV_OPEN_ERROR;
    }
    conn->priv = rc;
    /* the versions first, then which URI: empty for whatever the daemon
     * serves */
    call_start(&c, conn, VM_PROC_HELLO);
    vm_rpc_put_u32(&c.e, VM_RPC_VERSION);
    if (call_send(&c) < 0) {
        /* a daemon at its max_clients accepts and closes at once: the
         * write or the read fails, whichever comes first; on TLS 1.3 a
         * refused client certificate shows here too */
        if (ssh)
            vm_report_error(vm_error_code(), "cannot reach virtmond through ssh: %s",
                            vm_error_message());
        else if (tls && vm_error_code() != VM_ERR_AUTH)
            vm_report_error(VM_ERR_TLS,
                            "virtmond at %s closed the connection after the TLS handshake "
                            "(did it refuse this client's certificate? its log says why): %s",
                            where, vm_error_message());
        else if (vm_error_code() == VM_ERR_CONNECTION_LOST || vm_error_code() == VM_ERR_SYSTEM)
            vm_report_error(VM_ERR_CONNECTION_LOST,
                            "virtmond at %s closed the connection at once (at its "
                            "max_clients?): %s",
                            where, vm_error_message());
        goto error;
    }
    version = vm_rpc_get_u32(&c.d);
    if (call_end(&c) < 0)
        goto error;
    if (version != VM_RPC_VERSION) {
        vm_report_error(VM_ERR_PROTOCOL, "virtmond speaks protocol version %u, not %u", version,
                        VM_RPC_VERSION);
        goto error;
    }
    /* a person may be typing a password meanwhile */
    rc->t->timeout_ms = REMOTE_TIMEOUT_MS;
    if (authenticate(conn, uri->host ? uri->host : "localhost", authfile) < 0)
        goto error;
    if (strcmp(uri->path, "") != 0 && strcmp(uri->path, "/") != 0)
        want = vm_asprintf("%s://%s", uri->driver, uri->path);
    call_start(&c, conn, VM_PROC_OPEN);
    vm_rpc_put_str(&c.e, uri->driver);
    vm_rpc_put_str(&c.e, want);
    if (call_send(&c) < 0)
        goto error;
    rc->type = vm_rpc_get_str(&c.d, 256);
    if (call_end(&c) < 0)
        goto error;
    return VM_DRV_OPEN_SUCCESS;
error:
    vm_transport_close(rc->t);
    pthread_mutex_destroy(&rc->lock);
    vm_event_list_clear(&rc->events);
    free(rc->type);
    free(rc);
    conn->priv = NULL;
    return VM_DRV_OPEN_ERROR;
}

static int remote_close(struct vm_connect *conn)
{
    struct remote_conn *rc = rc_of(conn);

    if (!rc)
        return 0;
    rc->closing = true;
    if (rc->reader_running)
        pthread_join(rc->reader, NULL);
    vm_transport_close(rc->t);
    pthread_mutex_destroy(&rc->lock);
    vm_event_list_clear(&rc->events);
    while (rc->pending) {
        struct pending_event *ev = rc->pending;
        rc->pending = ev->next;
        free(ev->name);
        free(ev);
    }
    free(rc->type);
    free(rc);
    return 0;
}

/* Between calls, the events the daemon sends: read when the socket has
 * something and no call holds it (a call reads them itself). */
static void *event_reader(void *opaque)
{
    struct vm_connect *conn = opaque;
    struct remote_conn *rc = rc_of(conn);

    while (!rc->closing && !rc->broken) {
        struct pollfd p = {rc->t->fd, POLLIN, 0};
        /* what TLS decrypted already, poll() cannot see */
        if (!vm_transport_pending(rc->t) && poll(&p, 1, 200) <= 0)
            continue;
        pthread_mutex_lock(&rc->lock);
        p.revents = 0;
        if (!rc->broken && (vm_transport_pending(rc->t) || poll(&p, 1, 0) == 1)) {
            uint8_t head[VM_RPC_HEADER_LEN];
            struct vm_rpc_header h;
            uint8_t *msg = NULL;
            int r = read_full(rc->t, head, sizeof(head)) < 0 ? -1 : read_message(rc, head, &h, &msg);
            /* nothing but events comes unasked */
            if (r == 0) {
                free(msg);
                r = -1;
            }
            if (r < 0) {
                rc->broken = true;
                vm_error_reset();
            }
        }
        pthread_mutex_unlock(&rc->lock);
        deliver_events(conn);
    }
    return NULL;
}

static int remote_event_register(struct vm_connect *conn, vm_domain_event_cb cb, void *opaque,
                                 void (*free_opaque)(void *), unsigned int flags)
{
    struct remote_conn *rc = rc_of(conn);
    struct call c;
    int id;

    VM_CHECK_FLAGS(flags, 0, -1);
    if (!rc->reader_running) {
        call_start(&c, conn, VM_PROC_EVENT_REGISTER);
        vm_rpc_put_u32(&c.e, 0);
        if (call_simple(&c) < 0)
            return -1;
    }
    if ((id = vm_event_list_add(&rc->events, cb, opaque, free_opaque)) < 0)
        return -1;
    if (!rc->reader_running) {
        if (pthread_create(&rc->reader, NULL, event_reader, conn) != 0) {
            vm_event_list_remove(&rc->events, id);
            vm_report_system_error(errno, "cannot start the event reader");
            return -1;
        }
        rc->reader_running = true;
    }
    return id;
}

static int remote_event_deregister(struct vm_connect *conn, int callback_id)
{
    return vm_event_list_remove(&rc_of(conn)->events, callback_id);
}

static const char *remote_get_type(struct vm_connect *conn)
{
    return rc_of(conn)->type ? rc_of(conn)->type : "remote";
}

static int remote_get_version(struct vm_connect *conn, unsigned long long *version,
                              unsigned int flags)
{
    struct call c;

    call_start(&c, conn, VM_PROC_GET_VERSION);
    vm_rpc_put_u32(&c.e, flags);
    if (call_send(&c) < 0)
        return -1;
    *version = vm_rpc_get_u64(&c.d);
    return call_end(&c);
}

static char *remote_get_hostname(struct vm_connect *conn, unsigned int flags)
{
    struct call c;
    char *name;

    call_start(&c, conn, VM_PROC_GET_HOSTNAME);
    vm_rpc_put_u32(&c.e, flags);
    if (call_send(&c) < 0)
        return NULL;
    name = vm_rpc_get_str(&c.d, 4096);
    if (call_end(&c) < 0) {
        free(name);
        return NULL;
    }
    return name;
}

static int remote_is_alive(struct vm_connect *conn)
{
    return !rc_of(conn)->broken;
}

static int remote_node_info(struct vm_connect *conn, struct vm_node_info *info,
                            unsigned int flags)
{
    struct call c;

    call_start(&c, conn, VM_PROC_NODE_INFO);
    vm_rpc_put_u32(&c.e, flags);
    if (call_send(&c) < 0)
        return -1;
    vm_rpc_get_node_info(&c.d, info);
    if (call_end(&c) < 0) {
        vm_node_info_clear(info);
        return -1;
    }
    return 0;
}

static int remote_node_cpu_stats(struct vm_connect *conn, int cpu, struct vm_node_cpu_stats *st,
                                 unsigned int flags)
{
    struct call c;

    call_start(&c, conn, VM_PROC_NODE_CPU_STATS);
    vm_rpc_put_i32(&c.e, cpu);
    vm_rpc_put_u32(&c.e, flags);
    if (call_send(&c) < 0)
        return -1;
    vm_rpc_get_cpu_stats(&c.d, st);
    return call_end(&c);
}

static int remote_node_memory_stats(struct vm_connect *conn, int cell,
                                    struct vm_node_memory_stats *st, unsigned int flags)
{
    struct call c;

    call_start(&c, conn, VM_PROC_NODE_MEMORY_STATS);
    vm_rpc_put_i32(&c.e, cell);
    vm_rpc_put_u32(&c.e, flags);
    if (call_send(&c) < 0)
        return -1;
    vm_rpc_get_mem_stats(&c.d, st);
    return call_end(&c);
}

static int remote_list(struct vm_connect *conn, struct vm_domain ***domains, unsigned int flags)
{
    struct call c;
    uint32_t n;
    struct vm_domain **list;
    char **names;
    unsigned char(*uuids)[VM_UUID_BUFLEN];
    int *ids;

    call_start(&c, conn, VM_PROC_LIST_DOMAINS);
    vm_rpc_put_u32(&c.e, flags);
    if (call_send(&c) < 0)
        return -1;
    n = vm_rpc_get_count(&c.d, VM_RPC_MAX_ARRAY);
    VM_NEW_N(names, n + 1);
    VM_NEW_N(uuids, n + 1);
    VM_NEW_N(ids, n + 1);
    for (uint32_t i = 0; i < n; i++)
        vm_rpc_get_domain(&c.d, &names[i], uuids[i], &ids[i]);
    if (call_end(&c) < 0) {
        for (uint32_t i = 0; i < n; i++)
            free(names[i]);
        free(names);
        free(uuids);
        free(ids);
        return -1;
    }
    VM_NEW_N(list, n + 1);
    for (uint32_t i = 0; i < n; i++) {
        list[i] = vm_domain_new(conn, names[i], uuids[i], ids[i]);
        free(names[i]);
    }
    free(names);
    free(uuids);
    free(ids);
    *domains = list;
    return (int)n;
}

static int remote_all_stats(struct vm_connect *conn, struct vm_domain_stats ***stats,
                            unsigned int flags)
{
    struct call c;
    uint32_t n;
    struct vm_domain_stats **list;

    call_start(&c, conn, VM_PROC_ALL_STATS);
    vm_rpc_put_u32(&c.e, flags);
    if (call_send(&c) < 0)
        return -1;
    n = vm_rpc_get_count(&c.d, VM_RPC_MAX_ARRAY);
    VM_NEW_N(list, n + 1);
    for (uint32_t i = 0; i < n; i++) {
        if (!(list[i] = vm_rpc_get_stats(&c.d))) {
            vm_domain_stats_list_free(list, i);
            call_end(&c);
            return -1;
        }
    }
    if (call_end(&c) < 0) {
        vm_domain_stats_list_free(list, n);
        return -1;
    }
    *stats = list;
    return (int)n;
}

static struct vm_domain *remote_lookup_name(struct vm_connect *conn, const char *name,
                                            unsigned int flags)
{
    struct call c;

    call_start(&c, conn, VM_PROC_LOOKUP_NAME);
    vm_rpc_put_str(&c.e, name);
    vm_rpc_put_u32(&c.e, flags);
    return call_send(&c) < 0 ? NULL : reply_domain(conn, &c);
}

static struct vm_domain *remote_lookup_uuid(struct vm_connect *conn, const unsigned char *uuid,
                                            unsigned int flags)
{
    struct call c;

    call_start(&c, conn, VM_PROC_LOOKUP_UUID);
    vm_rpc_put_bytes(&c.e, uuid, VM_UUID_BUFLEN);
    vm_rpc_put_u32(&c.e, flags);
    return call_send(&c) < 0 ? NULL : reply_domain(conn, &c);
}

static struct vm_domain *remote_lookup_id(struct vm_connect *conn, int id, unsigned int flags)
{
    struct call c;

    call_start(&c, conn, VM_PROC_LOOKUP_ID);
    vm_rpc_put_i32(&c.e, id);
    vm_rpc_put_u32(&c.e, flags);
    return call_send(&c) < 0 ? NULL : reply_domain(conn, &c);
}

/* ---------------------------------------------------------------- domains */

/* A call on a domain whose reply is one int. */
static int dom_int_call(struct vm_domain *dom, uint32_t proc, unsigned int flags, int *out)
{
    struct call c;

    call_start(&c, dom->conn, proc);
    put_dom(&c, dom);
    vm_rpc_put_u32(&c.e, flags);
    if (call_send(&c) < 0)
        return -1;
    *out = vm_rpc_get_i32(&c.d);
    return call_end(&c);
}

static int remote_get_id(struct vm_domain *dom, unsigned int flags)
{
    int id;

    return dom_int_call(dom, VM_PROC_DOMAIN_GET_ID, flags, &id) < 0 ? -1 : id;
}

static int remote_get_control(struct vm_domain *dom, int *control, unsigned int flags)
{
    return dom_int_call(dom, VM_PROC_DOMAIN_GET_CONTROL, flags, control);
}

static int remote_get_vcpu_count(struct vm_domain *dom, unsigned int flags)
{
    int n;

    return dom_int_call(dom, VM_PROC_DOMAIN_GET_VCPU_COUNT, flags, &n) < 0 ? -1 : n;
}

static int remote_has_managed_save(struct vm_domain *dom, unsigned int flags)
{
    int r;

    return dom_int_call(dom, VM_PROC_DOMAIN_HAS_MANAGED_SAVE, flags, &r) < 0 ? -1 : r;
}

static int remote_get_autostart(struct vm_domain *dom, int *autostart, unsigned int flags)
{
    return dom_int_call(dom, VM_PROC_DOMAIN_GET_AUTOSTART, flags, autostart);
}

static int remote_get_info(struct vm_domain *dom, struct vm_domain_info *info, unsigned int flags)
{
    struct call c;

    call_start(&c, dom->conn, VM_PROC_DOMAIN_GET_INFO);
    put_dom(&c, dom);
    vm_rpc_put_u32(&c.e, flags);
    if (call_send(&c) < 0)
        return -1;
    vm_rpc_get_info(&c.d, info);
    return call_end(&c);
}

static int remote_get_state(struct vm_domain *dom, int *state, int *reason, unsigned int flags)
{
    struct call c;

    call_start(&c, dom->conn, VM_PROC_DOMAIN_GET_STATE);
    put_dom(&c, dom);
    vm_rpc_put_u32(&c.e, flags);
    if (call_send(&c) < 0)
        return -1;
    *state = vm_rpc_get_i32(&c.d);
    *reason = vm_rpc_get_i32(&c.d);
    return call_end(&c);
}

static struct vm_domain_stats *remote_get_stats(struct vm_domain *dom, unsigned int flags)
{
    struct call c;
    struct vm_domain_stats *st;

    call_start(&c, dom->conn, VM_PROC_DOMAIN_GET_STATS);
    put_dom(&c, dom);
    vm_rpc_put_u32(&c.e, flags);
    if (call_send(&c) < 0)
        return NULL;
    st = vm_rpc_get_stats(&c.d);
    if (call_end(&c) < 0) {
        vm_domain_stats_free(st);
        return NULL;
    }
    return st;
}

/* A call on a domain whose reply is one string. */
static char *dom_str_call(struct vm_domain *dom, uint32_t proc, unsigned int flags)
{
    struct call c;
    char *s;

    call_start(&c, dom->conn, proc);
    put_dom(&c, dom);
    vm_rpc_put_u32(&c.e, flags);
    if (call_send(&c) < 0)
        return NULL;
    s = vm_rpc_get_str(&c.d, VM_RPC_MAX_STRING);
    if (call_end(&c) < 0 || !s) {
        if (!s && vm_error_code() == VM_ERR_OK)
            vm_report_error(VM_ERR_PROTOCOL, "virtmond sent no text");
        free(s);
        return NULL;
    }
    return s;
}

static char *remote_get_xml(struct vm_domain *dom, unsigned int flags)
{
    return dom_str_call(dom, VM_PROC_DOMAIN_GET_XML, flags);
}

static char *remote_get_display(struct vm_domain *dom, unsigned int flags)
{
    return dom_str_call(dom, VM_PROC_DOMAIN_GET_DISPLAY, flags);
}

static struct vm_vcpu_list *remote_get_vcpus(struct vm_domain *dom, unsigned int flags)
{
    struct call c;
    struct vm_vcpu_list *l;

    call_start(&c, dom->conn, VM_PROC_DOMAIN_GET_VCPUS);
    put_dom(&c, dom);
    vm_rpc_put_u32(&c.e, flags);
    if (call_send(&c) < 0)
        return NULL;
    l = vm_rpc_get_vcpus(&c.d);
    if (call_end(&c) < 0) {
        vm_vcpu_list_free(l);
        return NULL;
    }
    return l;
}

static struct vm_guest_info *remote_get_guest_info(struct vm_domain *dom, unsigned int flags)
{
    struct call c;
    struct vm_guest_info *g;

    call_start(&c, dom->conn, VM_PROC_DOMAIN_GET_GUEST_INFO);
    put_dom(&c, dom);
    vm_rpc_put_u32(&c.e, flags);
    if (call_send(&c) < 0)
        return NULL;
    g = vm_rpc_get_guest(&c.d);
    if (call_end(&c) < 0 || !g) {
        if (!g && vm_error_code() == VM_ERR_OK)
            vm_report_error(VM_ERR_PROTOCOL, "virtmond sent no guest info");
        vm_guest_info_free(g);
        return NULL;
    }
    return g;
}

static int remote_memory_stats(struct vm_domain *dom, struct vm_memory_stat *stats,
                               unsigned int nr, unsigned int flags)
{
    struct call c;
    uint32_t n;

    call_start(&c, dom->conn, VM_PROC_DOMAIN_MEMORY_STATS);
    put_dom(&c, dom);
    vm_rpc_put_u32(&c.e, nr);
    vm_rpc_put_u32(&c.e, flags);
    if (call_send(&c) < 0)
        return -1;
    n = vm_rpc_get_count(&c.d, nr);
    for (uint32_t i = 0; i < n; i++) {
        stats[i].tag = vm_rpc_get_i32(&c.d);
        stats[i].val = vm_rpc_get_u64(&c.d);
    }
    return call_end(&c) < 0 ? -1 : (int)n;
}

static struct vm_domain *xml_call(struct vm_connect *conn, uint32_t proc, const char *xml,
                                  unsigned int flags)
{
    struct call c;

    call_start(&c, conn, proc);
    vm_rpc_put_str(&c.e, xml);
    vm_rpc_put_u32(&c.e, flags);
    return call_send(&c) < 0 ? NULL : reply_domain(conn, &c);
}

static struct vm_domain *remote_define(struct vm_connect *conn, const char *xml,
                                       unsigned int flags)
{
    return xml_call(conn, VM_PROC_DOMAIN_DEFINE, xml, flags);
}

static struct vm_domain *remote_create(struct vm_connect *conn, const char *xml,
                                       unsigned int flags)
{
    return xml_call(conn, VM_PROC_DOMAIN_CREATE, xml, flags);
}

/* The operations that take a domain and flags and answer nothing. */
#define REMOTE_DOM_OP(fname, proc)                              \
    static int fname(struct vm_domain *dom, unsigned int flags) \
    {                                                           \
        struct call c;                                          \
        call_start(&c, dom->conn, proc);                        \
        put_dom(&c, dom);                                       \
        vm_rpc_put_u32(&c.e, flags);                            \
        return call_simple(&c);                                 \
    }
REMOTE_DOM_OP(remote_start, VM_PROC_DOMAIN_START)
REMOTE_DOM_OP(remote_shutdown, VM_PROC_DOMAIN_SHUTDOWN)
REMOTE_DOM_OP(remote_destroy, VM_PROC_DOMAIN_DESTROY)
REMOTE_DOM_OP(remote_suspend, VM_PROC_DOMAIN_SUSPEND)
REMOTE_DOM_OP(remote_resume, VM_PROC_DOMAIN_RESUME)
REMOTE_DOM_OP(remote_reboot, VM_PROC_DOMAIN_REBOOT)
REMOTE_DOM_OP(remote_reset, VM_PROC_DOMAIN_RESET)
REMOTE_DOM_OP(remote_managed_save, VM_PROC_DOMAIN_MANAGED_SAVE)
REMOTE_DOM_OP(remote_undefine, VM_PROC_DOMAIN_UNDEFINE)

static int remote_set_autostart(struct vm_domain *dom, int autostart, unsigned int flags)
{
    struct call c;

    call_start(&c, dom->conn, VM_PROC_DOMAIN_SET_AUTOSTART);
    put_dom(&c, dom);
    vm_rpc_put_i32(&c.e, autostart);
    vm_rpc_put_u32(&c.e, flags);
    return call_simple(&c);
}

static int remote_set_memory(struct vm_domain *dom, uint64_t kib, unsigned int flags)
{
    struct call c;

    call_start(&c, dom->conn, VM_PROC_DOMAIN_SET_MEMORY);
    put_dom(&c, dom);
    vm_rpc_put_u64(&c.e, kib);
    vm_rpc_put_u32(&c.e, flags);
    return call_simple(&c);
}

static int remote_set_vcpus(struct vm_domain *dom, unsigned int count, unsigned int flags)
{
    struct call c;

    call_start(&c, dom->conn, VM_PROC_DOMAIN_SET_VCPUS);
    put_dom(&c, dom);
    vm_rpc_put_u32(&c.e, count);
    vm_rpc_put_u32(&c.e, flags);
    return call_simple(&c);
}

static int remote_save(struct vm_domain *dom, const char *path, unsigned int flags)
{
    struct call c;

    call_start(&c, dom->conn, VM_PROC_DOMAIN_SAVE);
    put_dom(&c, dom);
    vm_rpc_put_str(&c.e, path);
    vm_rpc_put_u32(&c.e, flags);
    return call_simple(&c);
}

static int remote_restore(struct vm_connect *conn, const char *path, unsigned int flags)
{
    struct call c;

    call_start(&c, conn, VM_PROC_DOMAIN_RESTORE);
    vm_rpc_put_str(&c.e, path);
    vm_rpc_put_u32(&c.e, flags);
    return call_simple(&c);
}

/* console needs a stream: not through the daemon yet (NULL member) */
const struct vm_driver vm_remote_driver = {
    .name = "remote",
    .hypervisor = "remote",
    .connect_open = remote_open,
    .connect_close = remote_close,
    .connect_get_type = remote_get_type,
    .connect_get_version = remote_get_version,
    .connect_get_hostname = remote_get_hostname,
    .connect_is_alive = remote_is_alive,
    .node_get_info = remote_node_info,
    .node_get_cpu_stats = remote_node_cpu_stats,
    .node_get_memory_stats = remote_node_memory_stats,
    .connect_list_domains = remote_list,
    .connect_domain_event_register = remote_event_register,
    .connect_domain_event_deregister = remote_event_deregister,
    .connect_get_all_domain_stats = remote_all_stats,
    .domain_lookup_by_name = remote_lookup_name,
    .domain_lookup_by_uuid = remote_lookup_uuid,
    .domain_lookup_by_id = remote_lookup_id,
    .domain_get_id = remote_get_id,
    .domain_get_info = remote_get_info,
    .domain_get_state = remote_get_state,
    .domain_get_control = remote_get_control,
    .domain_get_display = remote_get_display,
    .domain_get_guest_info = remote_get_guest_info,
    .domain_get_stats = remote_get_stats,
    .domain_get_vcpu_count = remote_get_vcpu_count,
    .domain_get_vcpus = remote_get_vcpus,
    .domain_memory_stats = remote_memory_stats,
    .domain_get_xml = remote_get_xml,
    .domain_define_xml = remote_define,
    .domain_create_xml = remote_create,
    .domain_start = remote_start,
    .domain_shutdown = remote_shutdown,
    .domain_destroy = remote_destroy,
    .domain_suspend = remote_suspend,
    .domain_resume = remote_resume,
    .domain_reboot = remote_reboot,
    .domain_reset = remote_reset,
    .domain_managed_save = remote_managed_save,
    .domain_has_managed_save = remote_has_managed_save,
    .domain_undefine = remote_undefine,
    .domain_get_autostart = remote_get_autostart,
    .domain_set_autostart = remote_set_autostart,
    .domain_set_memory = remote_set_memory,
    .domain_set_vcpus = remote_set_vcpus,
    .domain_save = remote_save,
    .domain_restore = remote_restore,
};
