/*
 * vm_uri.h: connection URIs (virtmon(1), URIS).
 *
 * A hand-written parser rather than libxml2's xmlParseURI: every malformed
 * URI must get an error naming the part that is wrong, and the parser is
 * fuzzed as our own (instrumented) code.
 */
#ifndef VM_URI_H
#define VM_URI_H

#include <stdbool.h>

enum vm_uri_param {
    VM_URI_PARAM_NO_VERIFY = 1 << 0,
    VM_URI_PARAM_PKI = 1 << 1,
    VM_URI_PARAM_SOCKET = 1 << 2,
    VM_URI_PARAM_AUTHFILE = 1 << 3,
};

struct vm_uri {
    char *scheme;       /* as written, e.g. "qemu+tls" */
    char *driver;       /* the part before '+', e.g. "qemu" */
    char *transport;    /* "unix", "tls", "ssh", or NULL */
    char *user;         /* NULL when absent */
    char *host;         /* NULL when empty; IPv6 without brackets */
    int port;           /* -1 when absent */
    char *path;         /* decoded, "" when absent */
    unsigned int params;/* enum vm_uri_param bits present */
    bool no_verify;
    char *pki, *socket, *authfile;
};

/* Parses str into a new vm_uri (free with vm_uri_free()); NULL with an
 * invalid-uri error naming what is wrong. */
struct vm_uri *vm_uri_parse(const char *str);

void vm_uri_free(struct vm_uri *uri);

/* The canonical text of uri.  Caller frees with free(). */
char *vm_uri_format(const struct vm_uri *uri);

/* Fails (invalid-uri, naming the first offending parameter) when uri carries
 * a parameter outside allowed (enum vm_uri_param bits). */
int vm_uri_check_params(const struct vm_uri *uri, unsigned int allowed);

/* HOST, HOST:PORT, [V6]:PORT or a bare IPv6 address into *host (caller
 * frees) and *port (default_port when none is given).  -1 with an
 * invalid-arg error naming arg. */
int vm_host_port_parse(const char *arg, int default_port, char **host, int *port);

#endif /* VM_URI_H */
