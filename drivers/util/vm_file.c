#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vm_alloc.h"
#include "vm_buf.h"
#include "vm_error.h"
#include "vm_file.h"

char *vm_fd_read(int fd, const char *what, size_t max, size_t *len)
{
    struct vm_buf buf = VM_BUF_INIT;
    char chunk[65536];
    int err;

    for (;;) {
        ssize_t n = read(fd, chunk, sizeof(chunk));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            err = errno;
            vm_buf_clear(&buf);
            vm_report_system_error(err, "cannot read %s", what);
            errno = err;
            return NULL;
        }
        if (n == 0)
            break;
        if (buf.len + (size_t)n > max) {
            vm_buf_clear(&buf);
            vm_report_error(VM_ERR_SYSTEM, "%s is larger than %zu bytes: refused", what, max);
            errno = EFBIG;
            return NULL;
        }
        vm_buf_add_len(&buf, chunk, (size_t)n);
    }
    if (len)
        *len = buf.len;
    return vm_buf_steal(&buf);
}

char *vm_file_read(const char *path, const char *what, size_t max, size_t *len)
{
    /* O_NONBLOCK: a FIFO planted where a file should be must not hang us;
     * only a regular file is read at all (not /dev/zero, not a directory) */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    VM_AUTOFREE char *named = NULL;
    struct stat st;
    char *data;
    int err;

    if (fd < 0) {
        err = errno;
        vm_report_system_error(err, "cannot read %s '%s'", what, path);
        errno = err;
        return NULL;
    }
    if (fstat(fd, &st) < 0) {
        err = errno;
        close(fd);
        vm_report_system_error(err, "cannot read %s '%s'", what, path);
        errno = err;
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        vm_report_error(VM_ERR_SYSTEM, "cannot read %s '%s': not a regular file", what, path);
        errno = EINVAL;
        return NULL;
    }
    if ((uintmax_t)st.st_size > max) {
        close(fd);
        vm_report_error(VM_ERR_SYSTEM, "%s '%s' is larger than %zu bytes: refused", what, path,
                        max);
        errno = EFBIG;
        return NULL;
    }
    named = vm_asprintf("%s '%s'", what, path);
    data = vm_fd_read(fd, named, max, len);
    err = errno;
    close(fd);
    errno = err;
    return data;
}

char *vm_file_read_if_exists(const char *path, const char *what, size_t max, size_t *len)
{
    char *data = vm_file_read(path, what, max, len);

    if (!data && errno == ENOENT)
        vm_error_reset();
    return data;
}

int vm_file_write_atomic(const char *path, const char *data, size_t len, unsigned int mode)
{
    VM_AUTOFREE char *tmp = vm_asprintf("%s.tmpXXXXXX", path);
    int fd = mkstemp(tmp);
    int err;

    if (fd < 0) {
        vm_report_system_error(errno, "cannot create a temporary file for '%s'", path);
        return -1;
    }
    if (fchmod(fd, (mode_t)mode) < 0)
        goto error;
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            goto error;
        data += n;
        len -= (size_t)n;
    }
    if (fsync(fd) < 0)
        goto error;
    if (close(fd) < 0) {
        fd = -1;
        goto error;
    }
    fd = -1;
    if (rename(tmp, path) < 0)
        goto error;
    return 0;
error:
    err = errno;
    if (fd >= 0)
        close(fd);
    unlink(tmp);
    vm_report_system_error(err, "cannot write '%s'", path);
    return -1;
}
