/*
 * vm_sasl.h: SASL (cyrus-sasl) for virtmond and its remote clients.  The
 * daemon's side reads its configuration from a directory of its own (the
 * config dir's sasl2/, never /etc/sasl2); the client's side answers from
 * auth.conf (service "virtmon") and then the caller's credential callback.
 * No security layer is negotiated: the socket under it is local or TLS.
 */
#ifndef VM_SASL_H
#define VM_SASL_H

#include <stdbool.h>
#include <stddef.h>

#include "virtmon.h"

/* The SASL service name both sides use (a Kerberos principal is
 * virtmond/HOST). */
#define VM_SASL_SERVICE "virtmond"

/* One side of one authentication.  Free with vm_sasl_free(). */
struct vm_sasl;

void vm_sasl_free(struct vm_sasl *s);

/* What the exchange functions return besides -1. */
enum vm_sasl_status {
    VM_SASL_DONE = 0,       /* authenticated */
    VM_SASL_CONTINUE = 1,   /* the peer's next token is needed */
};

/* Once per process, before any server session: app_name names the SASL
 * configuration file (app_name.conf) read from conf_dir.  -1 with an error. */
int vm_sasl_server_init(const char *app_name, const char *conf_dir);

/* A server session for one client: local and remote as "IP;PORT" (NULL for
 * a UNIX socket), external_ssf the strength of the TLS under it (0 for
 * UNIX).  NULL with an error. */
struct vm_sasl *vm_sasl_server_new(const char *local, const char *remote,
                                   unsigned int external_ssf);

/* The mechanisms offered, comma-separated (caller frees); NULL with an
 * error when there are none. */
char *vm_sasl_server_mechlist(struct vm_sasl *s);

/* The server's steps: the client's token (in may be NULL), the answer in
 * *out (owned by s, valid until the next call; NULL for none).  A failure
 * is -1 with an auth error fit for the client; vm_sasl_why() says more,
 * for the daemon's log. */
int vm_sasl_server_start(struct vm_sasl *s, const char *mech, const char *in, size_t inlen,
                         const char **out, size_t *outlen);
int vm_sasl_server_step(struct vm_sasl *s, const char *in, size_t inlen, const char **out,
                        size_t *outlen);

/* Who authenticated (after VM_SASL_DONE), owned by s. */
const char *vm_sasl_username(struct vm_sasl *s);

/* What the SASL library said of the last failure, owned by s. */
const char *vm_sasl_why(struct vm_sasl *s);

/* A client session to host (the URI's host, "localhost" for a UNIX
 * socket); credentials from auth.conf at authfile, then auth's callback.
 * NULL with an error. */
struct vm_sasl *vm_sasl_client_new(const char *host, const struct vm_connect_auth *auth,
                                   const char *authfile);

/* Picks a mechanism from the server's mechlist (*mech owned by s) and
 * makes the first token; then each step answers the server's.  -1 with an
 * auth error (a missing credential names what was looked for). */
int vm_sasl_client_start(struct vm_sasl *s, const char *mechlist, const char **mech,
                         const char **out, size_t *outlen);
int vm_sasl_client_step(struct vm_sasl *s, const char *in, size_t inlen, const char **out,
                        size_t *outlen);

#endif /* VM_SASL_H */
