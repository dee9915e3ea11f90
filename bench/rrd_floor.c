/*
 * rrd_floor.c: the floors virtmon-collector is measured against, on an
 * RRD directory the collector has already filled:
 *
 *   rrd_floor URI RRD_DIR SOCKET TIME   prints "bulk MS batch MS updates N":
 *       the wall time of the bulk stats call alone (on an open connection),
 *       then of sending rrdcached one raw BATCH with an update of every
 *       file at TIME (each DS written 1) in one write, reading its answer.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "rrd_layout.h"
#include "util/vm_alloc.h"
#include "util/vm_buf.h"
#include "virtmon.h"

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void line(struct vm_buf *b, const char *dir, char *file, enum rrd_kind kind, long t)
{
    size_t n;

    rrd_kind_ds(kind, &n);
    vm_buf_addf(b, "UPDATE %s/%s %ld", dir, file, t);
    for (size_t i = 0; i < n; i++)
        vm_buf_add(b, ":1");
    vm_buf_add(b, "\n");
    free(file);
}

int main(int argc, char **argv)
{
    struct vm_connect *conn;
    struct vm_domain_stats **st = NULL;
    struct vm_buf b = VM_BUF_INIT;
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    char reply[65536];
    double t0, t1, t2;
    long t;
    int n, fd, updates = 1;
    size_t off = 0;

    if (argc != 5) {
        fprintf(stderr, "usage: rrd_floor URI RRD_DIR SOCKET TIME\n");
        return 2;
    }
    t = atol(argv[4]);
    if (!(conn = vm_connect_open(argv[1], VM_CONNECT_RO))) {
        fprintf(stderr, "rrd_floor: cannot connect\n");
        return 1;
    }
    t0 = now_ms();
    n = vm_connect_get_all_domain_stats(conn, &st, 0);
    t1 = now_ms();
    if (n < 0)
        return 1;

    vm_buf_add(&b, "BATCH\n");
    line(&b, argv[2], rrd_file(RRD_HOST, NULL, NULL), RRD_HOST, t);
    for (int i = 0; i < n; i++) {
        char uuid[VM_UUID_STRING_BUFLEN];
        vm_uuid_format(st[i]->uuid, uuid);
        line(&b, argv[2], rrd_file(RRD_DOMAIN, uuid, NULL), RRD_DOMAIN, t);
        for (size_t k = 0; k < st[i]->nblock; k++)
            line(&b, argv[2], rrd_file(RRD_DISK, uuid, st[i]->block[k].name), RRD_DISK, t);
        for (size_t k = 0; k < st[i]->nnet; k++)
            line(&b, argv[2], rrd_file(RRD_IF, uuid, st[i]->net[k].name), RRD_IF, t);
        updates += 1 + (int)st[i]->nblock + (int)st[i]->nnet;
    }
    vm_buf_add(&b, ".\n");

    strncpy(sa.sun_path, argv[3], sizeof(sa.sun_path) - 1);
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        fprintf(stderr, "rrd_floor: cannot connect to %s\n", argv[3]);
        return 1;
    }
    t2 = now_ms();
    if (write(fd, vm_buf_str(&b), b.len) != (ssize_t)b.len)
        return 1;
    /* "0 Go ahead..." then "N errors" and N lines: read until the count's lines are in */
    for (;;) {
        ssize_t r = read(fd, reply + off, sizeof(reply) - 1 - off);
        char *errs;
        if (r <= 0)
            break;
        off += (size_t)r;
        reply[off] = '\0';
        if ((errs = strstr(reply, " errors\n"))) {
            long nerr = strtol(strchr(reply, '\n') + 1, NULL, 10);
            long lines = 0;
            for (char *p = errs; *p; p++)
                lines += *p == '\n';
            if (lines - 1 >= nerr)
                break;
        }
    }
    printf("bulk %.3f batch %.3f updates %d\n", t1 - t0, now_ms() - t2, updates);
    close(fd);
    vm_buf_clear(&b);
    vm_domain_stats_list_free(st, (size_t)n);
    vm_connect_close(conn);
    return 0;
}
