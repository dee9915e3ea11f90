/*
 * virtmon_graph.c: virtmon-graph, which draws the collector's RRD files
 * as PNGs and an index.html.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "graph.h"
#include "util/vm_alloc.h"
#include "util/vm_dirs.h"
#include "util/vm_error.h"

#define APP "virtmon-graph"

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: " APP " -d RRD_DIR -o OUT_DIR [--start -1d] [--end now] [--domain X]\n"
            "                     [--daemon ADDRESS]\n"
            "  -d, --dir RRD_DIR     the collector's directory for one host\n"
            "  -o, --out OUT_DIR     where the PNGs and index.html go (made when missing)\n"
            "      --start, --end    the span, in rrdtool's time forms (default -1d, now)\n"
            "      --domain X        only this domain (name or UUID), without the host\n"
            "      --daemon ADDRESS  flush through rrdcached first (default\n"
            "                        $RRDCACHED_ADDRESS)\n"
            "  -h, --help, -V, --version\n");
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"dir", required_argument, NULL, 'd'},
        {"out", required_argument, NULL, 'o'},
        {"start", required_argument, NULL, 's'},
        {"end", required_argument, NULL, 'e'},
        {"domain", required_argument, NULL, 'D'},
        {"daemon", required_argument, NULL, 'a'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    struct graph_opts o = {.start = "-1d", .end = "now", .daemon = getenv("RRDCACHED_ADDRESS")};
    const char *only = NULL;
    struct graph_domain *doms = NULL;
    struct graph_image *host = NULL, **imgs = NULL;
    size_t ndoms = 0, nhost = 0, *nimgs = NULL, shown = 0;
    int c, failed = 0;

    while ((c = getopt_long(argc, argv, "d:o:hV", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': o.dir = optarg; break;
        case 'o': o.out = optarg; break;
        case 's': o.start = optarg; break;
        case 'e': o.end = optarg; break;
        case 'D': only = optarg; break;
        case 'a': o.daemon = optarg; break;
        case 'h': usage(stdout); return 0;
        case 'V': printf(APP " %s\n", PACKAGE_VERSION); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind < argc || !o.dir || !o.out) {
        fprintf(stderr, APP ": %s\n", optind < argc ? "unexpected argument"
                                                    : "-d RRD_DIR and -o OUT_DIR are required");
        usage(stderr);
        return 2;
    }
    if (graph_find_domains(o.dir, &doms, &ndoms) < 0 || vm_dir_make(o.out, 0755) < 0) {
        fprintf(stderr, APP ": %s\n", vm_error_message());
        graph_domains_free(doms, ndoms);
        return 1;
    }
    if (only) {
        /* keep the one asked for, by name or UUID */
        size_t keep = ndoms;
        for (size_t i = 0; i < ndoms && keep == ndoms; i++) {
            if (strcmp(doms[i].name, only) == 0 || strcasecmp(doms[i].uuid, only) == 0)
                keep = i;
        }
        if (keep == ndoms) {
            fprintf(stderr, APP ": no domain '%s' in %s\n", only, o.dir);
            graph_domains_free(doms, ndoms);
            return 1;
        }
        if (keep) {
            struct graph_domain t = doms[0];
            doms[0] = doms[keep];
            doms[keep] = t;
        }
        shown = 1;
    } else {
        shown = ndoms;
        failed += graph_draw_host(&o, doms, ndoms, &host, &nhost);
    }
    VM_NEW_N(imgs, shown ? shown : 1);
    VM_NEW_N(nimgs, shown ? shown : 1);
    for (size_t i = 0; i < shown; i++)
        failed += graph_draw_domain(&o, &doms[i], &imgs[i], &nimgs[i]);
    if (graph_write_index(&o, host, nhost, doms, imgs, nimgs, shown) < 0) {
        fprintf(stderr, APP ": %s\n", vm_error_message());
        failed++;
    }
    for (size_t i = 0; i < nhost; i++) {
        if (host[i].error)
            fprintf(stderr, APP ": host %s: %s\n", host[i].caption, host[i].error);
    }
    for (size_t i = 0; i < shown; i++) {
        for (size_t j = 0; j < nimgs[i]; j++) {
            if (imgs[i][j].error)
                fprintf(stderr, APP ": %s %s: %s\n", doms[i].name, imgs[i][j].caption,
                        imgs[i][j].error);
        }
        graph_images_free(imgs[i], nimgs[i]);
    }
    graph_images_free(host, nhost);
    free(imgs);
    free(nimgs);
    graph_domains_free(doms, ndoms);
    return failed ? 1 : 0;
}
