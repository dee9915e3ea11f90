/*
 * xen_http.h: HTTP/1.1 over TLS with keep-alive, as much of it as XenAPI
 * needs: POST / for XML-RPC and GET /rrd_updates, Content-Length or
 * chunked replies, every read bounded in size and time.
 */
#ifndef XEN_HTTP_H
#define XEN_HTTP_H

#include <stddef.h>

#include "util/vm_tls.h"

struct xen_http;

/* A client for host:port (connected at the first request) with the TLS
 * configuration tls (borrowed: it must outlive the client) and a deadline
 * of timeout_ms on the connection and on each read and write.  Free with
 * xen_http_free(). */
struct xen_http *xen_http_new(const char *host, int port, const struct vm_tls_config *tls,
                              int timeout_ms);
void xen_http_free(struct xen_http *h);

/* One request: method ("POST", "GET") on path with body (may be NULL) of
 * type content_type.  0 with *status and the reply's body in *reply (NUL
 * terminated, *reply_len bytes, the caller's), at most max bytes; -1 with
 * an error (connection, TLS, timeout, protocol, a reply over max).  A
 * kept-alive connection the server closed meanwhile is opened again once,
 * when nothing of the reply had come. */
int xen_http_request(struct xen_http *h, const char *method, const char *path,
                     const char *content_type, const char *body, size_t body_len, int *status,
                     char **reply, size_t *reply_len, size_t max);

/* Closes the connection (the next request opens another). */
void xen_http_disconnect(struct xen_http *h);

#endif /* XEN_HTTP_H */
