/*
 * vm_tls_server.h: the TLS server side (virtmond's listener) on gnutls:
 * credentials from the PKI layout (CA, CRL, server certificate and key),
 * client certificates required and checked against the CA and CRL, and
 * non-blocking sessions an event loop drives (never waiting itself).
 */
#ifndef VM_TLS_SERVER_H
#define VM_TLS_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "vm_tls.h"

/* Loaded credentials; sessions hold a reference, so a reload (a new CRL)
 * can replace them while older sessions go on. */
struct vm_tls_server;

/* Loads cfg's CA and server certificate and key (required) and its CRL
 * (optional).  NULL with an error naming the file. */
struct vm_tls_server *vm_tls_server_new(const struct vm_tls_config *cfg);

/* Takes a reference (NULL-safe). */
void vm_tls_server_ref(struct vm_tls_server *srv);

/* Drops a reference (the creator's, or a session's); NULL-safe. */
void vm_tls_server_unref(struct vm_tls_server *srv);

/* One client's session on a non-blocking socket.  Free with
 * vm_tls_session_free() (which does not close fd). */
struct vm_tls_session;

struct vm_tls_session *vm_tls_session_new(struct vm_tls_server *srv, int fd);
void vm_tls_session_free(struct vm_tls_session *s);

/* Moves the handshake on: 0 done (the client's certificate checked out),
 * 1 to be called again when fd is ready (vm_tls_session_wants_write() says
 * for what), -1 failed with an error saying why (the verification's
 * findings for a bad client certificate); the client was told by an
 * alert. */
int vm_tls_session_handshake(struct vm_tls_session *s);

/* Whether the session waits to write (else to read). */
bool vm_tls_session_wants_write(struct vm_tls_session *s);

/* Record I/O: bytes moved, 0 at the end of the stream (recv), -1 with errno
 * EAGAIN (call again with the same arguments when ready), or -1 with an
 * error (errno EPROTO). */
ssize_t vm_tls_session_recv(struct vm_tls_session *s, void *buf, size_t len);
ssize_t vm_tls_session_send(struct vm_tls_session *s, const void *buf, size_t len);

/* Bytes decrypted and not yet read: poll() does not see them. */
size_t vm_tls_session_pending(struct vm_tls_session *s);

/* The client certificate's DN as gnutls prints it in its traditional
 * order ("C=GB,O=Example,CN=client1"), after the handshake; caller frees.
 * NULL with an error. */
char *vm_tls_session_peer_dn(struct vm_tls_session *s);

/* The cipher's key size in bits: the SSF SASL sees under it. */
unsigned int vm_tls_session_ssf(struct vm_tls_session *s);

/* Whether dn matches one of the n shell wildcard patterns. */
bool vm_tls_dn_allowed(const char *dn, char *const *patterns, size_t n);

#endif /* VM_TLS_SERVER_H */
