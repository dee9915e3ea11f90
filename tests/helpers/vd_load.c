/*
 * vd_load MODE URI CLIENTS ROUNDS: CLIENTS threads, each on a connection
 * of its own (opened before any starts), each ROUNDS times listing every
 * domain, getting one domain's info and the bulk stats of all, each call
 * timed.  MODE virtmon talks through libvirtmon (the remote driver to
 * virtmond), MODE libvirt through libvirt's client (to libvirtd), so the
 * two daemons answer the same load.  Prints one line:
 *   requests=N errors=E p50_ms=X p99_ms=Y max_ms=Z wall_s=W
 * and exits 1 when any request failed (the first errors on stderr).
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef WITH_LIBVIRT
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#endif

#include "virtmon.h"

#define CALLS_PER_ROUND 3

struct client {
    const char *uri;
    bool libvirt;
    int rounds;
    void *conn;
    double *lat;            /* ms, one per request */
    int n, errors;
    pthread_barrier_t *start;
};

static pthread_mutex_t report_lock = PTHREAD_MUTEX_INITIALIZER;
static int reported;

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void failed(struct client *c, const char *what, const char *why)
{
    c->errors++;
    pthread_mutex_lock(&report_lock);
    if (reported++ < 5)
        fprintf(stderr, "vd_load: %s: %s\n", what, why ? why : "?");
    pthread_mutex_unlock(&report_lock);
}

/* One round through libvirtmon. */
static void round_virtmon(struct client *c, int i)
{
    struct vm_connect *conn = c->conn;
    struct vm_domain **doms = NULL;
    struct vm_domain_stats **st = NULL;
    struct vm_domain_info info;
    double t0 = now_ms();
    int n = vm_connect_list_domains(conn, &doms, 0);

    c->lat[c->n++] = now_ms() - t0;
    if (n < 0) {
        failed(c, "list", vm_error_message());
        c->lat[c->n++] = 0;
    } else {
        t0 = now_ms();
        if (n > 0 && vm_domain_get_info(doms[i % n], &info, 0) < 0)
            failed(c, "info", vm_error_message());
        c->lat[c->n++] = now_ms() - t0;
        vm_domain_list_free(doms, (size_t)n);
    }
    t0 = now_ms();
    n = vm_connect_get_all_domain_stats(conn, &st, 0);
    c->lat[c->n++] = now_ms() - t0;
    if (n < 0)
        failed(c, "bulk stats", vm_error_message());
    else
        vm_domain_stats_list_free(st, (size_t)n);
}

#ifdef WITH_LIBVIRT
/* The same round through libvirt's client. */
static void round_libvirt(struct client *c, int i)
{
    virConnectPtr conn = c->conn;
    virDomainPtr *doms = NULL;
    virDomainStatsRecordPtr *st = NULL;
    virDomainInfo info;
    double t0 = now_ms();
    int n = virConnectListAllDomains(conn, &doms, 0);

    c->lat[c->n++] = now_ms() - t0;
    if (n < 0) {
        failed(c, "list", virGetLastErrorMessage());
        c->lat[c->n++] = 0;
    } else {
        t0 = now_ms();
        if (n > 0 && virDomainGetInfo(doms[i % n], &info) < 0)
            failed(c, "info", virGetLastErrorMessage());
        c->lat[c->n++] = now_ms() - t0;
        for (int k = 0; k < n; k++)
            virDomainFree(doms[k]);
        free(doms);
    }
    t0 = now_ms();
    n = virConnectGetAllDomainStats(conn, 0, &st, 0);
    c->lat[c->n++] = now_ms() - t0;
    if (n < 0)
        failed(c, "bulk stats", virGetLastErrorMessage());
    else
        virDomainStatsRecordListFree(st);
}
#endif

static void *run(void *opaque)
{
    struct client *c = opaque;

    pthread_barrier_wait(c->start);
    for (int i = 0; i < c->rounds; i++) {
#ifdef WITH_LIBVIRT
        if (c->libvirt) {
            round_libvirt(c, i);
            continue;
        }
#endif
        round_virtmon(c, i);
    }
    return NULL;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

static void *open_conn(const char *uri, bool libvirt)
{
#ifdef WITH_LIBVIRT
    if (libvirt)
        return virConnectOpen(uri);
#endif
    return vm_connect_open(uri, 0);
}

static void close_conn(void *conn, bool libvirt)
{
#ifdef WITH_LIBVIRT
    if (libvirt) {
        virConnectClose(conn);
        return;
    }
#endif
    vm_connect_close(conn);
}

int main(int argc, char **argv)
{
    struct client *cl;
    pthread_t *th;
    pthread_barrier_t start;
    bool libvirt;
    int clients, rounds, total = 0, errors = 0;
    double *all, t0, wall;

    if (argc != 5 || (clients = atoi(argv[3])) < 1 || (rounds = atoi(argv[4])) < 1 ||
        (strcmp(argv[1], "virtmon") != 0 && strcmp(argv[1], "libvirt") != 0)) {
        fprintf(stderr, "usage: vd_load virtmon|libvirt URI CLIENTS ROUNDS\n");
        return 2;
    }
    libvirt = strcmp(argv[1], "libvirt") == 0;
#ifndef WITH_LIBVIRT
    if (libvirt) {
        fprintf(stderr, "vd_load: built without libvirt\n");
        return 2;
    }
#endif
    cl = calloc((size_t)clients, sizeof(*cl));
    th = calloc((size_t)clients, sizeof(*th));
    if (!cl || !th)
        return 2;
    pthread_barrier_init(&start, NULL, (unsigned int)clients + 1);
    for (int i = 0; i < clients; i++) {
        cl[i] = (struct client){argv[2], libvirt, rounds, NULL, NULL, 0, 0, &start};
        if (!(cl[i].lat = calloc((size_t)rounds * CALLS_PER_ROUND, sizeof(double))) ||
            !(cl[i].conn = open_conn(argv[2], libvirt))) {
            fprintf(stderr, "vd_load: client %d cannot connect to %s\n", i, argv[2]);
            return 1;
        }
    }
    for (int i = 0; i < clients; i++)
        pthread_create(&th[i], NULL, run, &cl[i]);
    pthread_barrier_wait(&start);
    t0 = now_ms();
    for (int i = 0; i < clients; i++)
        pthread_join(th[i], NULL);
    wall = (now_ms() - t0) / 1e3;
    all = calloc((size_t)clients * (size_t)rounds * CALLS_PER_ROUND, sizeof(double));
    if (!all)
        return 2;
    for (int i = 0; i < clients; i++) {
        memcpy(all + total, cl[i].lat, (size_t)cl[i].n * sizeof(double));
        total += cl[i].n;
        errors += cl[i].errors;
        close_conn(cl[i].conn, libvirt);
        free(cl[i].lat);
    }
    qsort(all, (size_t)total, sizeof(double), cmp);
    printf("requests=%d errors=%d p50_ms=%.2f p99_ms=%.2f max_ms=%.2f wall_s=%.2f\n", total,
           errors, all[total / 2], all[(size_t)(total * 0.99)], all[total - 1], wall);
    free(all);
    free(cl);
    free(th);
    pthread_barrier_destroy(&start);
    return errors ? 1 : 0;
}
