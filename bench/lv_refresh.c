/*
 * lv_refresh LIBVIRT-URI STATE_DIR RUNS: the subagent's refresh through the
 * libvirt driver (ax_snapshot_build: the bulk stats call, node info, the
 * snapshot in the MIB's terms) against its floor, libvirt's bare
 * virConnectGetAllDomainStats on its own connection (records released:
 * a caller must), and between them the driver's bulk stats alone; all
 * timed on connections already open, RUNS times, medians in ms.
 */
#include "config.h"

#include <libvirt/libvirt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agentx_snapshot.h"
#include "util/vm_error.h"
#include "virtmon.h"

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void on_event(struct vm_connect *conn, struct vm_domain *dom, int event, int detail,
                     void *opaque)
{
    (void)conn, (void)dom, (void)event, (void)detail;
    ax_xml_cache_invalidate(opaque, NULL);
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    int runs = argc > 3 ? atoi(argv[3]) : 11;
    double *ours, *floor_ms, *driver_ms;
    struct vm_connect *conn;
    struct ax_index_map *map;
    struct ax_xml_cache *cache;
    virConnectPtr lc;
    size_t domains = 0;

    if (argc < 3 || runs < 1) {
        fprintf(stderr, "usage: lv_refresh LIBVIRT-URI STATE_DIR [RUNS]\n");
        return 2;
    }
    ours = calloc((size_t)runs, sizeof(*ours));
    floor_ms = calloc((size_t)runs, sizeof(*floor_ms));
    driver_ms = calloc((size_t)runs, sizeof(*driver_ms));
    {
        char *vuri = malloc(strlen(argv[1]) + 9);
        sprintf(vuri, "libvirt:%s", argv[1]);
        conn = vm_connect_open(vuri, VM_CONNECT_RO);
        free(vuri);
    }
    if (!conn || !(map = ax_index_map_open(argv[2]))) {
        fprintf(stderr, "lv_refresh: %s\n", vm_error_message());
        return 1;
    }
    if (!(lc = virConnectOpenReadOnly(argv[1])))
        return 1;
    /* as the subagent runs it: with its definition cache, warm, and
     * lifecycle events flowing */
    cache = ax_xml_cache_new();
    if (vm_connect_domain_event_register(conn, on_event, cache, NULL, 0) < 0) {
        fprintf(stderr, "lv_refresh: %s\n", vm_error_message());
        return 1;
    }
    ax_snapshot_free(ax_snapshot_build(conn, map, argv[1], cache));
    /* interleaved, so that drift (the heap, the other core) spreads over
     * all three alike */
    for (int i = 0; i < runs; i++) {
        virDomainStatsRecordPtr *rec = NULL;
        struct vm_domain_stats **st = NULL;
        struct ax_snapshot *snap;
        double t0 = now_ms();
        int n;

        snap = ax_snapshot_build(conn, map, argv[1], cache);
        ours[i] = now_ms() - t0;
        domains = snap->nvms;
        ax_snapshot_free(snap);

        t0 = now_ms();
        /* the groups the driver asks for */
        n = virConnectGetAllDomainStats(
            lc,
            VIR_DOMAIN_STATS_STATE | VIR_DOMAIN_STATS_CPU_TOTAL | VIR_DOMAIN_STATS_BALLOON |
                VIR_DOMAIN_STATS_VCPU | VIR_DOMAIN_STATS_INTERFACE | VIR_DOMAIN_STATS_BLOCK,
            &rec, 0);
        /* the records' release is part of the call's cost: libvirt's
         * virDomainFree formats each UUID for its debug log */
        if (n >= 0)
            virDomainStatsRecordListFree(rec);
        floor_ms[i] = now_ms() - t0;

        t0 = now_ms();
        n = vm_connect_get_all_domain_stats(conn, &st, 0);
        if (n >= 0)
            vm_domain_stats_list_free(st, (size_t)n);
        driver_ms[i] = now_ms() - t0;
    }
    qsort(ours, (size_t)runs, sizeof(*ours), cmp);
    qsort(floor_ms, (size_t)runs, sizeof(*floor_ms), cmp);
    qsort(driver_ms, (size_t)runs, sizeof(*driver_ms), cmp);
    printf("refresh %.2f ms (of which the driver's bulk stats %.2f ms), floor %.2f ms "
           "(%zu domains, median of %d)\n",
           ours[runs / 2], driver_ms[runs / 2], floor_ms[runs / 2], domains, runs);
    virConnectClose(lc);
    ax_xml_cache_free(cache);
    ax_index_map_free(map);
    vm_connect_close(conn);
    free(ours);
    free(floor_ms);
    free(driver_ms);
    return 0;
}
