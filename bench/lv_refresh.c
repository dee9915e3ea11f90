/*
 * lv_refresh LIBVIRT-URI STATE_DIR RUNS: the subagent's refresh through the
 * libvirt driver (ax_snapshot_build: the bulk stats call, node info, the
 * snapshot in the MIB's terms) against its floor, libvirt's bare
 * virConnectGetAllDomainStats on its own connection; both timed on
 * connections already open, RUNS times, medians in ms.
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

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    int runs = argc > 3 ? atoi(argv[3]) : 11;
    double *ours, *floor_ms;
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
    /* as the subagent runs it: with its definition cache, warm */
    cache = ax_xml_cache_new();
    ax_snapshot_free(ax_snapshot_build(conn, map, argv[1], cache));
    for (int i = 0; i < runs; i++) {
        double t0 = now_ms();
        struct ax_snapshot *snap = ax_snapshot_build(conn, map, argv[1], cache);
        ours[i] = now_ms() - t0;
        domains = snap->nvms;
        ax_snapshot_free(snap);
    }
    for (int i = 0; i < runs; i++) {
        virDomainStatsRecordPtr *rec = NULL;
        double t0 = now_ms();
        /* the groups the driver asks for */
        int n = virConnectGetAllDomainStats(
            lc,
            VIR_DOMAIN_STATS_STATE | VIR_DOMAIN_STATS_CPU_TOTAL | VIR_DOMAIN_STATS_BALLOON |
                VIR_DOMAIN_STATS_VCPU | VIR_DOMAIN_STATS_INTERFACE | VIR_DOMAIN_STATS_BLOCK,
            &rec, 0);
        floor_ms[i] = now_ms() - t0;
        if (n >= 0)
            virDomainStatsRecordListFree(rec);
    }
    qsort(ours, (size_t)runs, sizeof(*ours), cmp);
    qsort(floor_ms, (size_t)runs, sizeof(*floor_ms), cmp);
    printf("refresh %.1f ms, floor %.1f ms (%zu domains, median of %d)\n", ours[runs / 2],
           floor_ms[runs / 2], domains, runs);
    virConnectClose(lc);
    ax_xml_cache_free(cache);
    ax_index_map_free(map);
    vm_connect_close(conn);
    free(ours);
    free(floor_ms);
    return 0;
}
