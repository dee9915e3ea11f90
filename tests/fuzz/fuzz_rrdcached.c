/*
 * fuzz_rrdcached.c: whatever an rrdcached (or something else on its
 * socket) answers, a BATCH and a command end in an answer or an error,
 * never a crash, and report failures only for commands that were sent.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fuzz.h"
#include "rrdcached_conn.h"

#define NCMD 3

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    return 0;
}

static void failed(void *ctx, size_t index, const char *message)
{
    if (index >= NCMD || !message)
        abort();
    (*(size_t *)ctx)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *cmds[NCMD] = {"UPDATE a.rrd 1:1", "UPDATE b.rrd 1:1", "UPDATE c.rrd 1:1"};
    int sv[2], status;
    size_t nfailed = 0;
    char *msg = NULL;
    struct rrdcached_conn *c;

    /* the answers wait in the socket; what we send goes unread (it is small) */
    if (size > 60000 || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
        return 0;
    if (write(sv[1], data, size) != (ssize_t)size) {
        close(sv[0]);
        close(sv[1]);
        return 0;
    }
    shutdown(sv[1], SHUT_WR);
    c = rrdcached_conn_adopt(sv[0], "fuzz", true);
    if (rrdcached_conn_batch(c, cmds, NCMD, failed, &nfailed) == 0 &&
        rrdcached_conn_command(c, "STATS", &status, &msg) == 0 && !msg)
        abort();
    free(msg);
    rrdcached_conn_close(c);
    close(sv[1]);
    return 0;
}
