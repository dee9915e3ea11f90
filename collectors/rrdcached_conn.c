/*
 * rrdcached_conn.c: rrdcached's text protocol over a UNIX or TCP socket.
 */
#include "config.h"

#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "rrdcached_conn.h"
#include "util/vm_alloc.h"
#include "util/vm_buf.h"
#include "util/vm_error.h"

#define DEFAULT_PORT "42217"

struct rrdcached_conn {
    int fd;
    bool is_unix;
    char *address;
    char buf[8192];         /* what was read and not yet consumed */
    size_t start, len;
};

static int connect_unix(struct rrdcached_conn *c, const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};

    if (strlen(path) >= sizeof(sa.sun_path)) {
        vm_report_error(VM_ERR_INVALID_ARG, "rrdcached socket path '%s' is too long", path);
        return -1;
    }
    memcpy(sa.sun_path, path, strlen(path) + 1);
    c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        vm_report_error(VM_ERR_CONNECTION_LOST, "cannot connect to rrdcached at '%s': %s", path,
                        strerror(errno));
        return -1;
    }
    c->is_unix = true;
    return 0;
}

static int connect_tcp(struct rrdcached_conn *c, const char *address)
{
    VM_AUTOFREE char *host = vm_strdup(address);
    const char *port = DEFAULT_PORT;
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL;
    char *colon;
    int rc;

    if (host[0] == '[') {       /* [v6]:port */
        char *end = strchr(host, ']');
        if (!end || (end[1] && end[1] != ':')) {
            vm_report_error(VM_ERR_INVALID_ARG, "bad rrdcached address '%s'", address);
            return -1;
        }
        *end = '\0';
        if (end[1] == ':')
            port = end + 2;
        memmove(host, host + 1, strlen(host));
    } else if ((colon = strchr(host, ':')) && !strchr(colon + 1, ':')) {
        *colon = '\0';
        port = colon + 1;
    }
    if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
        vm_report_error(VM_ERR_CONNECTION_LOST, "cannot resolve rrdcached address '%s': %s",
                        address, gai_strerror(rc));
        return -1;
    }
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        c->fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (c->fd >= 0 && connect(c->fd, ai->ai_addr, ai->ai_addrlen) == 0)
            break;
        rc = errno;
        if (c->fd >= 0)
            close(c->fd);
        c->fd = -1;
    }
    freeaddrinfo(res);
    if (c->fd < 0) {
        vm_report_error(VM_ERR_CONNECTION_LOST, "cannot connect to rrdcached at '%s': %s",
                        address, strerror(rc));
        return -1;
    }
    return 0;
}

struct rrdcached_conn *rrdcached_conn_open(const char *address, int timeout_s)
{
    struct rrdcached_conn *c;
    struct timeval tv = {.tv_sec = timeout_s};
    int rc;

    VM_NEW(c);
    c->fd = -1;
    c->address = vm_strdup(address);
    if (strncmp(address, "unix:", 5) == 0)
        rc = connect_unix(c, address + 5);
    else if (address[0] == '/')
        rc = connect_unix(c, address);
    else
        rc = connect_tcp(c, address);
    if (rc < 0) {
        rrdcached_conn_close(c);
        return NULL;
    }
    /* a daemon that stops answering must not hold the collector forever */
    setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    return c;
}

struct rrdcached_conn *rrdcached_conn_adopt(int fd, const char *address, bool is_unix)
{
    struct rrdcached_conn *c;

    VM_NEW(c);
    c->fd = fd;
    c->is_unix = is_unix;
    c->address = vm_strdup(address);
    return c;
}

bool rrdcached_conn_is_unix(const struct rrdcached_conn *conn)
{
    return conn->is_unix;
}

static int lost(struct rrdcached_conn *c, int err)
{
    if (err == EAGAIN || err == EWOULDBLOCK)
        vm_report_error(VM_ERR_TIMEOUT, "rrdcached at '%s' did not answer in time", c->address);
    else if (err)
        vm_report_error(VM_ERR_CONNECTION_LOST, "rrdcached at '%s': %s", c->address,
                        strerror(err));
    else
        vm_report_error(VM_ERR_CONNECTION_LOST, "rrdcached at '%s' closed the connection",
                        c->address);
    return -1;
}

static int send_all(struct rrdcached_conn *c, const char *data, size_t len)
{
    while (len) {
        ssize_t w = send(c->fd, data, len, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return lost(c, w < 0 ? errno : 0);
        data += w;
        len -= (size_t)w;
    }
    return 0;
}

/* The next line of the answer, without its newline.  Caller frees. */
static char *read_line(struct rrdcached_conn *c)
{
    struct vm_buf line = VM_BUF_INIT;

    for (;;) {
        char *nl = memchr(c->buf + c->start, '\n', c->len);
        size_t take = nl ? (size_t)(nl - (c->buf + c->start)) : c->len;
        ssize_t r;

        vm_buf_add_len(&line, c->buf + c->start, take);
        if (nl) {
            c->start += take + 1;
            c->len -= take + 1;
            return vm_buf_steal(&line);
        }
        c->start = c->len = 0;
        do {
            r = recv(c->fd, c->buf, sizeof(c->buf), 0);
        } while (r < 0 && errno == EINTR);
        if (r <= 0) {
            vm_buf_clear(&line);
            lost(c, r < 0 ? errno : 0);
            return NULL;
        }
        c->len = (size_t)r;
    }
}

/* "N text": N, and text in *rest. */
static int parse_status(struct rrdcached_conn *c, const char *line, int *status, const char **rest)
{
    char *end;
    long v = strtol(line, &end, 10);

    if (end == line || (*end && *end != ' ')) {
        vm_report_error(VM_ERR_PROTOCOL, "rrdcached at '%s' answered '%s'", c->address, line);
        return -1;
    }
    *status = (int)v;
    *rest = *end ? end + 1 : end;
    return 0;
}

int rrdcached_conn_command(struct rrdcached_conn *conn, const char *command, int *status,
                           char **message)
{
    VM_AUTOFREE char *line = vm_asprintf("%s\n", command);
    VM_AUTOFREE char *reply = NULL;
    const char *text;

    *message = NULL;
    if (send_all(conn, line, strlen(line)) < 0 || !(reply = read_line(conn)) ||
        parse_status(conn, reply, status, &text) < 0)
        return -1;
    /* a positive status counts the lines that follow */
    for (int i = 0; i < *status; i++) {
        char *more = read_line(conn);
        if (!more)
            return -1;
        free(more);
    }
    *message = vm_strdup(text);
    return 0;
}

int rrdcached_conn_batch(struct rrdcached_conn *conn, char *const *commands, size_t n,
                         void (*failed)(void *ctx, size_t index, const char *message),
                         void *ctx)
{
    struct vm_buf out = VM_BUF_INIT;
    VM_AUTOFREE char *go = NULL, *summary = NULL;
    const char *text;
    int status, rc;

    if (!n)
        return 0;
    vm_buf_add(&out, "BATCH\n");
    for (size_t i = 0; i < n; i++)
        vm_buf_addf(&out, "%s\n", commands[i]);
    vm_buf_add(&out, ".\n");
    rc = send_all(conn, out.len ? vm_buf_str(&out) : "", out.len);
    vm_buf_clear(&out);
    if (rc < 0 || !(go = read_line(conn)) || parse_status(conn, go, &status, &text) < 0)
        return -1;
    if (status != 0) {
        vm_report_error(VM_ERR_OPERATION_FAILED, "rrdcached at '%s' refused BATCH: %s",
                        conn->address, text);
        return -1;
    }
    /* "N errors", then "INDEX message" for each, INDEX counting from 1 */
    if (!(summary = read_line(conn)) || parse_status(conn, summary, &status, &text) < 0)
        return -1;
    for (int i = 0; i < status; i++) {
        VM_AUTOFREE char *err = read_line(conn);
        char *end;
        unsigned long idx;
        if (!err)
            return -1;
        idx = strtoul(err, &end, 10);
        if (idx >= 1 && idx <= n)
            failed(ctx, idx - 1, *end == ' ' ? end + 1 : end);
    }
    return 0;
}

void rrdcached_conn_close(struct rrdcached_conn *conn)
{
    if (!conn)
        return;
    if (conn->fd >= 0)
        close(conn->fd);
    free(conn->address);
    free(conn);
}
