/*
 * fuzz_check_range.c: the threshold range parser must refuse or accept
 * every input without crashing; what it accepts normalises to text that
 * parses back to the same range.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "check_range.h"
#include "fuzz.h"
#include "util/vm_alloc.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *str = vm_strndup((const char *)data, size);
    struct cv_range r, again;

    if (cv_range_parse(str, &r) == 0 && r.set) {
        if (cv_range_parse(r.text, &again) != 0 || strcmp(r.text, again.text) != 0 ||
            again.inside != r.inside || again.no_start != r.no_start ||
            again.no_end != r.no_end || (!r.no_start && again.start != r.start) ||
            (!r.no_end && again.end != r.end))
            abort();    /* the normalised text is the same range */
    }
    free(str);
    return 0;
}
