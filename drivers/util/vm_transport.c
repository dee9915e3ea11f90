/*
 * vm_transport.c: plain TCP with deadlines (see vm_transport.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "vm_alloc.h"
#include "vm_error.h"
#include "vm_transport.h"

int vm_transport_wait(struct vm_transport *t, short events, const char *what)
{
    struct pollfd p = {t->fd, events, 0};
    int r;

    do
        r = poll(&p, 1, t->timeout_ms);
    while (r < 0 && errno == EINTR);
    if (r == 0) {
        vm_report_error(VM_ERR_TIMEOUT, "%s: no %s within %d ms", t->peer, what, t->timeout_ms);
        return -1;
    }
    if (r < 0) {
        vm_report_system_error(errno, "%s: poll", t->peer);
        return -1;
    }
    return 0;
}

ssize_t vm_transport_sock_read(struct vm_transport *t, void *buf, size_t len)
{
    for (;;) {
        ssize_t n = recv(t->fd, buf, len, 0);
        if (n >= 0)
            return n;
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            if (vm_transport_wait(t, POLLIN, "answer") < 0)
                return -1;
            continue;
        }
        vm_report_error(VM_ERR_CONNECTION_LOST, "%s: %s", t->peer, strerror(errno));
        return -1;
    }
}

int vm_transport_sock_write(struct vm_transport *t, const void *buf, size_t len)
{
    const char *p = buf;

    while (len > 0) {
        ssize_t n = send(t->fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (vm_transport_wait(t, POLLOUT, "room to write") < 0)
                return -1;
            continue;
        }
        if (n < 0) {
            vm_report_error(VM_ERR_CONNECTION_LOST, "%s: %s", t->peer, strerror(errno));
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static void tcp_close(struct vm_transport *t)
{
    close(t->fd);
    free(t->peer);
    free(t);
}

static const struct vm_transport_ops tcp_ops = {vm_transport_sock_read, vm_transport_sock_write,
                                                tcp_close, NULL};

/* A non-blocking connect to one address, bounded by timeout_ms. */
static int connect_one(const struct addrinfo *ai, int timeout_ms)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
                    ai->ai_protocol);
    struct pollfd p;
    int err = 0, r;
    socklen_t len = sizeof(err);

    if (fd < 0)
        return -1;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
        return fd;
    if (errno != EINPROGRESS) {
        err = errno;
        close(fd);
        errno = err;
        return -1;
    }
    p = (struct pollfd){fd, POLLOUT, 0};
    do
        r = poll(&p, 1, timeout_ms);
    while (r < 0 && errno == EINTR);
    if (r == 0) {
        close(fd);
        errno = ETIMEDOUT;
        return -1;
    }
    if (r < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err) {
        close(fd);
        errno = err ? err : errno;
        return -1;
    }
    return fd;
}

struct vm_transport *vm_transport_tcp(const char *host, int port, int timeout_ms)
{
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM};
    struct addrinfo *res = NULL;
    struct vm_transport *t;
    char service[16];
    int fd = -1, err = 0, r;

    snprintf(service, sizeof(service), "%d", port);
    if ((r = getaddrinfo(host, service, &hints, &res)) != 0) {
        vm_report_error(VM_ERR_CONNECTION_LOST, "cannot resolve '%s': %s", host,
                        gai_strerror(r));
        return NULL;
    }
    for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
        if ((fd = connect_one(ai, timeout_ms)) < 0)
            err = errno;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        if (err == ETIMEDOUT)
            vm_report_error(VM_ERR_TIMEOUT, "cannot connect to %s:%d within %d ms", host, port,
                            timeout_ms);
        else
            vm_report_error(VM_ERR_CONNECTION_LOST, "cannot connect to %s:%d: %s", host, port,
                            strerror(err));
        return NULL;
    }
    /* requests are whole messages: Nagle's algorithm would only hold each
     * one back for a delayed ACK (40 ms a request on Linux) */
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &(int){1}, sizeof(int));
    VM_NEW(t);
    t->ops = &tcp_ops;
    t->fd = fd;
    t->timeout_ms = timeout_ms;
    t->peer = vm_asprintf(strchr(host, ':') ? "[%s]:%d" : "%s:%d", host, port);
    return t;
}

struct vm_transport *vm_transport_unix(const char *path, int timeout_ms)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    struct vm_transport *t;
    int fd;

    if (strlen(path) >= sizeof(sa.sun_path)) {
        vm_report_error(VM_ERR_INVALID_ARG, "socket path '%s' is longer than %zu bytes", path,
                        sizeof(sa.sun_path) - 1);
        return NULL;
    }
    memcpy(sa.sun_path, path, strlen(path) + 1);
    /* a local connect does not wait for a peer: it is accepted into the
     * backlog or refused at once */
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
        connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        int err = errno;
        if (fd >= 0)
            close(fd);
        vm_report_error(VM_ERR_CONNECTION_LOST, "cannot connect to virtmond's socket '%s': %s",
                        path, strerror(err));
        return NULL;
    }
    VM_NEW(t);
    t->ops = &tcp_ops;
    t->fd = fd;
    t->timeout_ms = timeout_ms;
    t->peer = vm_strdup(path);
    return t;
}

ssize_t vm_transport_read(struct vm_transport *t, void *buf, size_t len)
{
    return t->ops->read(t, buf, len);
}

int vm_transport_write(struct vm_transport *t, const void *buf, size_t len)
{
    return t->ops->write(t, buf, len);
}

void vm_transport_close(struct vm_transport *t)
{
    if (t)
        t->ops->close(t);
}

size_t vm_transport_pending(struct vm_transport *t)
{
    return t->ops->pending ? t->ops->pending(t) : 0;
}
