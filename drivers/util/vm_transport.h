/*
 * vm_transport.h: a byte stream to a server with a deadline on everything
 * (connect, handshake, each read and write): plain TCP, or TLS on top of it
 * (vm_tls.h).  The XML-RPC client and the remote driver talk through it and
 * never know which they have.
 */
#ifndef VM_TRANSPORT_H
#define VM_TRANSPORT_H

#include <stddef.h>
#include <sys/types.h>

struct vm_transport;

struct vm_transport_ops {
    ssize_t (*read)(struct vm_transport *t, void *buf, size_t len);
    int (*write)(struct vm_transport *t, const void *buf, size_t len);
    void (*close)(struct vm_transport *t);
    size_t (*pending)(struct vm_transport *t);   /* may be NULL: never any */
};

struct vm_transport {
    const struct vm_transport_ops *ops;
    int fd;
    int timeout_ms;         /* for each read and write */
    char *peer;             /* "HOST:PORT", for messages */
};

/* A TCP connection to host:port (a name or an IP literal), established
 * within timeout_ms, which then bounds every read and write too.  NULL with
 * an error (connection refused, timeout, no such host). */
struct vm_transport *vm_transport_tcp(const char *host, int port, int timeout_ms);

/* A connection to a UNIX socket at path, whose reads and writes then wait
 * at most timeout_ms.  NULL with an error (no such socket, refused). */
struct vm_transport *vm_transport_unix(const char *path, int timeout_ms);

/* Up to len bytes: > 0, 0 at the end of the stream, -1 with an error
 * (timeout, connection lost). */
ssize_t vm_transport_read(struct vm_transport *t, void *buf, size_t len);

/* All of buf, or -1 with an error. */
int vm_transport_write(struct vm_transport *t, const void *buf, size_t len);

/* Bytes already received and not yet read (TLS decrypts ahead): a
 * poll() on the socket does not see them. */
size_t vm_transport_pending(struct vm_transport *t);

/* Closes and frees; NULL-safe. */
void vm_transport_close(struct vm_transport *t);

/* The socket transports' read and write, for transports that differ only
 * in how they begin and end (ssh's). */
ssize_t vm_transport_sock_read(struct vm_transport *t, void *buf, size_t len);
int vm_transport_sock_write(struct vm_transport *t, const void *buf, size_t len);

/* For transports built on a TCP one (TLS): waits until fd is readable
 * (events POLLIN) or writable (POLLOUT) within t's timeout; 0, or -1 with a
 * timeout error naming what was awaited. */
int vm_transport_wait(struct vm_transport *t, short events, const char *what);

#endif /* VM_TRANSPORT_H */
