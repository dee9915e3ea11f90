/*
 * fuzz_xmlrpc.c: XenAPI replies as a server might send them (or not):
 * every input goes through the reply parser, and what parses is encoded
 * again as a request (the other direction of the same value model).
 */
#include "config.h"

#include <stdlib.h>

#include "fuzz.h"
#include "xenapi/xen_xmlrpc.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_object *v = NULL;

    if (xen_xmlrpc_parse((const char *)data, size, &v) >= 0) {
        json_object *params = json_object_new_array();
        json_object_array_add(params, v);
        free(xen_xmlrpc_call("VM.create", params));
        json_object_put(params);
    }
    return 0;
}
