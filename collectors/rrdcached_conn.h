/*
 * rrdcached_conn.h: a connection to rrdcached, speaking its text protocol
 * (rrdcached(8)).  librrd's own client sends one command per round trip
 * and Debian's librrd does not export its BATCH support; a collector's
 * thousands of updates a cycle go as one BATCH here instead, about four
 * times cheaper.
 */
#ifndef RRDCACHED_CONN_H
#define RRDCACHED_CONN_H

#include <stdbool.h>
#include <stddef.h>

struct rrdcached_conn;

/* Connects to address: "unix:PATH" or "/PATH" (a UNIX socket), "HOST",
 * "HOST:PORT" or "[IPV6]:PORT" (TCP, port 42217 by default).  Every
 * exchange gives up after timeout_s seconds.  NULL with an error. */
struct rrdcached_conn *rrdcached_conn_open(const char *address, int timeout_s);

/* A connection on fd, already connected (tests, and the fuzz target, which
 * play the daemon on a socketpair); it owns fd.  address names it. */
struct rrdcached_conn *rrdcached_conn_adopt(int fd, const char *address, bool is_unix);

/* Whether the connection is to a UNIX socket (the daemon shares our
 * file system, so paths are absolute) rather than TCP (paths are
 * relative to the daemon's base directory). */
bool rrdcached_conn_is_unix(const struct rrdcached_conn *conn);

/* Sends one command (no newline) and reads its answer: *status is the
 * daemon's (negative: the command failed), *message its text (caller
 * frees).  -1 with an error when the exchange itself failed. */
int rrdcached_conn_command(struct rrdcached_conn *conn, const char *command, int *status,
                           char **message);

/* Sends n commands as one BATCH; for each that failed, failed(ctx, i,
 * message) with its index.  -1 with an error when the exchange failed. */
int rrdcached_conn_batch(struct rrdcached_conn *conn, char *const *commands, size_t n,
                         void (*failed)(void *ctx, size_t index, const char *message),
                         void *ctx);

/* Closes and frees; NULL-safe. */
void rrdcached_conn_close(struct rrdcached_conn *conn);

#endif /* RRDCACHED_CONN_H */
