/*
 * vm_tls.h: the TLS client (gnutls): the PKI files (or their
 * data), the server certificate's checks (CA, CRL, validity, host name with
 * IP SANs), certificates the user pinned in server/trusted.pem for one
 * HOST:PORT, a validator callback for the rest, and the client certificate.
 */
#ifndef VM_TLS_H
#define VM_TLS_H

#include <stdbool.h>
#include <time.h>

#include "vm_transport.h"

/* What a configuration holds: each a file, or its data set through the API. */
enum vm_tls_item {
    VM_TLS_CA,          /* pki/ca/cert.pem */
    VM_TLS_CRL,         /* pki/ca/crl.pem */
    VM_TLS_CERT,        /* pki/client/cert.pem */
    VM_TLS_KEY,         /* pki/client/key.pem (never readable by group or others) */
    VM_TLS_TRUSTED,     /* pki/server/trusted.pem: pinned server certificates */
    VM_TLS_SERVER_CERT, /* pki/server/cert.pem (virtmond) */
    VM_TLS_SERVER_KEY,  /* pki/server/key.pem (never readable by group or others) */
    VM_TLS_ITEM_LAST
};

/* How a server certificate came to be accepted, or not. */
enum vm_tls_verdict {
    VM_TLS_UNTRUSTED = 0,
    VM_TLS_TRUSTED_CA,       /* chain, CRL, dates and name check out */
    VM_TLS_TRUSTED_PINNED,   /* in trusted.pem for this HOST:PORT, within its dates */
    VM_TLS_TRUSTED_CALLBACK, /* the validator accepted it */
    VM_TLS_NOT_VERIFIED,     /* no_verify=1 */
};

/* The server's certificate as a handshake saw it. */
struct vm_tls_peer {
    char *subject, *issuer;     /* as gnutls prints DNs: "CN=localhost" */
    time_t not_before, not_after;
    char fingerprint[3 * 32];   /* SHA-256, "AB:CD:..." */
    char *pem;                  /* the certificate */
    enum vm_tls_verdict verdict;
    char *why;                  /* what the checks found, when not trusted by the CA */
};

void vm_tls_peer_free(struct vm_tls_peer *peer);

/* Asked about a certificate the CA does not vouch for: 0 reject, 1 accept
 * once, 2 accept and pin it (appended to trusted.pem for host:port). */
typedef int (*vm_tls_validator)(const struct vm_tls_peer *peer, const char *host, int port,
                                void *opaque);

struct vm_tls_config {
    char *dir;                      /* the PKI directory the files were looked for in */
    char *file[VM_TLS_ITEM_LAST];   /* paths; NULL: none */
    char *data[VM_TLS_ITEM_LAST];   /* PEM data set through the API: wins over the file */
    bool no_verify;
    vm_tls_validator validator;
    void *validator_opaque;
};

/* The client configuration of a PKI directory (pki_dir, else the config
 * dir's pki/): the files of the PKI layout that exist.  Free with
 * vm_tls_config_free(). */
struct vm_tls_config *vm_tls_config_new(const char *pki_dir);
void vm_tls_config_free(struct vm_tls_config *cfg);

/* An item's PEM (caller frees, after wiping a key): its data, else its
 * file; 0 with *pem NULL when neither is set or the file is missing; -1
 * with an error (a key readable by others is one). */
int vm_tls_config_load(const struct vm_tls_config *cfg, enum vm_tls_item item, char **pem,
                       size_t *len);

/* Where an item's file is (or would be, in cfg's directory); caller frees. */
char *vm_tls_config_path(const struct vm_tls_config *cfg, enum vm_tls_item item);

/* Loads cfg's CA and CRL, and one side's certificate and key (the
 * client's, or with server virtmond's) into a gnutls credentials object.
 * A client goes without what it lacks; a server needs all but the CRL and
 * names what is missing and where it was looked for.  Load errors name
 * peer (a client's "HOST:PORT"), else the file.  -1 with an error. */
struct gnutls_certificate_credentials_st;
int vm_tls_load_credentials(const struct vm_tls_config *cfg,
                            struct gnutls_certificate_credentials_st *cred, bool server,
                            const char *peer);

/* Sets one item's file (path) or data (PEM text), replacing what was set. */
void vm_tls_config_set_file(struct vm_tls_config *cfg, enum vm_tls_item item, const char *path);
void vm_tls_config_set_data(struct vm_tls_config *cfg, enum vm_tls_item item, const char *pem);

/* A TLS connection to host:port: TCP, handshake and checks, each within
 * timeout_ms (which then bounds every read and write).  An untrusted server
 * is refused (tls error saying why) unless pinned or accepted by the
 * validator.  *peer (when peer is not NULL) gets what was seen, also on a
 * refusal after the handshake.  NULL with an error. */
struct vm_transport *vm_tls_connect(const char *host, int port, const struct vm_tls_config *cfg,
                                    int timeout_ms, struct vm_tls_peer **peer);

/* Appends peer's certificate to cfg's trusted.pem, marked for host:port.
 * -1 with an error. */
int vm_tls_pin(const struct vm_tls_config *cfg, const struct vm_tls_peer *peer,
               const char *host, int port);

#endif /* VM_TLS_H */
