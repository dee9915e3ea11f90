#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "vm_alloc.h"

_Noreturn void vm_oom(void)
{
    /* The library never prints, except here: there is no way to report. */
    static const char msg[] = "virtmon: out of memory\n";
    fwrite(msg, 1, sizeof(msg) - 1, stderr);
    abort();
}

void *vm_calloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        vm_oom();
    return p;
}

void vm_realloc_n(void *ptrptr, size_t n, size_t size)
{
    void **pp = ptrptr;
    void *p;

    if (size && n > SIZE_MAX / size)
        vm_oom();
    p = realloc(*pp, n * size > 0 ? n * size : 1);
    if (!p)
        vm_oom();
    *pp = p;
}

void vm_grow(void *ptrptr, size_t *count, size_t *alloc, size_t size)
{
    char **pp = ptrptr;

    if (*count + 1 > *alloc) {
        size_t want = *alloc ? *alloc * 2 : 4;
        vm_realloc_n(pp, want, size);
        *alloc = want;
    }
    /* zeroed even when the slot was used before (a caller that took an
     * element back with (*count)-- and grows again) */
    memset(*pp + *count * size, 0, size);
    (*count)++;
}

char *vm_strdup(const char *s)
{
    char *r;

    if (!s)
        return NULL;
    if (!(r = strdup(s)))
        vm_oom();
    return r;
}

char *vm_strndup(const char *s, size_t n)
{
    char *r;

    if (!s)
        return NULL;
    if (!(r = strndup(s, n)))
        vm_oom();
    return r;
}

char *vm_vasprintf(const char *fmt, va_list ap)
{
    char *r = NULL;

    if (vasprintf(&r, fmt, ap) < 0)
        vm_oom();
    return r;
}

char *vm_asprintf(const char *fmt, ...)
{
    va_list ap;
    char *r;

    va_start(ap, fmt);
    r = vm_vasprintf(fmt, ap);
    va_end(ap);
    return r;
}

void *vm_steal_ptr(void *ptrptr)
{
    void **pp = ptrptr;
    void *p = *pp;

    *pp = NULL;
    return p;
}

void vm_free_ptr(void *ptrptr)
{
    void **pp = ptrptr;

    free(*pp);
    *pp = NULL;
}
