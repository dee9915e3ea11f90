/*
 * graph.h: virtmon-graph's pictures: for the host and for each
 * domain, PNGs drawn by librrd from the collector's files, and the
 * index.html that shows them.
 */
#ifndef GRAPH_H
#define GRAPH_H

#include <stddef.h>

struct graph_opts {
    const char *dir;        /* RRD_DIR */
    const char *out;        /* OUT_DIR */
    const char *start, *end;/* rrdtool times: "-1d", "now" */
    const char *daemon;     /* rrdcached address to flush through; NULL: none */
};

/* One domain's files, as found under RRD_DIR/UUID. */
struct graph_domain {
    char *uuid;
    char *name;             /* from its name file; the UUID when there is none */
    char **disks, **ifs;    /* DEV of disk-DEV.rrd and if-DEV.rrd, sorted */
    size_t ndisks, nifs;
};

/* What a drawing produced: the PNG's file name (in OUT_DIR) and its
 * caption, or why there is none. */
struct graph_image {
    char *file;
    char *caption;
    char *error;            /* NULL when drawn */
};

/* The domains under dir, sorted by name (then UUID).  Caller frees with
 * graph_domains_free().  -1 with an error when dir cannot be read. */
int graph_find_domains(const char *dir, struct graph_domain **doms, size_t *n);
void graph_domains_free(struct graph_domain *doms, size_t n);

/* Draws the host's graphs (CPU, disk and network summed over doms;
 * memory; domains) or one domain's (CPU, memory, disk, network).  Appends
 * an entry per graph to *imgs; returns how many failed. */
int graph_draw_host(const struct graph_opts *o, const struct graph_domain *doms, size_t ndoms,
                    struct graph_image **imgs, size_t *n);
int graph_draw_domain(const struct graph_opts *o, const struct graph_domain *d,
                      struct graph_image **imgs, size_t *n);
void graph_images_free(struct graph_image *imgs, size_t n);

/* Writes OUT_DIR/index.html: the host's images on top (when given), then a
 * section per domain titled by its name.  -1 with an error. */
int graph_write_index(const struct graph_opts *o, const struct graph_image *host, size_t nhost,
                      const struct graph_domain *doms, struct graph_image *const *dom_imgs,
                      const size_t *dom_nimgs, size_t ndoms);

#endif /* GRAPH_H */
