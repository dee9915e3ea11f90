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

struct settings {
    struct graph_opts o;
    const char *only;           /* --domain, or NULL: every domain and the host */
};

/* The command line into *st: 0, 1 after --help or --version (exit 0), or
 * the exit status of a usage error (2, said). */
static int parse_options(int argc, char **argv, struct settings *st)
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
    int c;

    *st = (struct settings){
        .o = {.start = "-1d", .end = "now", .daemon = getenv("RRDCACHED_ADDRESS")}};
    while ((c = getopt_long(argc, argv, "d:o:hV", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': st->o.dir = optarg; break;
        case 'o': st->o.out = optarg; break;
        case 's': st->o.start = optarg; break;
        case 'e': st->o.end = optarg; break;
        case 'D': st->only = optarg; break;
        case 'a': st->o.daemon = optarg; break;
        case 'h': usage(stdout); return 1;
        case 'V': printf(APP " %s\n", PACKAGE_VERSION); return 1;
        default: usage(stderr); return 2;
        }
    }
    if (optind < argc || !st->o.dir || !st->o.out) {
        fprintf(stderr, APP ": %s\n", optind < argc ? "unexpected argument"
                                                    : "-d RRD_DIR and -o OUT_DIR are required");
        usage(stderr);
        return 2;
    }
    return 0;
}

/* Moves the domain named only (by name or UUID) to the front; -1 when
 * there is none. */
static int pick_domain(struct graph_domain *doms, size_t ndoms, const char *only)
{
    for (size_t i = 0; i < ndoms; i++) {
        if (strcmp(doms[i].name, only) == 0 || strcasecmp(doms[i].uuid, only) == 0) {
            struct graph_domain t = doms[0];
            doms[0] = doms[i];
            doms[i] = t;
            return 0;
        }
    }
    return -1;
}

/* Says what each image that could not be drawn lacked. */
static void report_images(const char *who, const struct graph_image *imgs, size_t n)
{
    for (size_t j = 0; j < n; j++) {
        if (imgs[j].error)
            fprintf(stderr, APP ": %s %s: %s\n", who, imgs[j].caption, imgs[j].error);
    }
}

int main(int argc, char **argv)
{
    struct settings st;
    struct graph_domain *doms = NULL;
    struct graph_image *host = NULL, **imgs = NULL;
    size_t ndoms = 0, nhost = 0, *nimgs = NULL, shown;
    int r, failed = 0;

    if ((r = parse_options(argc, argv, &st)) != 0)
        return r == 1 ? 0 : r;
    if (graph_find_domains(st.o.dir, &doms, &ndoms) < 0 || vm_dir_make(st.o.out, 0755) < 0) {
        fprintf(stderr, APP ": %s\n", vm_error_message());
        graph_domains_free(doms, ndoms);
        return 1;
    }
    if (st.only && pick_domain(doms, ndoms, st.only) < 0) {
        fprintf(stderr, APP ": no domain '%s' in %s\n", st.only, st.o.dir);
        graph_domains_free(doms, ndoms);
        return 1;
    }
    shown = st.only ? 1 : ndoms;
    if (!st.only)
        failed += graph_draw_host(&st.o, doms, ndoms, &host, &nhost);
    VM_NEW_N(imgs, shown ? shown : 1);
    VM_NEW_N(nimgs, shown ? shown : 1);
    for (size_t i = 0; i < shown; i++)
        failed += graph_draw_domain(&st.o, &doms[i], &imgs[i], &nimgs[i]);
    if (graph_write_index(&st.o, host, nhost, doms, imgs, nimgs, shown) < 0) {
        fprintf(stderr, APP ": %s\n", vm_error_message());
        failed++;
    }
    report_images("host", host, nhost);
    for (size_t i = 0; i < shown; i++) {
        report_images(doms[i].name, imgs[i], nimgs[i]);
        graph_images_free(imgs[i], nimgs[i]);
    }
    graph_images_free(host, nhost);
    free(imgs);
    free(nimgs);
    graph_domains_free(doms, ndoms);
    return failed ? 1 : 0;
}
