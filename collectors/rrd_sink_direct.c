/*
 * rrd_sink_direct.c: creates and updates straight into the files with
 * librrd, one open/write/close per update.  Fine for a few hundred files
 * a minute; larger hosts want rrdcached.
 */
#include "config.h"

#include <errno.h>
#include <rrd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "rrd_sink.h"
#include "util/vm_alloc.h"
#include "util/vm_dirs.h"
#include "util/vm_error.h"

static char *path_of(const struct rrd_sink *sink, const char *file)
{
    return vm_asprintf("%s/%s", sink->dir, file);
}

static int direct_create(struct rrd_sink *sink, const char *file, unsigned int step,
                         time_t start, char **args, unsigned long long bytes)
{
    VM_AUTOFREE char *path = path_of(sink, file);
    VM_AUTOFREE char *dir = vm_strdup(path);
    struct stat st;
    int argc = 0;

    if (rrd_sink_check_file(path) < 0)
        return -1;
    if (stat(path, &st) == 0)
        return 0;
    *strrchr(dir, '/') = '\0';
    if (vm_dir_make(dir, 0755) < 0)
        return -1;
    while (args[argc])
        argc++;
    rrd_clear_error();
    /* no_overwrite: another collector may have made it meanwhile */
    if (rrd_create_r2(path, step, start, 1, NULL, NULL, argc, (const char **)args) < 0 &&
        !strstr(rrd_get_error(), "exists")) {
        struct statvfs fs;
        /* librrd says nothing (and leaves errno to a later call) when the
         * write itself fails: the free space tells the common case */
        if (*rrd_get_error())
            vm_report_error(VM_ERR_OPERATION_FAILED, "%s", rrd_get_error());
        else if (statvfs(dir, &fs) == 0 && (unsigned long long)fs.f_bavail * fs.f_frsize < bytes)
            vm_report_error(VM_ERR_SYSTEM,
                            "No space left on device (%llu KiB free, the file needs %llu KiB)",
                            (unsigned long long)fs.f_bavail * fs.f_frsize / 1024, bytes / 1024);
        else
            vm_report_error(VM_ERR_OPERATION_FAILED, "librrd could not write the new file");
        return -1;
    }
    return 0;
}

static int direct_update(struct rrd_sink *sink, const struct rrd_update *u, size_t n,
                         rrd_update_failed_fn failed, void *ctx)
{
    for (size_t i = 0; i < n; i++) {
        VM_AUTOFREE char *path = path_of(sink, u[i].file);
        const char *argv[] = {u[i].values};
        if (rrd_sink_check_file(path) < 0) {
            failed(ctx, i, vm_error_message());
            continue;
        }
        rrd_clear_error();
        if (rrd_update_r(path, NULL, 1, argv) < 0)
            failed(ctx, i, rrd_get_error());
    }
    return 0;
}

static void direct_close(struct rrd_sink *sink)
{
    free(sink->dir);
    free(sink);
}

static const struct rrd_sink_ops direct_ops = {
    .create = direct_create,
    .update = direct_update,
    .close = direct_close,
};

struct rrd_sink *rrd_sink_direct_open(const char *dir)
{
    struct rrd_sink *sink;

    if (vm_dir_make(dir, 0755) < 0)
        return NULL;
    VM_NEW(sink);
    sink->ops = &direct_ops;
    sink->dir = vm_strdup(dir);
    return sink;
}
