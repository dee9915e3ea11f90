/*
 * cmd_host.c: the CLI's host and connection commands.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <unistd.h>

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

/* The optional CPU or cell argument: VM_NODE_ALL when absent; -2 after
 * printing the error. */
static int node_index(const struct cli_args *args, const char *what)
{
    const char *s = args->npos ? args->pos[0] : NULL;
    char *end;
    long v;

    if (!s)
        return VM_NODE_ALL;
    v = strtol(s, &end, 10);
    if (end == s || *end || v < 0 || v > 65535) {
        cli_error("%s: '%s' is not a %s number (0 or more)", args->cmd->name, s, what);
        return -2;
    }
    return (int)v;
}

int cli_cmd_nodecpustats(struct cli_ctx *ctx, const struct cli_args *args)
{
    struct vm_connect *conn;
    struct vm_node_cpu_stats s[2];
    bool percent = cli_flag(args, "percent");
    int cpu = node_index(args, "CPU");

    if (cpu == -2 || !(conn = cli_conn(ctx)))
        return 1;
    if (vm_node_get_cpu_stats(conn, cpu, &s[0], 0) < 0) {
        cli_lib_error("failed to get node CPU stats");
        return 1;
    }
    if (!percent) {
        const uint64_t v[] = {s[0].user_ns, s[0].kernel_ns, s[0].idle_ns, s[0].iowait_ns};
        const char *const names[] = {"user:", "system:", "idle:", "iowait:"};
        for (int i = 0; i < 4; i++) {
            if (v[i] != VM_STAT_UNKNOWN)
                fprintf(ctx->out, "%-15s %20llu\n", names[i], (unsigned long long)v[i]);
        }
        return 0;
    }
    if (!isnan(s[0].utilization_pct)) {
        fprintf(ctx->out, "%-15s %5.1f%%\n", "usage:", s[0].utilization_pct);
        fprintf(ctx->out, "%-15s %5.1f%%\n", "idle:", 100 - s[0].utilization_pct);
        return 0;
    }
    /* virsh's way: two samples a second apart, shares of what passed */
    sleep(1);
    if (vm_node_get_cpu_stats(conn, cpu, &s[1], 0) < 0) {
        cli_lib_error("failed to get node CPU stats");
        return 1;
    }
    {
        const uint64_t a[] = {s[0].user_ns, s[0].kernel_ns, s[0].idle_ns, s[0].iowait_ns};
        const uint64_t b[] = {s[1].user_ns, s[1].kernel_ns, s[1].idle_ns, s[1].iowait_ns};
        const char *const names[] = {"user:", "system:", "idle:", "iowait:"};
        double d[4], total = 0;
        for (int i = 0; i < 4; i++) {
            d[i] = a[i] == VM_STAT_UNKNOWN || b[i] == VM_STAT_UNKNOWN ? 0 : (double)(b[i] - a[i]);
            total += d[i];
        }
        fprintf(ctx->out, "%-15s %5.1f%%\n", "usage:", (d[0] + d[1]) / total * 100);
        for (int i = 0; i < 4; i++) {
            if (a[i] != VM_STAT_UNKNOWN)
                fprintf(ctx->out, "%-15s %5.1f%%\n", names[i], d[i] / total * 100);
        }
    }
    return 0;
}

int cli_cmd_nodememstats(struct cli_ctx *ctx, const struct cli_args *args)
{
    struct vm_connect *conn;
    struct vm_node_memory_stats s;
    int cell = node_index(args, "cell");

    if (cell == -2 || !(conn = cli_conn(ctx)))
        return 1;
    if (vm_node_get_memory_stats(conn, cell, &s, 0) < 0) {
        cli_lib_error("failed to get node memory stats");
        return 1;
    }
    {
        const uint64_t v[] = {s.total_kib, s.free_kib, s.buffers_kib, s.cached_kib};
        const char *const names[] = {"total", "free", "buffers", "cached"};
        for (int i = 0; i < 4; i++) {
            if (v[i] != VM_STAT_UNKNOWN)
                fprintf(ctx->out, "%-7s: %20llu KiB\n", names[i], (unsigned long long)v[i]);
        }
    }
    return 0;
}
