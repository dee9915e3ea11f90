/*
 * qmp_query COMMAND SOCKET...: runs one QMP command on each guest monitor
 * and prints each "return" value as a line of JSON.  Tests use it to watch a
 * guest without going through (and so without changing) the driver; the
 * QEMU benchmark uses it as the floor: raw round trips, nothing else.
 */
#include "config.h"

#include <stdio.h>

#include "qemu/qemu_monitor.h"
#include "virtmon.h"

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: qmp_query COMMAND SOCKET...\n");
        return 2;
    }
    for (int i = 2; i < argc; i++) {
        struct qemu_monitor *mon;
        json_object *ret = NULL;

        if (!(mon = qemu_monitor_open(argv[i], 5000)) ||
            qemu_monitor_command(mon, argv[1], NULL, &ret) < 0) {
            fprintf(stderr, "qmp_query: %s\n", vm_error_message());
            qemu_monitor_close(mon);
            return 1;
        }
        printf("%s\n", json_object_to_json_string_ext(ret, JSON_C_TO_STRING_PLAIN));
        json_object_put(ret);
        qemu_monitor_close(mon);
    }
    return 0;
}
