/*
 * xen_http.c: a small HTTP/1.1 client for XenAPI.  Not a general one: one
 * request at a time on one kept-alive TLS connection, replies read in full
 * into memory with a size bound, no redirects (XenAPI redirects by
 * HOST_IS_SLAVE, at the XML-RPC level).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/vm_alloc.h"
#include "util/vm_buf.h"
#include "util/vm_error.h"
#include "xen_http.h"

/* Status line and headers together. */
#define HEAD_MAX (64 * 1024)

struct xen_http {
    char *host;
    int port;
    const struct vm_tls_config *tls;
    int timeout_ms;
    struct vm_transport *t;
    bool reused;            /* t has served a request already */
    char buf[16384];        /* bytes read and not yet taken */
    size_t start, end;
};

struct xen_http *xen_http_new(const char *host, int port, const struct vm_tls_config *tls,
                              int timeout_ms)
{
    struct xen_http *h;

    VM_NEW(h);
    h->host = vm_strdup(host);
    h->port = port;
    h->tls = tls;
    h->timeout_ms = timeout_ms;
    return h;
}

void xen_http_disconnect(struct xen_http *h)
{
    vm_transport_close(h->t);
    h->t = NULL;
    h->reused = false;
    h->start = h->end = 0;
}

void xen_http_free(struct xen_http *h)
{
    if (!h)
        return;
    xen_http_disconnect(h);
    free(h->host);
    free(h);
}

/* More bytes into buf; 0 at the end of the stream, -1 with an error. */
static ssize_t fill(struct xen_http *h)
{
    ssize_t n;

    if (h->start == h->end)
        h->start = h->end = 0;
    if (h->end == sizeof(h->buf)) {
        memmove(h->buf, h->buf + h->start, h->end - h->start);
        h->end -= h->start;
        h->start = 0;
    }
    n = vm_transport_read(h->t, h->buf + h->end, sizeof(h->buf) - h->end);
    if (n > 0)
        h->end += (size_t)n;
    return n;
}

static int lost(struct xen_http *h, const char *what)
{
    vm_report_error(VM_ERR_CONNECTION_LOST, "%s:%d closed the connection %s", h->host, h->port,
                    what);
    return -1;
}

static int protocol(struct xen_http *h, const char *what)
{
    vm_report_error(VM_ERR_PROTOCOL, "malformed HTTP reply from %s:%d: %s", h->host, h->port,
                    what);
    return -1;
}

/* One line (CRLF or LF ended) into *line, at most HEAD_MAX bytes in all
 * (*used counts them). */
static int read_line(struct xen_http *h, struct vm_buf *line, size_t *used)
{
    vm_buf_clear(line);
    for (;;) {
        char *nl = memchr(h->buf + h->start, '\n', h->end - h->start);
        size_t n = nl ? (size_t)(nl - (h->buf + h->start)) + 1 : h->end - h->start;
        ssize_t r;
        *used += n;
        if (*used > HEAD_MAX)
            return protocol(h, "headers longer than 64 KiB");
        vm_buf_add_len(line, h->buf + h->start, nl ? n - 1 : n);
        h->start += n;
        if (nl) {
            if (line->len && line->data[line->len - 1] == '\r')
                line->data[--line->len] = '\0';
            return 0;
        }
        if ((r = fill(h)) < 0)
            return -1;
        if (r == 0)
            return lost(h, "in the middle of the headers");
    }
}

/* Exactly n bytes of the body into out. */
static int read_exact(struct xen_http *h, struct vm_buf *out, size_t n)
{
    while (n > 0) {
        size_t have = h->end - h->start;
        ssize_t r;
        if (have) {
            size_t take = have < n ? have : n;
            vm_buf_add_len(out, h->buf + h->start, take);
            h->start += take;
            n -= take;
            continue;
        }
        if ((r = fill(h)) < 0)
            return -1;
        if (r == 0)
            return lost(h, "before the end of the reply");
    }
    return 0;
}

static int too_big(struct xen_http *h, size_t max)
{
    vm_report_error(VM_ERR_PROTOCOL, "the reply from %s:%d is larger than %zu MiB", h->host,
                    h->port, max / (1024 * 1024));
    return -1;
}

static int read_chunked(struct xen_http *h, struct vm_buf *body, size_t *len, size_t max)
{
    struct vm_buf line = VM_BUF_INIT;
    size_t used = 0;

    for (;;) {
        char *end;
        unsigned long long n;
        /* chunk-size lines are short; HEAD_MAX bounds them all together */
        if (read_line(h, &line, &used) < 0)
            goto error;
        errno = 0;
        n = strtoull(vm_buf_str(&line), &end, 16);
        if (end == vm_buf_str(&line) || errno || (*end && *end != ';' && *end != ' ')) {
            protocol(h, "a chunk size that is not hexadecimal");
            goto error;
        }
        if (n == 0)
            break;
        if (n > max - *len) {
            too_big(h, max);
            goto error;
        }
        if (read_exact(h, body, (size_t)n) < 0 || read_line(h, &line, &used) < 0)
            goto error;
        *len += (size_t)n;
    }
    /* trailers, up to the empty line */
    do {
        if (read_line(h, &line, &used) < 0)
            goto error;
    } while (*vm_buf_str(&line));
    vm_buf_clear(&line);
    return 0;
error:
    vm_buf_clear(&line);
    return -1;
}

/* Reads a reply's head; *got_any tells whether any byte came. */
static int read_head(struct xen_http *h, int *status, long long *length, bool *chunked,
                     bool *close_after, bool *got_any)
{
    struct vm_buf line = VM_BUF_INIT;
    size_t used = 0;
    int r = -1;

    *got_any = false;
    if (h->start == h->end) {
        ssize_t n = fill(h);
        if (n <= 0) {
            if (n == 0)
                lost(h, "without a reply");
            return -1;
        }
    }
    *got_any = true;
    if (read_line(h, &line, &used) < 0)
        goto out;
    if (sscanf(vm_buf_str(&line), "HTTP/1.%*1[01] %3d", status) != 1 || *status < 100) {
        protocol(h, "no HTTP/1.x status line");
        goto out;
    }
    *length = -1;
    *chunked = false;
    *close_after = strncmp(vm_buf_str(&line), "HTTP/1.0", 8) == 0;
    for (;;) {
        const char *l, *v;
        if (read_line(h, &line, &used) < 0)
            goto out;
        l = vm_buf_str(&line);
        if (!*l)
            break;
        if (!(v = strchr(l, ':'))) {
            protocol(h, "a header line without a colon");
            goto out;
        }
        for (v++; *v == ' ' || *v == '\t'; v++)
            ;
        if (strncasecmp(l, "Content-Length:", 15) == 0) {
            char *end;
            errno = 0;
            *length = strtoll(v, &end, 10);
            if (!isdigit((unsigned char)*v) || errno || (*end && !isspace((unsigned char)*end))) {
                protocol(h, "a Content-Length that is not a number");
                goto out;
            }
        } else if (strncasecmp(l, "Transfer-Encoding:", 18) == 0) {
            *chunked = strcasestr(v, "chunked") != NULL;
        } else if (strncasecmp(l, "Connection:", 11) == 0) {
            if (strcasestr(v, "close"))
                *close_after = true;
            else if (strcasestr(v, "keep-alive"))
                *close_after = false;
        }
    }
    r = 0;
out:
    vm_buf_clear(&line);
    return r;
}

static int connect_once(struct xen_http *h)
{
    if (h->t)
        return 0;
    h->start = h->end = 0;
    h->reused = false;
    h->t = vm_tls_connect(h->host, h->port, h->tls, h->timeout_ms, NULL);
    return h->t ? 0 : -1;
}

static int exchange(struct xen_http *h, const char *method, const char *path,
                    const char *content_type, const char *body, size_t body_len, int *status,
                    struct vm_buf *out, size_t *out_len, size_t max, bool *retry)
{
    struct vm_buf req = VM_BUF_INIT;
    long long length;
    bool chunked, close_after, got_any;
    int r;

    *retry = false;
    if (connect_once(h) < 0)
        return -1;
    vm_buf_addf(&req, "%s %s HTTP/1.1\r\nHost: %s:%d\r\nUser-Agent: virtmon/" PACKAGE_VERSION
                "\r\nAccept: */*\r\n",
                method, path, h->host, h->port);
    if (body)
        vm_buf_addf(&req, "Content-Type: %s\r\nContent-Length: %zu\r\n", content_type, body_len);
    vm_buf_add(&req, "\r\n");
    r = vm_transport_write(h->t, vm_buf_str(&req), strlen(vm_buf_str(&req)));
    vm_buf_clear(&req);
    if (r == 0 && body)
        r = vm_transport_write(h->t, body, body_len);
    if (r < 0 || read_head(h, status, &length, &chunked, &close_after, &got_any) < 0) {
        /* a kept-alive connection the server had closed: nothing was
         * processed, so the request may go again on a new one */
        *retry = h->reused && (r < 0 || !got_any) &&
                 (vm_error_code() == VM_ERR_CONNECTION_LOST || vm_error_code() == VM_ERR_SYSTEM);
        return -1;
    }
    *out_len = 0;
    if (chunked) {
        if (read_chunked(h, out, out_len, max) < 0)
            return -1;
    } else if (length >= 0) {
        if ((unsigned long long)length > max)
            return too_big(h, max);
        if (read_exact(h, out, (size_t)length) < 0)
            return -1;
        *out_len = (size_t)length;
    } else {
        /* no length: the body runs to the end of the stream */
        for (;;) {
            size_t have = h->end - h->start;
            ssize_t n;
            if (have) {
                if (have > max - *out_len)
                    return too_big(h, max);
                vm_buf_add_len(out, h->buf + h->start, have);
                *out_len += have;
                h->start = h->end;
            }
            if ((n = fill(h)) < 0)
                return -1;
            if (n == 0)
                break;
        }
        close_after = true;
    }
    if (close_after)
        xen_http_disconnect(h);
    else
        h->reused = true;
    return 0;
}

int xen_http_request(struct xen_http *h, const char *method, const char *path,
                     const char *content_type, const char *body, size_t body_len, int *status,
                     char **reply, size_t *reply_len, size_t max)
{
    struct vm_buf out = VM_BUF_INIT;
    bool retry;
    int r = exchange(h, method, path, content_type, body, body_len, status, &out, reply_len,
                     max, &retry);

    if (r < 0 && retry) {
        xen_http_disconnect(h);
        vm_buf_clear(&out);
        vm_error_reset();
        r = exchange(h, method, path, content_type, body, body_len, status, &out, reply_len,
                     max, &retry);
    }
    if (r < 0) {
        xen_http_disconnect(h);
        vm_buf_clear(&out);
        return -1;
    }
    *reply = vm_buf_steal(&out);
    return 0;
}
