/*
 * daemon_server.c: virtmond's event loop.  The loop only moves bytes:
 * it accepts, reads each client's message (header, then a body of at most
 * VM_RPC_MAX_MESSAGE), hands a complete call to the worker pool and writes
 * the replies back, all non-blocking, so a stalled client holds nobody
 * else up.  A client has at most one call in progress (its next message
 * is read once the reply is queued): memory per client stays bounded.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "daemon.h"
#include "rpc/vm_rpc_proto.h"
#include "util/vm_alloc.h"
#include "util/vm_dirs.h"
#include "util/vm_error.h"
#include "util/vm_log.h"
#include "util/vm_tls_server.h"

#define SHUTDOWN_FLUSH_MS 10000 /* replies still owed at SIGTERM */
/* A message, once begun, must arrive whole within this: a client that
 * stalls half way would otherwise hold its slot (and, on the 0666
 * read-only socket, anyone could fill max_clients that way).  A client
 * between messages may stay idle. */
#define MESSAGE_TIMEOUT_MS 30000
/* a refused TLS client gets this long to read the alert and go */
#define DRAIN_MS 2000

struct client {
    struct daemon_peer peer;
    int fd;
    struct vm_tls_session *tls;     /* a TCP client's; NULL on UNIX */
    bool handshaking;               /* its TLS handshake is not done */
    bool closing;                   /* closed once its replies are written */
    bool draining;                  /* refused at the handshake: read to its end */
    uint8_t head[VM_RPC_HEADER_LEN];
    size_t head_got;
    long long msg_deadline;     /* when the message being read must be whole (0: none) */
    struct vm_rpc_header h;
    uint8_t *body;
    size_t body_got;
    bool busy;                  /* a call of its is with a worker */
    bool gone;                  /* closed while busy: freed when the call returns */
    bool events;                /* it asked for lifecycle events */
    struct outmsg *out;         /* replies and events to write, oldest first */
    struct outmsg *out_tail;
    size_t out_off, out_bytes;
    struct client *next;
};

struct outmsg {
    uint8_t *data;
    size_t len;
    struct outmsg *next;
};

/* A client that lets this much of its events pile up unread is too slow:
 * it is disconnected rather than let grow without bound. */
#define MAX_PENDING_OUT (4u * 1024 * 1024)

struct job {
    struct client *c;
    struct vm_rpc_header h;
    uint8_t *body;
    struct job *next;
};

/* Where a client came in: what it may do, what it must prove. */
enum listener_kind { LISTEN_RW, LISTEN_RO, LISTEN_TCP };

#define MAX_TCP_LISTENERS 8     /* one per address a name resolves to */

struct daemon {
    struct vm_connect *conn;
    int listen_rw, listen_ro;
    int listen_tcp[MAX_TCP_LISTENERS];
    size_t n_tcp;
    struct vm_tls_server *tls;  /* for new TLS sessions */
    char **dn_list;             /* NULL: any DN the CA signed */
    size_t n_dn;
    enum vm_rpc_auth auth[3];   /* by listener_kind */
    char *sock_rw, *sock_ro;
    bool own_rw, own_ro;        /* made by this daemon: removed at exit */
    unsigned int max_clients, nclients, next_id;
    struct client *clients;
    int wake[2];                /* workers to loop: a reply is queued */
    int message_timeout_ms;
    pthread_mutex_t lock;       /* jobs, replies, busy/gone */
    pthread_cond_t cond;
    struct job *jobs, *jobs_tail;
    bool stopping;
    bool served;                /* calls answered since the last trim */
    pthread_t *threads;
    unsigned int nthreads, in_flight;
};

struct vm_connect *daemon_conn(struct daemon *d)
{
    return d->conn;
}

/* Queues a message for c (lock held). */
static void queue_out(struct client *c, uint8_t *data, size_t len)
{
    struct outmsg *m;

    VM_NEW(m);
    m->data = data;
    m->len = len;
    if (c->out_tail)
        c->out_tail->next = m;
    else
        c->out = m;
    c->out_tail = m;
    c->out_bytes += len;
}

static void free_out(struct client *c)
{
    while (c->out) {
        struct outmsg *m = c->out;
        c->out = m->next;
        free(m->data);
        free(m);
    }
    c->out_tail = NULL;
    c->out_bytes = c->out_off = 0;
}

static void wake_loop(struct daemon *d)
{
    if (write(d->wake[1], "x", 1) < 0 && errno != EAGAIN)
        VM_WARN("cannot wake the event loop: %s", strerror(errno));
}

void daemon_set_events(struct daemon *d, struct daemon_peer *peer, bool on)
{
    pthread_mutex_lock(&d->lock);
    for (struct client *c = d->clients; c; c = c->next) {
        if (&c->peer == peer)
            c->events = on;
    }
    pthread_mutex_unlock(&d->lock);
}

/* A lifecycle event of the served connection: to every client that asked
 * (called from the thread that made the change, no daemon lock held). */
static void on_event(struct vm_connect *conn, struct vm_domain *dom, int event, int detail,
                     void *opaque)
{
    struct daemon *d = opaque;
    unsigned char uuid[VM_UUID_BUFLEN];
    bool any = false;

    (void)conn;
    vm_domain_get_uuid(dom, uuid);
    pthread_mutex_lock(&d->lock);
    for (struct client *c = d->clients; c; c = c->next) {
        struct vm_rpc_enc e;
        uint8_t *msg;
        size_t len;
        if (!c->events || c->gone || c->fd < 0)
            continue;
        if (c->out_bytes > MAX_PENDING_OUT) {
            VM_WARN("client %u: %zu bytes of events unread: too slow, closing its connection",
                    c->peer.id, c->out_bytes);
            close(c->fd);
            c->fd = -1;
            d->nclients--;
            c->gone = true;
            continue;
        }
        vm_rpc_enc_start(&e, VM_PROC_EVENT_LIFECYCLE, VM_RPC_EVENT, 0, VM_RPC_OK);
        vm_rpc_put_domain(&e, vm_domain_get_name(dom), uuid, vm_domain_get_id(dom));
        vm_rpc_put_i32(&e, event);
        vm_rpc_put_i32(&e, detail);
        if ((msg = vm_rpc_enc_finish(&e, &len))) {
            queue_out(c, msg, len);
            any = true;
        }
    }
    if (any)
        wake_loop(d);
    pthread_mutex_unlock(&d->lock);
}

/* ------------------------------------------------------------ workers */

static void *worker(void *opaque)
{
    struct daemon *d = opaque;

    pthread_mutex_lock(&d->lock);
    for (;;) {
        struct job *j;
        struct vm_rpc_enc reply;
        const char *why = NULL;
        uint8_t *msg = NULL;
        size_t len = 0;
        int r;

        while (!d->jobs && !d->stopping)
            pthread_cond_wait(&d->cond, &d->lock);
        if (!d->jobs)
            break;
        j = d->jobs;
        d->jobs = j->next;
        if (!d->jobs)
            d->jobs_tail = NULL;
        pthread_mutex_unlock(&d->lock);

        /* the peer's state is the worker's while the call is busy */
        r = daemon_dispatch(d, &j->c->peer, &j->h, j->body,
                            j->h.length - VM_RPC_HEADER_LEN, &reply, &why);
        if (r == 0 && !(msg = vm_rpc_enc_finish(&reply, &len))) {
            /* too big to send: say so instead */
            struct vm_rpc_enc e;
            vm_rpc_enc_start(&e, j->h.procedure, VM_RPC_REPLY, j->h.serial, VM_RPC_ERROR);
            vm_rpc_put_error(&e, vm_error_code(), vm_error_message());
            msg = vm_rpc_enc_finish(&e, &len);
        }
        if (r < 0)
            VM_WARN("client %u: %s: dropped", j->c->peer.id, why);
        free(j->body);

        pthread_mutex_lock(&d->lock);
        j->c->busy = false;
        if (r < 0 || !msg) {
            free(msg);
            j->c->gone = true;
        } else {
            queue_out(j->c, msg, len);
            /* a refusal is the last thing it gets */
            if (j->c->peer.close_after)
                j->c->closing = true;
        }
        d->in_flight--;
        d->served = true;
        free(j);
        /* the loop sees it at once */
        wake_loop(d);
    }
    pthread_mutex_unlock(&d->lock);
    return NULL;
}

/* ------------------------------------------------------------- sockets */

static int listen_on(const char *path, unsigned int mode)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    int fd;

    if (strlen(path) >= sizeof(sa.sun_path)) {
        vm_report_error(VM_ERR_INVALID_ARG, "socket path '%s' is too long", path);
        return -1;
    }
    memcpy(sa.sun_path, path, strlen(path) + 1);
    /* a socket someone answers on is another daemon's; one nobody answers
     * on was left by a daemon that died */
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) >= 0 &&
        connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
        close(fd);
        vm_report_error(VM_ERR_OPERATION_INVALID, "another virtmond is serving '%s'", path);
        return -1;
    }
    if (fd >= 0)
        close(fd);
    unlink(path);
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0 ||
        bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || chmod(path, mode) < 0 ||
        listen(fd, 64) < 0) {
        vm_report_system_error(errno, "cannot listen on '%s'", path);
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

/* TCP listeners on host:port, one per address it resolves to; 0 or -1
 * with an error. */
static int listen_tcp(struct daemon *d, const char *host, int port)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
    struct addrinfo *res = NULL;
    char service[16];
    int r;

    snprintf(service, sizeof(service), "%d", port);
    if ((r = getaddrinfo(host && *host ? host : NULL, service, &hints, &res)) != 0) {
        vm_report_error(VM_ERR_INVALID_ARG, "cannot listen on '%s': %s", host, gai_strerror(r));
        return -1;
    }
    for (struct addrinfo *ai = res; ai && d->n_tcp < MAX_TCP_LISTENERS; ai = ai->ai_next) {
        int one = 1;
        int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0)
            continue;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        /* [::] takes IPv6 only: 0.0.0.0 is a listener of its own */
        if (ai->ai_family == AF_INET6)
            setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 64) < 0) {
            vm_report_system_error(errno, "cannot listen on %s port %d", host ? host : "*",
                                   port);
            close(fd);
            freeaddrinfo(res);
            return -1;
        }
        d->listen_tcp[d->n_tcp++] = fd;
    }
    freeaddrinfo(res);
    if (!d->n_tcp) {
        vm_report_error(VM_ERR_SYSTEM, "cannot listen on %s port %d", host ? host : "*", port);
        return -1;
    }
    return 0;
}

void daemon_reload_tls(struct daemon *d, struct vm_tls_server *tls, char **dn_list, size_t n_dn)
{
    vm_tls_server_unref(d->tls);
    d->tls = tls;
    for (size_t i = 0; i < d->n_dn; i++)
        free(d->dn_list[i]);
    free(d->dn_list);
    d->dn_list = dn_list;
    d->n_dn = n_dn;
}

struct daemon *daemon_new(const struct daemon_settings *s)
{
    struct daemon *d;
    VM_AUTOFREE char *dir = s->runtime_dir ? vm_strdup(s->runtime_dir)
                                           : vm_dir_get(VM_DIR_RUNTIME, VM_DIR_SCOPE_AUTO);

    if (!dir || vm_dir_make(dir, 0755) < 0)
        return NULL;
    VM_NEW(d);
    d->listen_rw = d->listen_ro = d->wake[0] = d->wake[1] = -1;
    d->max_clients = s->max_clients ? s->max_clients : 256;
    d->auth[LISTEN_RW] = s->auth_rw;
    d->auth[LISTEN_RO] = s->auth_ro;
    d->auth[LISTEN_TCP] = s->auth_tcp;
    d->message_timeout_ms = s->message_timeout_ms ? s->message_timeout_ms : MESSAGE_TIMEOUT_MS;
    pthread_mutex_init(&d->lock, NULL);
    pthread_cond_init(&d->cond, NULL);
    if (!(d->conn = vm_connect_open(s->uri, 0))) {
        daemon_free(d);
        return NULL;
    }
    /* a driver without events of its own leaves clients to compare their
     * bulk stats, as they would locally */
    vm_optional_int(vm_connect_domain_event_register(d->conn, on_event, d, NULL, 0),
                    "no lifecycle events to pass on");
    d->sock_rw = vm_asprintf("%s/virtmond-sock", dir);
    d->sock_ro = vm_asprintf("%s/virtmond-sock-ro", dir);
    if ((d->listen_rw = listen_on(d->sock_rw, 0600)) < 0) {
        daemon_free(d);
        return NULL;
    }
    d->own_rw = true;
    if ((d->listen_ro = listen_on(d->sock_ro, 0666)) < 0) {
        daemon_free(d);
        return NULL;
    }
    d->own_ro = true;
    if (s->listen_host) {
        if (listen_tcp(d, s->listen_host, s->listen_port) < 0) {
            daemon_free(d);
            return NULL;
        }
        d->tls = s->tls;
        vm_tls_server_ref(d->tls);
        if (s->dn_list) {
            VM_NEW_N(d->dn_list, s->n_dn + 1);
            for (size_t i = 0; i < s->n_dn; i++)
                d->dn_list[i] = vm_strdup(s->dn_list[i]);
            d->n_dn = s->n_dn;
        }
    }
    if (pipe2(d->wake, O_CLOEXEC | O_NONBLOCK) < 0) {
        vm_report_system_error(errno, "cannot make the wake-up pipe");
        daemon_free(d);
        return NULL;
    }
    d->nthreads = s->workers ? s->workers : 4;
    VM_NEW_N(d->threads, d->nthreads);
    for (unsigned int i = 0; i < d->nthreads; i++) {
        if (pthread_create(&d->threads[i], NULL, worker, d) != 0) {
            vm_report_system_error(errno, "cannot start worker threads");
            d->nthreads = i;
            daemon_free(d);
            return NULL;
        }
    }
    return d;
}

static long long now_ms(void);
static void client_close(struct daemon *d, struct client *c, const char *why);

static bool is_tcp_listener(const struct daemon *d, int fd)
{
    for (size_t i = 0; i < d->n_tcp; i++) {
        if (d->listen_tcp[i] == fd)
            return true;
    }
    return false;
}

/* ------------------------------------------------------------- clients */

/* "IP;PORT", as SASL takes addresses. */
static char *address_of(const struct sockaddr_storage *sa)
{
    char ip[INET6_ADDRSTRLEN] = "?";
    int port = 0;

    if (sa->ss_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        inet_ntop(AF_INET, &in->sin_addr, ip, sizeof(ip));
        port = ntohs(in->sin_port);
    } else if (sa->ss_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
        inet_ntop(AF_INET6, &in6->sin6_addr, ip, sizeof(ip));
        port = ntohs(in6->sin6_port);
    }
    return vm_asprintf("%s;%d", ip, port);
}

static void client_accept(struct daemon *d, int lfd, enum listener_kind kind)
{
    static const char *const kind_name[] = {"read-write", "read-only", "TLS"};
    struct sockaddr_storage sa;
    socklen_t salen = sizeof(sa);
    struct client *c;
    int fd = accept4(lfd, (struct sockaddr *)&sa, &salen, SOCK_CLOEXEC | SOCK_NONBLOCK);

    if (fd < 0)
        return;
    if (d->nclients >= d->max_clients) {
        VM_WARN("refusing a client: max_clients (%u) are connected", d->max_clients);
        close(fd);
        return;
    }
    VM_NEW(c);
    c->fd = fd;
    c->peer.readonly = kind == LISTEN_RO;
    c->peer.id = ++d->next_id;
    c->peer.auth = d->auth[kind];
    c->peer.authed = c->peer.auth == VM_RPC_AUTH_NONE;
    if (kind == LISTEN_TCP) {
        c->peer.address = address_of(&sa);
        salen = sizeof(sa);
        if (getsockname(fd, (struct sockaddr *)&sa, &salen) == 0)
            c->peer.local = address_of(&sa);
        if (!(c->tls = vm_tls_session_new(d->tls, fd))) {
            VM_WARN("client %u (%s): %s", c->peer.id, c->peer.address, vm_error_message());
            close(fd);
            daemon_peer_clear(&c->peer);
            free(c);
            return;
        }
        c->handshaking = true;
        /* a handshake that stalls must not hold the slot either */
        c->msg_deadline = now_ms() + d->message_timeout_ms;
    }
    c->next = d->clients;
    d->clients = c;
    d->nclients++;
    VM_DEBUG("client %u connected (%s%s%s)", c->peer.id, kind_name[kind],
             c->peer.address ? " from " : "", c->peer.address ? c->peer.address : "");
}

/* Moves c's TLS handshake on; once done, checks its DN against the
 * allow-list (lock held). */
static void client_handshake(struct daemon *d, struct client *c)
{
    VM_AUTOFREE char *dn = NULL;
    int r = vm_tls_session_handshake(c->tls);

    if (r == 1)
        return;
    if (r < 0) {
        VM_WARN("client %u (%s): %s: closing its connection", c->peer.id, c->peer.address,
                vm_error_message());
        /* closing now, with its data unread, would reset the connection
         * and lose the alert that tells it why: what it sends is read
         * and dropped until it closes, for a short while */
        vm_tls_session_free(c->tls);
        c->tls = NULL;
        c->handshaking = false;
        c->draining = true;
        shutdown(c->fd, SHUT_WR);
        c->msg_deadline = now_ms() + DRAIN_MS;
        return;
    }
    c->handshaking = false;
    c->msg_deadline = 0;
    c->peer.ssf = vm_tls_session_ssf(c->tls);
    if (!(dn = vm_tls_session_peer_dn(c->tls))) {
        VM_WARN("client %u (%s): %s: closing its connection", c->peer.id, c->peer.address,
                vm_error_message());
        client_close(d, c, NULL);
        return;
    }
    if (d->dn_list && !vm_tls_dn_allowed(dn, d->dn_list, d->n_dn)) {
        /* it hears why at its first call, then goes */
        VM_WARN("client %u (%s): certificate DN '%s' is not on tls_allowed_dn_list: refused",
                c->peer.id, c->peer.address, dn);
        c->peer.refused = vm_asprintf("virtmond refuses this client's certificate: its DN "
                                      "'%s' is not on the daemon's tls_allowed_dn_list",
                                      dn);
        return;
    }
    VM_INFO("client %u (%s): TLS, certificate DN '%s'", c->peer.id, c->peer.address, dn);
}

/* read() and write() on c, through TLS when it has it. */
static ssize_t client_recv(struct client *c, void *buf, size_t len)
{
    return c->tls ? vm_tls_session_recv(c->tls, buf, len) : read(c->fd, buf, len);
}

static ssize_t client_send(struct client *c, const void *buf, size_t len)
{
    return c->tls ? vm_tls_session_send(c->tls, buf, len) : write(c->fd, buf, len);
}

/* Closes c; one with a call in progress is freed when the call returns
 * (lock held). */
static void client_close(struct daemon *d, struct client *c, const char *why)
{
    if (c->tls) {
        vm_tls_session_free(c->tls);
        c->tls = NULL;
    }
    if (why)
        VM_WARN("client %u: %s: closing its connection", c->peer.id, why);
    if (c->fd >= 0) {
        close(c->fd);
        c->fd = -1;
        d->nclients--;
    }
    c->gone = true;
}

/* Reads what c has sent; a complete call goes to the workers (lock held). */
static void client_read(struct daemon *d, struct client *c)
{
    for (;;) {
        ssize_t n;
        const char *why;

        if (c->head_got < VM_RPC_HEADER_LEN) {
            n = client_recv(c, c->head + c->head_got, VM_RPC_HEADER_LEN - c->head_got);
        } else {
            n = client_recv(c, c->body + c->body_got,
                            c->h.length - VM_RPC_HEADER_LEN - c->body_got);
        }
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            return;
        if (n <= 0) {
            client_close(d, c, c->head_got ? "the connection ended inside a message" : NULL);
            return;
        }
        if (!c->msg_deadline)
            c->msg_deadline = now_ms() + d->message_timeout_ms;
        if (c->head_got < VM_RPC_HEADER_LEN) {
            c->head_got += (size_t)n;
            if (c->head_got < VM_RPC_HEADER_LEN)
                continue;
            if (vm_rpc_header_decode(c->head, &c->h, &why) < 0 || c->h.type != VM_RPC_CALL) {
                client_close(d, c, why ? why : "a message that is not a call");
                return;
            }
            VM_NEW_N(c->body, c->h.length - VM_RPC_HEADER_LEN + 1);
            c->body_got = 0;
        } else {
            c->body_got += (size_t)n;
        }
        if (c->body_got == c->h.length - VM_RPC_HEADER_LEN) {
            struct job *j;
            VM_NEW(j);
            j->c = c;
            j->h = c->h;
            j->body = c->body;
            c->body = NULL;
            c->head_got = 0;
            c->msg_deadline = 0;
            c->busy = true;
            d->in_flight++;
            if (d->jobs_tail)
                d->jobs_tail->next = j;
            else
                d->jobs = j;
            d->jobs_tail = j;
            pthread_cond_signal(&d->cond);
            return;
        }
    }
}

static void client_write(struct daemon *d, struct client *c)
{
    while (c->out) {
        struct outmsg *m = c->out;
        ssize_t n = client_send(c, m->data + c->out_off, m->len - c->out_off);
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            return;
        if (n <= 0) {
            client_close(d, c, "its reply could not be written");
            return;
        }
        c->out_off += (size_t)n;
        if (c->out_off < m->len)
            continue;
        c->out = m->next;
        if (!c->out)
            c->out_tail = NULL;
        c->out_bytes -= m->len;
        c->out_off = 0;
        free(m->data);
        free(m);
    }
    if (c->closing)
        client_close(d, c, NULL);
}

/* Frees the clients that are closed and whose calls are over (lock held). */
static void reap(struct daemon *d)
{
    for (struct client **pp = &d->clients; *pp;) {
        struct client *c = *pp;
        if (c->gone && !c->busy) {
            if (c->fd >= 0)
                client_close(d, c, NULL);
            *pp = c->next;
            daemon_peer_clear(&c->peer);
            free(c->body);
            free_out(c);
            free(c);
        } else {
            pp = &c->next;
        }
    }
}

/* ---------------------------------------------------------------- loop */

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int daemon_run(struct daemon *d, volatile int *stop, volatile int *reload)
{
    struct pollfd *pfd = NULL;
    struct client **who = NULL;
    size_t cap = 0;
    long long flush_until = 0;
    int ret = 0;

    for (;;) {
        size_t n = 0, first_client;
        bool stopping = *stop != 0, trim;
        int ready;
        int timeout = 1000;     /* a second at most: the flags are looked at again */

        if (!stopping && reload && *reload) {
            *reload = 0;
            ret = 1;
            break;
        }

        pthread_mutex_lock(&d->lock);
        for (struct client *c = d->clients; c; c = c->next) {
            if (c->msg_deadline && c->fd >= 0 && now_ms() > c->msg_deadline)
                client_close(d, c, c->draining      ? NULL
                                   : c->handshaking ? "its TLS handshake did not end in time"
                                                    : "its message did not arrive whole in time");
        }
        reap(d);
        if (stopping && !flush_until) {
            /* no new clients or calls; what is owed is still sent */
            VM_INFO("stopping: finishing %u call(s) in progress", d->in_flight);
            close(d->listen_rw);
            close(d->listen_ro);
            d->listen_rw = d->listen_ro = -1;
            for (size_t i = 0; i < d->n_tcp; i++)
                close(d->listen_tcp[i]);
            d->n_tcp = 0;
            flush_until = now_ms() + SHUTDOWN_FLUSH_MS;
        }
        if (stopping) {
            bool owed = d->in_flight > 0;
            for (struct client *c = d->clients; c && !owed; c = c->next)
                owed = c->out != NULL && c->fd >= 0;
            if (!owed || now_ms() > flush_until) {
                pthread_mutex_unlock(&d->lock);
                break;
            }
        }
        if (cap < d->nclients + 3 + d->n_tcp) {
            cap = d->nclients + 16 + d->n_tcp;
            vm_realloc_n(&pfd, cap, sizeof(*pfd));
            vm_realloc_n(&who, cap, sizeof(*who));
        }
        pfd[n++] = (struct pollfd){d->wake[0], POLLIN, 0};
        if (d->listen_rw >= 0) {
            pfd[n++] = (struct pollfd){d->listen_rw, POLLIN, 0};
            pfd[n++] = (struct pollfd){d->listen_ro, POLLIN, 0};
        }
        for (size_t i = 0; i < d->n_tcp; i++)
            pfd[n++] = (struct pollfd){d->listen_tcp[i], POLLIN, 0};
        first_client = n;
        for (struct client *c = d->clients; c; c = c->next) {
            short ev = 0;
            if (c->fd < 0 || c->gone)
                continue;
            if (c->handshaking) {
                ev = vm_tls_session_wants_write(c->tls) ? POLLOUT : POLLIN;
            } else if (c->draining) {
                ev = POLLIN;
            } else {
                if (c->out)
                    ev |= POLLOUT;
                if (!c->busy && !stopping && !c->closing) {
                    ev |= POLLIN;
                    /* what TLS has decrypted already, poll() cannot see */
                    if (c->tls && vm_tls_session_pending(c->tls))
                        timeout = 0;
                }
            }
            if (!ev)
                continue;
            who[n] = c;
            pfd[n++] = (struct pollfd){c->fd, ev, 0};
        }
        pthread_mutex_unlock(&d->lock);

        ready = poll(pfd, n, timeout);
        if (ready < 0 && errno != EINTR) {
            VM_ERROR("poll: %s", strerror(errno));
            break;
        }
        pthread_mutex_lock(&d->lock);
        trim = ready == 0 && d->served && d->in_flight == 0;
        if (trim) {
            d->served = false;
            /* a quiet second after a burst: the workers' arenas give back
             * what the burst's replies took, so the footprint does not
             * ratchet up with each burst (without the lock: it takes a
             * while on a large heap) */
            pthread_mutex_unlock(&d->lock);
            malloc_trim(0);
            pthread_mutex_lock(&d->lock);
        }
        for (size_t i = 0; i < n; i++) {
            struct client *c = i >= first_client ? who[i] : NULL;
            bool pending;
            if (pfd[i].fd == d->wake[0]) {
                char buf[64];
                if (pfd[i].revents)
                    while (read(d->wake[0], buf, sizeof(buf)) > 0)
                        ;
                continue;
            }
            if (pfd[i].fd == d->listen_rw || pfd[i].fd == d->listen_ro) {
                if (pfd[i].revents)
                    client_accept(d, pfd[i].fd, pfd[i].fd == d->listen_ro ? LISTEN_RO : LISTEN_RW);
                continue;
            }
            if (is_tcp_listener(d, pfd[i].fd)) {
                if (pfd[i].revents)
                    client_accept(d, pfd[i].fd, LISTEN_TCP);
                continue;
            }
            if (!c || c->fd != pfd[i].fd)
                continue;
            if (c->handshaking) {
                if (pfd[i].revents)
                    client_handshake(d, c);
                continue;
            }
            if (c->draining) {
                char buf[4096];
                ssize_t got = pfd[i].revents ? read(c->fd, buf, sizeof(buf)) : -1;
                if (got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR && pfd[i].revents))
                    client_close(d, c, NULL);
                continue;
            }
            pending = c->tls && vm_tls_session_pending(c->tls);
            if (!pfd[i].revents && !pending)
                continue;
            if (pfd[i].revents & POLLOUT)
                client_write(d, c);
            if (c->fd == pfd[i].fd && !c->busy && !c->closing &&
                (pending || (pfd[i].revents & (POLLIN | POLLHUP | POLLERR))))
                client_read(d, c);
        }
        pthread_mutex_unlock(&d->lock);
    }
    free(pfd);
    free(who);
    return ret;
}

void daemon_free(struct daemon *d)
{
    if (!d)
        return;
    pthread_mutex_lock(&d->lock);
    d->stopping = true;
    pthread_cond_broadcast(&d->cond);
    pthread_mutex_unlock(&d->lock);
    for (unsigned int i = 0; i < d->nthreads; i++)
        pthread_join(d->threads[i], NULL);
    free(d->threads);
    while (d->jobs) {
        struct job *j = d->jobs;
        d->jobs = j->next;
        free(j->body);
        free(j);
    }
    for (struct client *c = d->clients; c;) {
        struct client *next = c->next;
        vm_tls_session_free(c->tls);
        if (c->fd >= 0)
            close(c->fd);
        daemon_peer_clear(&c->peer);
        free(c->body);
        free_out(c);
        free(c);
        c = next;
    }
    if (d->listen_rw >= 0)
        close(d->listen_rw);
    if (d->listen_ro >= 0)
        close(d->listen_ro);
    for (size_t i = 0; i < d->n_tcp; i++)
        close(d->listen_tcp[i]);
    daemon_reload_tls(d, NULL, NULL, 0);
    /* the sockets this daemon made, never another daemon's */
    if (d->own_rw)
        unlink(d->sock_rw);
    if (d->own_ro)
        unlink(d->sock_ro);
    free(d->sock_rw);
    free(d->sock_ro);
    if (d->wake[0] >= 0)
        close(d->wake[0]);
    if (d->wake[1] >= 0)
        close(d->wake[1]);
    if (d->conn)
        vm_connect_close(d->conn);  /* its callbacks go with it */
    pthread_mutex_destroy(&d->lock);
    pthread_cond_destroy(&d->cond);
    free(d);
}
