/*
 * fuzz_conf_file.c: the virtmon.conf / virtmond.conf parser on any input.
 */
#include "config.h"

#include "fuzz.h"
#include "util/vm_conf_file.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vm_conf *conf = vm_conf_parse((const char *)data, size, "fuzz.conf");
    const char *s;
    long long n;
    char **list;
    size_t nlist;

    if (conf) {
        vm_conf_get_string(conf, "uri_default", &s);
        vm_conf_get_int(conf, "max_clients", &n);
        vm_conf_get_list(conf, "tls_allowed_dn_list", &list, &nlist);
        vm_conf_free(conf);
    }
    return 0;
}
