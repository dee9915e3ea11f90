/*
 * vm_alloc.h: allocation wrappers that abort on out-of-memory, so that error
 * paths are left for real errors, and cleanup helpers.
 */
#ifndef VM_ALLOC_H
#define VM_ALLOC_H

#include <stdarg.h>
#include <stdlib.h>

/* Aborts: out of memory (for allocations made by libraries). */
_Noreturn void vm_oom(void);

/* Zeroed memory for n objects of size each; aborts on OOM or overflow.
 * Caller frees with free(). */
void *vm_calloc(size_t n, size_t size);

/* Grows or shrinks *ptr to n objects of size each; aborts on OOM. */
void vm_realloc_n(void *ptrptr, size_t n, size_t size);

/* Grows the array *ptrptr (of *count elements) by one zeroed element at the
 * end; *alloc holds the allocated count.  Amortised doubling. */
void vm_grow(void *ptrptr, size_t *count, size_t *alloc, size_t size);

/* strdup/strndup that abort on OOM; NULL in, NULL out. */
char *vm_strdup(const char *s);
char *vm_strndup(const char *s, size_t n);

/* A new formatted string; aborts on OOM.  Caller frees with free(). */
char *vm_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *vm_vasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* Returns *ptrptr and sets it to NULL: hands ownership on. */
void *vm_steal_ptr(void *ptrptr);

/* free(*p) for cleanup attributes. */
void vm_free_ptr(void *ptrptr);

#define VM_NEW(ptr) ((ptr) = vm_calloc(1, sizeof(*(ptr))))
#define VM_NEW_N(ptr, n) ((ptr) = vm_calloc((n), sizeof(*(ptr))))
#define VM_GROW(ptr, count, alloc) vm_grow(&(ptr), &(count), &(alloc), sizeof(*(ptr)))

/* A local freed with free() when it goes out of scope.  The cleanup attribute
 * is gcc's and clang's, the two compilers we build with. */
#define VM_AUTOFREE __attribute__((cleanup(vm_free_ptr)))

/* A local of type T * freed with T_free() when it goes out of scope. */
#define VM_AUTOPTR(T) __attribute__((cleanup(T##_autoptr_free))) struct T *
#define VM_DEFINE_AUTOPTR(T)                                                   \
    static inline void T##_autoptr_free(struct T **p)                          \
    {                                                                          \
        T##_free(*p);                                                          \
    }

#endif /* VM_ALLOC_H */
