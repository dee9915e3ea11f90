/*
 * cpu_sample.c: the cpu mode's sample files.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_sample.h"
#include "util/vm_alloc.h"
#include "util/vm_dirs.h"
#include "util/vm_error.h"
#include "util/vm_file.h"
#include "util/vm_units.h"

#define MAGIC "check_virt cpu sample 1"

char *cv_cpu_sample_dir(void)
{
    return vm_dir_file(VM_DIR_STATE, VM_DIR_SCOPE_AUTO, "check_virt");
}

char *cv_cpu_sample_path(const char *dir, const char *uri, const char *uuid)
{
    /* FNV-1a: a URI can be longer than a file name may be */
    uint64_t h = 0xcbf29ce484222325ULL;

    for (const unsigned char *p = (const unsigned char *)uri; *p; p++)
        h = (h ^ *p) * 0x100000001b3ULL;
    return vm_asprintf("%s/cpu-%s-%016llx", dir, uuid, (unsigned long long)h);
}

/* The value of "key VALUE" at *pos, moving *pos past the line; NULL when
 * the line is another. */
static char *field(char **pos, const char *key)
{
    size_t klen = strlen(key);
    char *line = *pos, *nl;

    if (strncmp(line, key, klen) != 0 || line[klen] != ' ')
        return NULL;
    nl = strchr(line, '\n');
    if (!nl)
        return NULL;
    *nl = '\0';
    *pos = nl + 1;
    return line + klen + 1;
}

int cv_cpu_sample_parse(char *text, const char *uri, const char *uuid, struct cv_cpu_sample *s)
{
    char *pos = text, *v;

    if (strncmp(text, MAGIC "\n", strlen(MAGIC) + 1) != 0)
        return -1;
    pos += strlen(MAGIC) + 1;
    if (!(v = field(&pos, "uri")) || strcmp(v, uri) != 0 ||
        !(v = field(&pos, "uuid")) || strcmp(v, uuid) != 0 ||
        !(v = field(&pos, "id")) || vm_parse_int(v, &s->id) < 0 ||
        !(v = field(&pos, "time_ns")) || vm_parse_u64(v, &s->time_ns) < 0 ||
        !(v = field(&pos, "cpu_time_ns")) || vm_parse_u64(v, &s->cpu_time_ns) < 0 || *pos)
        return -1;
    return 0;
}

int cv_cpu_sample_load(const char *path, const char *uri, const char *uuid,
                       struct cv_cpu_sample *s)
{
    /* no usable sample is a first run: the caller samples again */
    VM_AUTOFREE char *data =
        vm_optional_ptr(vm_file_read(path, "cpu sample", VM_FILE_MAX_STATE, NULL), "cpu sample");

    return data ? vm_optional_int(cv_cpu_sample_parse(data, uri, uuid, s), "cpu sample") : -1;
}

int cv_cpu_sample_save(const char *path, const char *uri, const char *uuid,
                       const struct cv_cpu_sample *s)
{
    VM_AUTOFREE char *dir = vm_strdup(path);
    VM_AUTOFREE char *text = NULL;

    dir[strrchr(dir, '/') - dir] = '\0';
    if (vm_dir_make(dir, 0700) < 0)
        return -1;
    text = vm_asprintf(MAGIC "\nuri %s\nuuid %s\nid %d\ntime_ns %llu\ncpu_time_ns %llu\n", uri,
                       uuid, s->id, (unsigned long long)s->time_ns,
                       (unsigned long long)s->cpu_time_ns);
    return vm_file_write_atomic(path, text, strlen(text), 0600);
}
