/*
 * fuzz_rrd_updates.c: /rrd_updates bodies as a host might send them: the
 * xport parser, then a lookup of every owner it found.
 */
#include "config.h"

#include "fuzz.h"
#include "xenapi/xen_rrd.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct xen_rrd *rrd = xen_rrd_parse((const char *)data, size);

    for (size_t i = 0; rrd && i < rrd->n; i++) {
        const struct xen_rrd_entry *first;
        xen_rrd_find(rrd, rrd->e[i].host, rrd->e[i].uuid, &first);
    }
    xen_rrd_free(rrd);
    return 0;
}
