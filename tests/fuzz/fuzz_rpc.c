/*
 * fuzz_rpc.c: bytes as a peer of virtmond might send them: the first 28
 * through the header check, the rest through every record decoder (the
 * daemon's arguments and the client's replies are read with them).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "rpc/vm_rpc_proto.h"
#include "util/vm_error.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vm_rpc_header h;
    struct vm_rpc_dec d;
    const char *why;
    const uint8_t *body = data;
    size_t len = size;

    if (size >= VM_RPC_HEADER_LEN) {
        vm_rpc_header_decode(data, &h, &why);
        body = data + VM_RPC_HEADER_LEN;
        len = size - VM_RPC_HEADER_LEN;
    }
    {
        struct vm_domain_stats *st;
        vm_rpc_dec_init(&d, body, len);
        if ((st = vm_rpc_get_stats(&d)))
            vm_domain_stats_free(st);
        vm_rpc_dec_done(&d, "stats");
    }
    {
        struct vm_vcpu_list *l;
        vm_rpc_dec_init(&d, body, len);
        if ((l = vm_rpc_get_vcpus(&d)))
            vm_vcpu_list_free(l);
    }
    {
        struct vm_node_info ni = {0};
        vm_rpc_dec_init(&d, body, len);
        vm_rpc_get_node_info(&d, &ni);
        vm_node_info_clear(&ni);
    }
    {
        char *name = NULL;
        unsigned char uuid[VM_UUID_BUFLEN];
        int id;
        uint32_t n;
        vm_rpc_dec_init(&d, body, len);
        n = vm_rpc_get_count(&d, VM_RPC_MAX_ARRAY);
        for (uint32_t i = 0; i < n && !d.bad; i++) {
            vm_rpc_get_domain(&d, &name, uuid, &id);
            free(name);
        }
    }
    {
        /* a SASL step: mechanism, token (NULs allowed), the reply's flag */
        size_t n = 0;
        char *mech, *token;
        vm_rpc_dec_init(&d, body, len);
        mech = vm_rpc_get_str(&d, 64);
        token = vm_rpc_get_blob(&d, VM_RPC_SASL_MAX, &n);
        vm_rpc_get_bool(&d);
        free(mech);
        free(token);
    }
    vm_rpc_dec_init(&d, body, len);
    vm_rpc_get_error(&d);
    vm_error_reset();
    return 0;
}
