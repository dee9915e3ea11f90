/*
 * rrd_sink_cached.c: creates and updates through rrdcached, so a cycle's
 * thousands of updates cost one BATCH and the disk sees batched writes.
 * Over a UNIX socket the daemon shares our file system: paths are sent
 * absolute and directories made here.  Over TCP paths are sent relative,
 * for the daemon to resolve against its base directory (-b; -R lets it
 * make the per-domain directories).
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rrd_sink.h"
#include "rrdcached_conn.h"
#include "util/vm_alloc.h"
#include "util/vm_buf.h"
#include "util/vm_dirs.h"
#include "util/vm_error.h"

#define TIMEOUT_S 30

struct cached_sink {
    struct rrd_sink base;
    char *address;
    char *prefix;                   /* what goes before a file's relative path */
    struct rrdcached_conn *conn;    /* NULL after a failure: reconnected on use */
};

static struct rrdcached_conn *conn_of(struct cached_sink *s)
{
    if (!s->conn)
        s->conn = rrdcached_conn_open(s->address, TIMEOUT_S);
    return s->conn;
}

static void drop(struct cached_sink *s)
{
    rrdcached_conn_close(s->conn);
    s->conn = NULL;
}

static int cached_create(struct rrd_sink *sink, const char *file, unsigned int step,
                         time_t start, char **args, unsigned long long bytes)
{
    struct cached_sink *s = (struct cached_sink *)sink;
    struct vm_buf cmd = VM_BUF_INIT;

    (void)bytes;    /* the daemon says what went wrong itself */
    VM_AUTOFREE char *msg = NULL;
    int status, rc;

    if (!conn_of(s))
        return -1;
    if (rrdcached_conn_is_unix(s->conn)) {
        VM_AUTOFREE char *dir = vm_asprintf("%s%s", s->prefix, file);
        /* the daemon shares our file system: what would block it is ours to
         * refuse */
        if (rrd_sink_check_file(dir) < 0)
            return -1;
        *strrchr(dir, '/') = '\0';
        if (vm_dir_make(dir, 0755) < 0)
            return -1;
    }
    /* -O: a file that exists (ours from an earlier run) is kept */
    vm_buf_addf(&cmd, "CREATE %s%s -s %u -b %lld -O", s->prefix, file, step, (long long)start);
    for (char **a = args; *a; a++)
        vm_buf_addf(&cmd, " %s", *a);
    rc = rrdcached_conn_command(s->conn, vm_buf_str(&cmd), &status, &msg);
    vm_buf_clear(&cmd);
    if (rc < 0) {
        drop(s);
        return -1;
    }
    if (status < 0 && !strstr(msg, "File exists")) {
        vm_report_error(VM_ERR_OPERATION_FAILED, "rrdcached: %s", msg);
        return -1;
    }
    if (status >= 0) {
        /* a new file where an old one was: the daemon would otherwise keep
         * the old one's last update time and refuse the new file's first */
        VM_AUTOFREE char *forget = vm_asprintf("FORGET %s%s", s->prefix, file);
        VM_AUTOFREE char *answer = NULL;
        if (rrdcached_conn_command(s->conn, forget, &status, &answer) < 0) {
            drop(s);
            return -1;
        }
    }
    return 0;
}

static int cached_update(struct rrd_sink *sink, const struct rrd_update *u, size_t n,
                         rrd_update_failed_fn failed, void *ctx)
{
    struct cached_sink *s = (struct cached_sink *)sink;
    char **cmds;
    int rc;

    if (!conn_of(s))
        return -1;
    VM_NEW_N(cmds, n ? n : 1);
    for (size_t i = 0; i < n; i++)
        cmds[i] = vm_asprintf("UPDATE %s%s %s", s->prefix, u[i].file, u[i].values);
    rc = rrdcached_conn_batch(s->conn, cmds, n, failed, ctx);
    for (size_t i = 0; i < n; i++)
        free(cmds[i]);
    free(cmds);
    if (rc < 0)
        drop(s);
    return rc;
}

static void cached_close(struct rrd_sink *sink)
{
    struct cached_sink *s = (struct cached_sink *)sink;

    rrdcached_conn_close(s->conn);
    free(s->address);
    free(s->prefix);
    free(s->base.dir);
    free(s);
}

static const struct rrd_sink_ops cached_ops = {
    .create = cached_create,
    .update = cached_update,
    .close = cached_close,
};

struct rrd_sink *rrd_sink_cached_open(const char *dir, const char *address)
{
    struct cached_sink *s;

    /* the protocol separates words with spaces */
    if (strpbrk(dir, " \t\n")) {
        vm_report_error(VM_ERR_INVALID_ARG,
                        "RRD directory '%s': rrdcached cannot take a path with spaces", dir);
        return NULL;
    }
    VM_NEW(s);
    s->base.ops = &cached_ops;
    s->base.dir = vm_strdup(dir);
    s->address = vm_strdup(address);
    if (!conn_of(s))
        goto error;
    if (rrdcached_conn_is_unix(s->conn)) {
        char cwd[PATH_MAX];
        if (vm_dir_make(dir, 0755) < 0)
            goto error;
        if (dir[0] == '/') {
            s->prefix = vm_asprintf("%s/", dir);
        } else if (getcwd(cwd, sizeof(cwd))) {
            s->prefix = vm_asprintf("%s/%s/", cwd, dir);
        } else {
            vm_report_system_error(errno, "cannot find the current directory");
            goto error;
        }
    } else {
        if (dir[0] == '/') {
            vm_report_error(VM_ERR_INVALID_ARG,
                            "RRD directory '%s': over TCP rrdcached takes paths relative to "
                            "its base directory (-b)", dir);
            goto error;
        }
        s->prefix = vm_asprintf("%s/", dir);
    }
    return &s->base;

error:
    cached_close(&s->base);
    return NULL;
}
