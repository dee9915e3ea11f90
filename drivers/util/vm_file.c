#include "config.h"

#include <errno.h>
#include <stdio.h>

#include "vm_alloc.h"
#include "vm_buf.h"
#include "vm_error.h"
#include "vm_file.h"

char *vm_file_read(const char *path, const char *what, size_t *len)
{
    FILE *f = fopen(path, "rb");
    struct vm_buf buf = VM_BUF_INIT;
    char chunk[65536];
    size_t n;
    int err;

    if (!f)
        goto error;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        vm_buf_add_len(&buf, chunk, n);
    if (ferror(f)) {
        fclose(f);
        vm_buf_clear(&buf);
        goto error;
    }
    fclose(f);
    if (len)
        *len = buf.len;
    return vm_buf_steal(&buf);
error:
    err = errno;
    vm_report_system_error(err, "cannot read %s '%s'", what, path);
    errno = err;
    return NULL;
}
