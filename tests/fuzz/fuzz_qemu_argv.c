/*
 * fuzz_qemu_argv.c: any domain XML the reader accepts, through the QEMU
 * driver's reader of what start applies (qemu_devices.c) and the argv
 * builder: either an argv or an error, never a crash; and no argument of
 * a JSON option that is not one JSON object.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <libxml/parser.h>

#include "conf/domain_conf.h"
#include "fuzz.h"
#include "qemu/qemu_command.h"
#include "util/vm_alloc.h"
#include "util/vm_error.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    xmlInitParser();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int taps[4] = {20, 21, 22, 23};
    struct qemu_paths paths = {"/run/q.qmp", "/run/q.pid", NULL, "/run/uuid", 5900,
                               "/fw/CODE.fd", "/run/VARS.fd", false, "/run/uuid.tpm", taps, 4, false};
    char *xml = vm_strndup((const char *)data, size);
    struct vm_domain_def *def = vm_domain_def_parse_string(xml, 0);
    char **argv;

    if (def && (argv = qemu_build_argv(def, &paths))) {
        for (size_t i = 1; argv[i] && argv[i + 1]; i++) {
            if (strcmp(argv[i], "-device") == 0 || strcmp(argv[i], "-blockdev") == 0 ||
                strcmp(argv[i], "-object") == 0) {
                json_object *o = json_tokener_parse(argv[i + 1]);
                if (argv[i + 1][0] == '{' && (!o || !json_object_is_type(o, json_type_object)))
                    abort();
                json_object_put(o);
            }
        }
        qemu_argv_free(argv);
    }
    vm_error_reset();
    vm_domain_def_free(def);
    free(xml);
    return 0;
}
