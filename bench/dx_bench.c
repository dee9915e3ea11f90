/*
 * dx_bench RUNS FILE...: what define and dumpxml cost per document (parse,
 * check, keep what is kept, format) against the floor, libxml2 parsing the
 * same file and serialising it; medians over RUNS passes of all files, per
 * document, in microseconds.
 */
#include "config.h"

#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf/domain_conf.h"
#include "util/vm_error.h"
#include "util/vm_file.h"

static double now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    int runs = argc > 1 ? atoi(argv[1]) : 0, n = argc - 2;
    double *ours, *floor_us;
    char **text;

    if (runs < 1 || n < 1) {
        fprintf(stderr, "usage: dx_bench RUNS FILE...\n");
        return 2;
    }
    text = calloc((size_t)n, sizeof(*text));
    ours = calloc((size_t)runs, sizeof(*ours));
    floor_us = calloc((size_t)runs, sizeof(*floor_us));
    for (int i = 0; i < n; i++) {
        if (!(text[i] = vm_file_read(argv[2 + i], "document", 1 << 24, NULL))) {
            fprintf(stderr, "dx_bench: %s\n", vm_error_message());
            return 1;
        }
    }
    for (int r = 0; r < runs; r++) {
        double t0 = now_us();
        for (int i = 0; i < n; i++) {
            struct vm_domain_def *def = vm_domain_def_parse_string(text[i], 0);
            if (!def) {
                fprintf(stderr, "dx_bench: %s: %s\n", argv[2 + i], vm_error_message());
                return 1;
            }
            free(vm_domain_def_format(def, 0));
            vm_domain_def_free(def);
        }
        ours[r] = (now_us() - t0) / n;
        t0 = now_us();
        for (int i = 0; i < n; i++) {
            xmlDocPtr doc = xmlReadMemory(text[i], (int)strlen(text[i]), NULL, NULL,
                                          XML_PARSE_NONET);
            xmlChar *out = NULL;
            int len;
            xmlDocDumpMemory(doc, &out, &len);
            xmlFree(out);
            xmlFreeDoc(doc);
        }
        floor_us[r] = (now_us() - t0) / n;
    }
    qsort(ours, (size_t)runs, sizeof(*ours), cmp);
    qsort(floor_us, (size_t)runs, sizeof(*floor_us), cmp);
    printf("define + dumpxml %.0f us per document, floor (libxml2 parse + serialise) %.0f us; "
           "%d documents, median of %d\n",
           ours[runs / 2], floor_us[runs / 2], n, runs);
    printf("ratio %.1f\n", ours[runs / 2] / floor_us[runs / 2]);
    for (int i = 0; i < n; i++)
        free(text[i]);
    free(text);
    free(ours);
    free(floor_us);
    return 0;
}
