/*
 * rrd_layout.h: what virtmon's RRD files are: where each lives
 * under RRD_DIR, its data sources, and its archives.  The collector writes
 * this layout and virtmon-graph reads it; both take it from here.
 */
#ifndef RRD_LAYOUT_H
#define RRD_LAYOUT_H

#include <stddef.h>

enum rrd_kind {
    RRD_HOST,       /* RRD_DIR/host.rrd */
    RRD_DOMAIN,     /* RRD_DIR/UUID/domain.rrd */
    RRD_DISK,       /* RRD_DIR/UUID/disk-DEV.rrd */
    RRD_IF,         /* RRD_DIR/UUID/if-DEV.rrd */
    RRD_KIND_LAST
};

/* The data sources of a kind, in update order. */
struct rrd_ds {
    const char *name;
    int counter;        /* DERIVE (min 0) when set, GAUGE otherwise */
};
const struct rrd_ds *rrd_kind_ds(enum rrd_kind kind, size_t *n);

/* The create arguments of a kind at step seconds: "DS:..." then "RRA:...".
 * *argv is a NULL-terminated array of strings; free with rrd_args_free(). */
int rrd_create_args(enum rrd_kind kind, unsigned int step, char ***argv);
void rrd_args_free(char **argv);

/* About how many bytes a file of kind takes at step: its archives' rows
 * times its data sources, 8 bytes each (the header is small beside it). */
unsigned long long rrd_file_bytes(enum rrd_kind kind, unsigned int step);

/* A device name fit for a file name: [A-Za-z0-9_.-] kept, the rest '_'.
 * NULL or "" gives fallback ("net0").  Caller frees. */
char *rrd_dev_name(const char *dev, const char *fallback);

/* "host.rrd", "UUID/domain.rrd", "UUID/disk-vda.rrd": relative to RRD_DIR.
 * dev is rrd_dev_name()'s.  Caller frees. */
char *rrd_file(enum rrd_kind kind, const char *uuid, const char *dev);

/* The name file of a domain, relative to RRD_DIR.  Caller frees. */
char *rrd_name_file(const char *uuid);

#endif /* RRD_LAYOUT_H */
