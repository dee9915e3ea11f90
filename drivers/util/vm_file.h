/*
 * vm_file.h: reading whole files.
 */
#ifndef VM_FILE_H
#define VM_FILE_H

#include <stddef.h>

/* The whole of path, NUL-terminated (free with free()), its length in *len
 * when len is not NULL.  Every input has a bound: the file is
 * opened without blocking (a FIFO never hangs us), must be a regular file
 * (not /dev/zero, not a directory), and is refused past max bytes.  NULL
 * with an error naming WHAT and PATH (errno kept: ENOENT for a missing
 * file, EINVAL not regular, EFBIG too large). */
char *vm_file_read(const char *path, const char *what, size_t max, size_t *len);

/* vm_file_read() for a file that may well not be there (a first run, an
 * optional setting): a missing file is NULL with errno ENOENT and no error
 * set; anything else is vm_file_read()'s error. */
char *vm_file_read_if_exists(const char *path, const char *what, size_t max, size_t *len);

/* The rest of fd (a pipe, standard input), at most max bytes; what names it
 * in errors.  NULL with an error. */
char *vm_fd_read(int fd, const char *what, size_t max, size_t *len);

/* The bounds of what the tools read. */
#define VM_FILE_MAX_XML (10 * 1024 * 1024)     /* definitions, fixtures */
#define VM_FILE_MAX_INDEX (16 * 1024 * 1024)   /* the subagent's vmIndex map */
#define VM_FILE_MAX_STATE (64 * 1024)          /* other state and sample files */
#define VM_FILE_MAX_CONFIG (1024 * 1024)       /* configuration files */

/* Replaces path with data atomically (a temporary file in the same
 * directory, fsync, rename), so a reader in another process sees the old or
 * the new content, never a mix.  -1 with a system error. */
int vm_file_write_atomic(const char *path, const char *data, size_t len, unsigned int mode);

#endif /* VM_FILE_H */
