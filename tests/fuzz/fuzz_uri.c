/*
 * fuzz_uri.c: the URI parser must reject or accept every input without
 * crashing, and whatever it accepts must format to text that parses back to
 * the same URI.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "util/vm_alloc.h"
#include "util/vm_uri.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *str = vm_strndup((const char *)data, size);
    struct vm_uri *uri = vm_uri_parse(str);

    if (uri) {
        char *text = vm_uri_format(uri);
        struct vm_uri *again = vm_uri_parse(text);
        char *text2;

        if (!again)
            abort();    /* formatted output must parse */
        text2 = vm_uri_format(again);
        if (strcmp(text, text2) != 0)
            abort();    /* and be a fixed point */
        free(text2);
        vm_uri_free(again);
        free(text);
        vm_uri_free(uri);
    }
    free(str);
    return 0;
}
