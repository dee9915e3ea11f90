/*
 * rrd_sink.c: choosing a sink.
 */
#include "config.h"

#include <stdlib.h>

#include "rrd_sink.h"

struct rrd_sink *rrd_sink_open(const char *dir, const char *address)
{
    if (address && *address)
        return rrd_sink_cached_open(dir, address);
    return rrd_sink_direct_open(dir);
}

void rrd_sink_free(struct rrd_sink *sink)
{
    if (sink)
        sink->ops->close(sink);
}
