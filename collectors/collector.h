/*
 * collector.h: one collection cycle: a bulk stats call, then an update of
 * every RRD file (created on first sight), through a sink.
 * Problems are logged (vm_log), once when they start and once when they
 * end, never once per cycle.
 */
#ifndef COLLECTOR_H
#define COLLECTOR_H

#include <time.h>

struct collector_opts {
    const char *uri;        /* NULL: the default URI */
    const char *dir;        /* RRD_DIR */
    const char *daemon;     /* rrdcached address; NULL or "": direct */
    unsigned int step;      /* seconds */
};

struct collector;

/* Opens the sink (not yet the hypervisor: that is retried every cycle).
 * NULL with an error.  Free with collector_free(). */
struct collector *collector_new(const struct collector_opts *opts);

/* One cycle whose values carry time ts.  0 when everything was written;
 * 1 when some files were not (logged); -1 when nothing could be collected
 * (hypervisor unreachable; logged). */
int collector_cycle(struct collector *c, time_t ts);

/* NULL-safe. */
void collector_free(struct collector *c);

#endif /* COLLECTOR_H */
