/*
 * fuzz_domain_xml.c: the domain XML reader (well-formedness, schema, value
 * checks) on any input; whatever it accepts must format to XML that parses
 * back to the same canonical text.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "conf/domain_conf.h"
#include "fuzz.h"
#include "util/vm_alloc.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    xmlInitParser();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *xml = vm_strndup((const char *)data, size);
    struct vm_domain_def *def = vm_domain_def_parse_string(xml, 0);

    if (def) {
        char *a = vm_domain_def_format(def, 0);
        struct vm_domain_def *again = vm_domain_def_parse_string(a, 0);
        char *b;

        if (!again)
            abort();    /* our own output must be accepted */
        b = vm_domain_def_format(again, 0);
        if (strcmp(a, b) != 0)
            abort();    /* and be a fixed point */
        free(b);
        vm_domain_def_free(again);
        free(a);
        vm_domain_def_free(def);
    }
    free(xml);
    return 0;
}
