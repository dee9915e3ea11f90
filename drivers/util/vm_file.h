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

/* As vm_file_read(), for files others may have planted or grown: opened
 * without blocking, refused unless a regular file, and refused (EFBIG)
 * past max bytes, each with an error naming it. */
char *vm_file_read_max(const char *path, const char *what, size_t max, size_t *len);

/* Replaces path with data atomically (a temporary file in the same
 * directory, fsync, rename), so a reader in another process sees the old or
 * the new content, never a mix.  -1 with a system error. */
int vm_file_write_atomic(const char *path, const char *data, size_t len, unsigned int mode);

#endif /* VM_FILE_H */
