/*
 * rrd_sink.c: choosing a sink.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "rrd_sink.h"
#include "util/vm_error.h"

struct rrd_sink *rrd_sink_open(const char *dir, const char *address)
{
    if (address && *address)
        return rrd_sink_cached_open(dir, address);
    return rrd_sink_direct_open(dir);
}

void rrd_sink_free(struct rrd_sink *sink)
{
    if (sink)
        sink->ops->close(sink);
}

int rrd_sink_check_file(const char *path)
{
    struct stat st;

    /* lstat: a symlink planted in the RRD directory is not followed */
    if (lstat(path, &st) < 0)
        return errno == ENOENT ? 0 : (vm_report_system_error(errno, "'%s'", path), -1);
    if (S_ISREG(st.st_mode))
        return 0;
    vm_report_error(VM_ERR_SYSTEM, "'%s' is %s, not a regular file: left alone", path,
                    S_ISFIFO(st.st_mode)  ? "a FIFO"
                    : S_ISLNK(st.st_mode) ? "a symbolic link"
                    : S_ISDIR(st.st_mode) ? "a directory"
                                          : "a special file");
    return -1;
}
