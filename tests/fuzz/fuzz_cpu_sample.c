/*
 * fuzz_cpu_sample.c: a cpu sample file, whatever another process or a
 * damaged disk left in it, is read as a sample or refused, never a crash;
 * what is read survives a write and a read again.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cpu_sample.h"
#include "fuzz.h"
#include "util/vm_alloc.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = vm_strndup((const char *)data, size);
    struct cv_cpu_sample s;

    if (cv_cpu_sample_parse(text, "test:///default", "6695eb01-f6a4-8304-79aa-97f2502e193f",
                            &s) == 0) {
        char *again = vm_asprintf("check_virt cpu sample 1\nuri test:///default\n"
                                  "uuid 6695eb01-f6a4-8304-79aa-97f2502e193f\nid %d\n"
                                  "time_ns %llu\ncpu_time_ns %llu\n",
                                  s.id, (unsigned long long)s.time_ns,
                                  (unsigned long long)s.cpu_time_ns);
        struct cv_cpu_sample back;
        /* what was read is what a save of it reads back */
        if (cv_cpu_sample_parse(again, "test:///default",
                                "6695eb01-f6a4-8304-79aa-97f2502e193f", &back) != 0 ||
            back.id != s.id || back.time_ns != s.time_ns || back.cpu_time_ns != s.cpu_time_ns)
            abort();
        free(again);
    }
    free(text);
    return 0;
}
