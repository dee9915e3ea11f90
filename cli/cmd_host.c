/*
 * cmd_host.c: the CLI's host and connection commands.
 */
#include "config.h"

#include <stdlib.h>

#include "cli.h"
#include "cli_handlers.h"
#include "cli_json.h"

static void print_version(struct cli_ctx *ctx, const char *what, const char *name,
                          unsigned long long v)
{
    fprintf(ctx->out, "%s: %s %llu.%llu.%llu\n", what, name, v / 1000000, v / 1000 % 1000,
            v % 1000);
}

int cli_cmd_version(struct cli_ctx *ctx, const struct cli_args *args)
{
    struct vm_connect *conn = cli_conn(ctx);
    unsigned long long hv;

    print_version(ctx, "Compiled against library", "virtmon", VM_VERSION_NUMBER);
    print_version(ctx, "Using library", "virtmon", vm_library_version());
    if (!conn)
        return 1;
    if (vm_connect_get_version(conn, &hv, 0) < 0) {
        cli_lib_error("failed to get the hypervisor version");
        return 1;
    }
    print_version(ctx, "Running hypervisor", vm_connect_get_type(conn), hv);
    return 0;
}

int cli_cmd_uri(struct cli_ctx *ctx, const struct cli_args *args)
{
    struct vm_connect *conn = cli_conn(ctx);

    if (!conn)
        return 1;
    fprintf(ctx->out, "%s\n", vm_connect_get_uri(conn));
    return 0;
}

int cli_cmd_hostname(struct cli_ctx *ctx, const struct cli_args *args)
{
    struct vm_connect *conn = cli_conn(ctx);
    char *name;

    if (!conn)
        return 1;
    if (!(name = vm_connect_get_hostname(conn, 0))) {
        cli_lib_error("failed to get the hostname");
        return 1;
    }
    fprintf(ctx->out, "%s\n", name);
    free(name);
    return 0;
}

int cli_cmd_nodeinfo(struct cli_ctx *ctx, const struct cli_args *args)
{
    struct vm_connect *conn = cli_conn(ctx);
    struct vm_node_info info;

    if (!conn)
        return 1;
    if (vm_node_get_info(conn, &info, 0) < 0) {
        cli_lib_error("failed to get node information");
        return 1;
    }
    if (cli_flag(args, "json")) {
        json_object *o = json_object_new_object();
        json_object_object_add(o, "cpu_model", json_object_new_string(info.cpu_model));
        json_object_object_add(o, "cpus", json_object_new_int64(info.cpus));
        json_object_object_add(o, "cpu_mhz", json_object_new_int64(info.mhz));
        json_object_object_add(o, "numa_cells", json_object_new_int64(info.numa_cells));
        json_object_object_add(o, "sockets", json_object_new_int64(info.sockets));
        json_object_object_add(o, "cores_per_socket", json_object_new_int64(info.cores));
        json_object_object_add(o, "threads_per_core", json_object_new_int64(info.threads));
        json_object_object_add(o, "memory_kib", cli_json_u64(info.memory_kib));
        json_object_object_add(o, "free_memory_kib", cli_json_u64(info.free_memory_kib));
        cli_json_print(ctx, o);
    } else {
        fprintf(ctx->out, "%-20s %s\n", "CPU model:", info.cpu_model);
        fprintf(ctx->out, "%-20s %u\n", "CPU(s):", info.cpus);
        fprintf(ctx->out, "%-20s %u MHz\n", "CPU frequency:", info.mhz);
        fprintf(ctx->out, "%-20s %u\n", "CPU socket(s):", info.sockets);
        fprintf(ctx->out, "%-20s %u\n", "Core(s) per socket:", info.cores);
        fprintf(ctx->out, "%-20s %u\n", "Thread(s) per core:", info.threads);
        fprintf(ctx->out, "%-20s %u\n", "NUMA cell(s):", info.numa_cells);
        fprintf(ctx->out, "%-20s %llu KiB\n", "Memory size:",
                (unsigned long long)info.memory_kib);
    }
    vm_node_info_clear(&info);
    return 0;
}
