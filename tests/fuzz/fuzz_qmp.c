/*
 * fuzz_qmp.c: QMP input as QEMU might send it (or not): every line goes
 * through the message parser, and every reply through each reader.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "qemu/qemu_monitor.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data;
    const char *end = p + size;

    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        json_object *msg = NULL, *ret;
        enum qemu_msg_kind kind;
        long long id;

        if (qemu_monitor_parse_line(p, len, &msg, &kind, &id) == 0 && kind == QEMU_MSG_RETURN &&
            json_object_object_get_ex(msg, "return", &ret)) {
            int st, reason, *tids = NULL;
            size_t n;
            uint64_t kib;
            struct qemu_blockstat *bs = NULL;
            qemu_monitor_read_status(ret, &st, &reason);
            if (qemu_monitor_read_cpus(ret, &tids, &n) == 0)
                free(tids);
            qemu_monitor_read_balloon(ret, &kib);
            if (qemu_monitor_read_blockstats(ret, &bs, &n) == 0)
                qemu_blockstats_free(bs, n);
            qemu_monitor_read_migrate(ret);
        }
        json_object_put(msg);
        p += len + 1;
    }
    return 0;
}
