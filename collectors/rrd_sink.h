/*
 * rrd_sink.h: where RRD creates and updates go: straight into the files
 * (librrd) or through rrdcached.  A sink is a table of functions, so the
 * collector never knows which it has.  Paths given to a sink are relative
 * to the RRD directory it was opened on.
 */
#ifndef RRD_SINK_H
#define RRD_SINK_H

#include <stddef.h>
#include <time.h>

struct rrd_update {
    const char *file;       /* relative to the RRD directory */
    char *values;           /* "TIME:v1:v2:..." */
};

/* Called for each update that failed, with its index and why. */
typedef void (*rrd_update_failed_fn)(void *ctx, size_t index, const char *message);

struct rrd_sink;

struct rrd_sink_ops {
    /* Creates file (and its directory) with args (rrd_create_args) unless
     * it exists: an existing file is kept as it is.  bytes is about its
     * size (rrd_file_bytes), for saying a disk is too full.  0, or -1
     * with an error. */
    int (*create)(struct rrd_sink *sink, const char *file, unsigned int step, time_t start,
                  char **args, unsigned long long bytes);
    /* Applies n updates; each one that fails is reported through failed
     * and the others still apply.  -1 with an error when the sink itself
     * failed (rrdcached gone): then no update is known to have applied. */
    int (*update)(struct rrd_sink *sink, const struct rrd_update *u, size_t n,
                  rrd_update_failed_fn failed, void *ctx);
    void (*close)(struct rrd_sink *sink);
};

struct rrd_sink {
    const struct rrd_sink_ops *ops;
    char *dir;              /* the RRD directory, as given */
};

/* A sink on dir: through the rrdcached at address (unix:PATH, /PATH,
 * HOST[:PORT]) when one is given, else direct.  NULL with an error. */
struct rrd_sink *rrd_sink_open(const char *dir, const char *address);

/* Closes and frees; NULL-safe. */
void rrd_sink_free(struct rrd_sink *sink);

/* 0 when path is a regular file or does not exist, so that librrd (or a
 * local rrdcached) may open it; -1 with an error naming it otherwise (a
 * FIFO would block the writer, a symlink lead it elsewhere). */
int rrd_sink_check_file(const char *path);

/* The direct and rrdcached sinks. */
struct rrd_sink *rrd_sink_direct_open(const char *dir);
struct rrd_sink *rrd_sink_cached_open(const char *dir, const char *address);

#endif /* RRD_SINK_H */
