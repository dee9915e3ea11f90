/*
 * fuzz_auth_conf.c: the auth.conf parser and its lookups on any input.
 */
#include "config.h"

#include "fuzz.h"
#include "util/vm_auth.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vm_auth_conf *conf = vm_auth_conf_parse((const char *)data, size, "fuzz-auth.conf");

    if (conf) {
        vm_auth_conf_lookup(conf, "xenapi", "xen1", "username");
        vm_auth_conf_lookup(conf, "virtmon", "localhost", "password");
        vm_auth_conf_lookup(conf, "libvirt", NULL, "realm");
        vm_auth_conf_free(conf);
    }
    return 0;
}
