/*
 * daemon.h: virtmond's parts: the server (one poll() loop over its
 * listening sockets and clients, non-blocking, and a pool of worker threads
 * that make the hypervisor calls) and the dispatcher (one handler per
 * procedure of drivers/rpc/vm_rpc_proto.h).
 */
#ifndef DAEMON_H
#define DAEMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rpc/vm_rpc.h"
#include "rpc/vm_rpc_proto.h"
#include "virtmon.h"

struct vm_tls_server;
struct vm_sasl;

struct daemon_settings {
    const char *uri;            /* what to serve (NULL: the default URI) */
    const char *runtime_dir;    /* where the sockets go */
    unsigned int max_clients;
    unsigned int workers;
    int message_timeout_ms;     /* a message begun must be whole in this (0: 30 s) */
    const char *listen_host;    /* the TLS listener (NULL: none) */
    int listen_port;
    struct vm_tls_server *tls;  /* its credentials (a reference is taken) */
    char **dn_list;             /* tls_allowed_dn_list (NULL: every DN from the CA) */
    size_t n_dn;
    /* what each socket asks before OPEN */
    enum vm_rpc_auth auth_rw, auth_ro, auth_tcp;
};

struct daemon;

/* What a client is, for the dispatcher. */
struct daemon_peer {
    bool readonly;              /* it came through virtmond-sock-ro */
    bool greeted, opened;       /* HELLO and OPEN done */
    unsigned int id;            /* for the log */
    char *address;              /* "IP;PORT" of a TCP client (SASL's form), NULL on UNIX */
    char *local;                /* our end of it */
    unsigned int ssf;           /* the TLS under it (bits; 0 on UNIX) */
    enum vm_rpc_auth auth;      /* what the socket asks before OPEN */
    bool authed;                /* that is done (always, for none) */
    struct vm_sasl *sasl;       /* the SASL exchange in progress */
    char *refused;              /* why the client may do nothing (its DN): every call
                                 * gets this as an error and the client is closed */
    bool close_after;           /* close once this reply is written */
};

/* Frees what a peer holds (daemon_dispatch.c). */
void daemon_peer_clear(struct daemon_peer *peer);

/* The connection virtmond serves (one, shared by every worker). */
struct vm_connect *daemon_conn(struct daemon *d);

/* Whether peer's client gets lifecycle events from now on. */
void daemon_set_events(struct daemon *d, struct daemon_peer *peer, bool on);

/* Opens the hypervisor connection and the sockets; NULL with the error
 * reported (already logged). */
struct daemon *daemon_new(const struct daemon_settings *s);

/* Serves until stop is set (a signal handler sets it): then closes the
 * listeners, finishes the calls in progress and sends their replies
 * (bounded), and returns 0.  When reload is set instead, it clears it and
 * returns 1, for the caller to reload and call again (clients stay). */
int daemon_run(struct daemon *d, volatile int *stop, volatile int *reload);

/* Replaces the TLS credentials (new sessions use them, older ones keep
 * theirs) and the DN allow-list (checked at each handshake); takes
 * ownership of both.  Called between daemon_run()s. */
void daemon_reload_tls(struct daemon *d, struct vm_tls_server *tls, char **dn_list, size_t n_dn);

void daemon_free(struct daemon *d);

/* daemon_dispatch.c: answers one call (its header and body) from peer
 * into reply (a whole message, started here).  0 when the reply is ready
 * (an answer or an error reply), -1 when the call was malformed: the
 * client is to be dropped, *why saying why. */
int daemon_dispatch(struct daemon *d, struct daemon_peer *peer, const struct vm_rpc_header *h,
                    const uint8_t *body, size_t len, struct vm_rpc_enc *reply, const char **why);

#endif /* DAEMON_H */
