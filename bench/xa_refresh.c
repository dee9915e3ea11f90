/*
 * xa_refresh URI RUNS FILE...: one bulk stats refresh through the xenapi
 * driver (CPU time of this process: the simulator's work is its own)
 * against its floor, libxml2 parsing the same replies (FILE..., captured
 * from the same server) into documents; medians of RUNS, in ms.
 */
#include "config.h"

#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/vm_alloc.h"
#include "util/vm_error.h"
#include "util/vm_file.h"
#include "virtmon.h"

static double cpu_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    int runs = argc > 2 ? atoi(argv[2]) : 0, nfiles = argc - 3, n = 0;
    double *ours, *floor_ms;
    struct vm_connect *conn;
    char **body;
    size_t *len, bytes = 0;

    if (argc < 4 || runs < 1) {
        fprintf(stderr, "usage: xa_refresh URI RUNS FILE...\n");
        return 2;
    }
    ours = calloc((size_t)runs, sizeof(*ours));
    floor_ms = calloc((size_t)runs, sizeof(*floor_ms));
    body = calloc((size_t)nfiles, sizeof(*body));
    len = calloc((size_t)nfiles, sizeof(*len));
    for (int i = 0; i < nfiles; i++) {
        if (!(body[i] = vm_file_read(argv[3 + i], "captured reply", 1 << 28, &len[i]))) {
            fprintf(stderr, "xa_refresh: %s\n", vm_error_message());
            return 1;
        }
        bytes += len[i];
    }
    if (!(conn = vm_connect_open(argv[1], VM_CONNECT_RO))) {
        fprintf(stderr, "xa_refresh: %s\n", vm_error_message());
        return 1;
    }
    for (int i = -1; i < runs; i++) {
        struct vm_domain_stats **st = NULL;
        double t0 = cpu_ms(), t1;

        if ((n = vm_connect_get_all_domain_stats(conn, &st, 0)) < 0) {
            fprintf(stderr, "xa_refresh: %s\n", vm_error_message());
            return 1;
        }
        vm_domain_stats_list_free(st, (size_t)n);
        t1 = cpu_ms();
        if (i >= 0)     /* the first is a warm-up */
            ours[i] = t1 - t0;
        t0 = cpu_ms();
        for (int k = 0; k < nfiles; k++)
            xmlFreeDoc(xmlReadMemory(body[k], (int)len[k], NULL, NULL, XML_PARSE_NONET));
        if (i >= 0)
            floor_ms[i] = cpu_ms() - t0;
    }
    qsort(ours, (size_t)runs, sizeof(*ours), cmp);
    qsort(floor_ms, (size_t)runs, sizeof(*floor_ms), cmp);
    printf("refresh %.1f ms CPU, floor %.1f ms (libxml2 parsing %d replies, %zu bytes); "
           "%d domains, median of %d\n",
           ours[runs / 2], floor_ms[runs / 2], nfiles, bytes, n, runs);
    printf("ratio %.2f (goal <= 2)\n", ours[runs / 2] / floor_ms[runs / 2]);
    vm_connect_close(conn);
    for (int i = 0; i < nfiles; i++)
        free(body[i]);
    free(body);
    free(len);
    free(ours);
    free(floor_ms);
    return 0;
}
