/*
 * xen_rrd.h: the host's /rrd_updates export (rrdtool's xport document):
 * for every legend entry "CF:OWNER:UUID:SOURCE", the newest value that is
 * not NaN.  XenAPI has rates only (CPU fraction, bytes per second), no
 * counters.
 */
#ifndef XEN_RRD_H
#define XEN_RRD_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct xen_rrd_entry {
    bool host;              /* OWNER "host", else "vm" */
    char *uuid;
    char *source;           /* "cpu0", "vbd_xvda_read", "vif_0_rx", ... */
    double value;           /* NAN when no row had one */
};

struct xen_rrd {
    long step;              /* seconds per row */
    time_t end;             /* the newest row's time */
    struct xen_rrd_entry *e;/* sorted by owner kind, UUID, source */
    size_t n;
};

/* Parses an xport document of len bytes.  NULL with a protocol error naming
 * what was wrong.  Free with xen_rrd_free(). */
struct xen_rrd *xen_rrd_parse(const char *body, size_t len);
void xen_rrd_free(struct xen_rrd *rrd);

/* The entries of one owner (host or a VM's uuid): *first and the count. */
size_t xen_rrd_find(const struct xen_rrd *rrd, bool host, const char *uuid,
                    const struct xen_rrd_entry **first);

#endif /* XEN_RRD_H */
