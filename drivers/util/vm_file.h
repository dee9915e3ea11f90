/*
 * vm_file.h: reading whole files.
 */
#ifndef VM_FILE_H
#define VM_FILE_H

#include <stddef.h>

/* The whole of path, NUL-terminated (free with free()), its length in *len
 * when len is not NULL.  NULL with a system error "cannot read WHAT 'PATH':
 * ..." (errno is kept for callers that treat ENOENT specially). */
char *vm_file_read(const char *path, const char *what, size_t *len);

#endif /* VM_FILE_H */
