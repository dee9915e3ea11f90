/*
 * cmd_domain.c: the CLI's domain commands.
 */
#include "config.h"

#include <errno.h>
#include <json-c/json.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_handlers.h"
#include "cli_json.h"
#include "util/vm_alloc.h"
#include "util/vm_file.h"

/* The domain named by the command's argument; NULL after printing the error. */
struct vm_domain *cli_arg_domain(struct cli_ctx *ctx, const char *what)
{
    struct vm_connect *conn = cli_conn(ctx);
    struct vm_domain *dom;

    if (!conn)
        return NULL;
    if (!(dom = vm_domain_lookup(conn, what)))
        cli_error("%s", vm_error_message());
    return dom;
}

int cli_cmd_domain_op(struct cli_ctx *ctx, const struct cli_args *args)
{
    const struct cli_cmd *cmd = args->cmd;
    const char *mode = cli_arg(args, "mode");
    struct vm_domain *dom;
    unsigned int flags = 0;
    int ret = 1;

    /* shutdown and reboot: acpi, the default, or the guest's agent */
    if (mode && strcmp(mode, "agent") == 0) {
        flags = VM_DOMAIN_SHUTDOWN_AGENT;
    } else if (mode && strcmp(mode, "acpi") != 0) {
        cli_error("invalid value '%s' for --mode (acpi or agent)", mode);
        return 1;
    }
    if (!(dom = cli_arg_domain(ctx, args->pos[0])))
        return 1;
    if (cmd->domain_op(dom, flags) < 0) {
        cli_lib_error("failed to %s domain '%s'", cmd->fail_verb, vm_domain_get_name(dom));
    } else {
        cli_info(ctx, "Domain '%s' %s", vm_domain_get_name(dom), cmd->done_what);
        ret = 0;
    }
    vm_domain_free(dom);
    return ret;
}

static int start_all_autostart(struct cli_ctx *ctx)
{
    struct vm_connect *conn = cli_conn(ctx);
    struct vm_domain **doms = NULL;
    int n, ret = 0;

    if (!conn)
        return 1;
    /* Refuse up front: with no autostart domain nothing would be tried, and
     * a read-only connection must not look as if it could start them. */
    if (vm_connect_is_read_only(conn) == 1) {
        cli_error("failed to start autostart domains: operation 'start' forbidden on a "
                  "read-only connection");
        return 1;
    }
    if ((n = vm_connect_list_domains(conn, &doms, VM_LIST_INACTIVE)) < 0) {
        cli_lib_error("failed to list domains");
        return 1;
    }
    for (int i = 0; i < n; i++) {
        int autostart = 0;
        const char *name = vm_domain_get_name(doms[i]);

        if (vm_domain_get_autostart(doms[i], &autostart) < 0) {
            cli_lib_error("failed to read autostart of domain '%s'", name);
            ret = 1;
            continue;
        }
        if (!autostart)
            continue;
        if (vm_domain_start(doms[i], 0) < 0) {
            cli_lib_error("failed to start domain '%s'", name);
            ret = 1;
        } else {
            cli_info(ctx, "Domain '%s' started", name);
        }
    }
    vm_domain_list_free(doms, (size_t)n);
    return ret;
}

int cli_cmd_start(struct cli_ctx *ctx, const struct cli_args *args)
{
    if (cli_flag(args, "all-autostart")) {
        if (args->npos) {
            cli_error("start: --all-autostart takes no domain");
            return 1;
        }
        return start_all_autostart(ctx);
    }
    if (!args->npos) {
        cli_error("command 'start' requires a DOMAIN argument (or --all-autostart)");
        return 1;
    }
    return cli_cmd_domain_op(ctx, args);
}

int cli_cmd_undefine(struct cli_ctx *ctx, const struct cli_args *args)
{
    struct vm_domain *dom = cli_arg_domain(ctx, args->pos[0]);
    unsigned int flags = (cli_flag(args, "managed-save") ? VM_DOMAIN_UNDEFINE_MANAGED_SAVE : 0) |
                         (cli_flag(args, "nvram") ? VM_DOMAIN_UNDEFINE_NVRAM : 0) |
                         (cli_flag(args, "keep-nvram") ? VM_DOMAIN_UNDEFINE_KEEP_NVRAM : 0);
    int ret = 1;

    if (!dom)
        return 1;
    if (vm_domain_undefine(dom, flags) < 0) {
        cli_lib_error("failed to undefine domain '%s'", vm_domain_get_name(dom));
    } else {
        cli_info(ctx, "Domain '%s' has been undefined", vm_domain_get_name(dom));
        ret = 0;
    }
    vm_domain_free(dom);
    return ret;
}

int cli_cmd_autostart(struct cli_ctx *ctx, const struct cli_args *args)
{
    struct vm_domain *dom = cli_arg_domain(ctx, args->pos[0]);
    bool disable = cli_flag(args, "disable");
    int ret = 1;

    if (!dom)
        return 1;
    if (vm_domain_set_autostart(dom, !disable) < 0) {
        cli_lib_error("failed to %smark domain '%s' as autostarted", disable ? "un" : "",
                      vm_domain_get_name(dom));
    } else {
        cli_info(ctx, "Domain '%s' %s as autostarted", vm_domain_get_name(dom),
                 disable ? "unmarked" : "marked");
        ret = 0;
    }
    vm_domain_free(dom);
    return ret;
}

struct list_row {
    const char *name;
    int id, state;
    char uuid[VM_UUID_STRING_BUFLEN];
};

/* virsh's order: active domains by id, then inactive ones by name. */
static int list_row_cmp(const void *a, const void *b)
{
    const struct list_row *x = a, *y = b;

    if ((x->id >= 0) != (y->id >= 0))
        return x->id >= 0 ? -1 : 1;
    if (x->id >= 0)
        return (x->id > y->id) - (x->id < y->id);
    return strcmp(x->name, y->name);
}

static void list_print(struct cli_ctx *ctx, const struct cli_args *args, struct list_row *rows,
                       size_t n)
{
    if (cli_flag(args, "json")) {
        json_object *arr = json_object_new_array();
        for (size_t i = 0; i < n; i++) {
            json_object *o = json_object_new_object();
            json_object_object_add(o, "id", rows[i].id >= 0 ? json_object_new_int(rows[i].id)
                                                            : NULL);
            json_object_object_add(o, "name", json_object_new_string(rows[i].name));
            json_object_object_add(o, "uuid", json_object_new_string(rows[i].uuid));
            json_object_object_add(o, "state",
                                   json_object_new_string(vm_domain_state_name(rows[i].state)));
            json_object_array_add(arr, o);
        }
        cli_json_print(ctx, arr);
        return;
    }
    if (cli_flag(args, "name") || cli_flag(args, "uuid")) {
        for (size_t i = 0; i < n; i++)
            fprintf(ctx->out, "%s\n",
                    cli_flag(args, "name") ? rows[i].name : rows[i].uuid);
        return;
    }
    {
        static const char *const header[] = {"Id", "Name", "State"};
        struct cli_table *t = cli_table_new(3, header);
        for (size_t i = 0; i < n; i++) {
            char id[16];
            const char *cells[3];
            if (rows[i].id >= 0)
                snprintf(id, sizeof(id), "%d", rows[i].id);
            else
                snprintf(id, sizeof(id), "-");
            cells[0] = id;
            cells[1] = rows[i].name;
            cells[2] = vm_domain_state_name(rows[i].state);
            cli_table_add_row(t, cells);
        }
        cli_table_print(t, ctx->out, !ctx->quiet);
        cli_table_free(t);
    }
}

int cli_cmd_list(struct cli_ctx *ctx, const struct cli_args *args)
{
    struct vm_connect *conn = cli_conn(ctx);
    struct vm_domain_stats **stats = NULL;
    struct list_row *rows;
    unsigned int flags = VM_LIST_ACTIVE;
    int n;

    if (!conn)
        return 1;
    if (cli_flag(args, "name") && cli_flag(args, "uuid")) {
        cli_error("list: --name and --uuid are mutually exclusive");
        return 1;
    }
    if (cli_flag(args, "all"))
        flags = VM_LIST_ACTIVE | VM_LIST_INACTIVE;
    else if (cli_flag(args, "inactive"))
        flags = VM_LIST_INACTIVE;
    /* one bulk call: every domain's state in one pass, so domains whose
     * hypervisor hangs cost one timeout, not one per query */
    if ((n = vm_connect_get_all_domain_stats(conn, &stats, flags)) < 0) {
        cli_lib_error("failed to list domains");
        return 1;
    }
    VM_NEW_N(rows, n ? (size_t)n : 1);
    for (int i = 0; i < n; i++) {
        rows[i].name = stats[i]->name;
        rows[i].id = stats[i]->id;
        rows[i].state = stats[i]->state;
        vm_uuid_format(stats[i]->uuid, rows[i].uuid);
    }
    qsort(rows, (size_t)n, sizeof(*rows), list_row_cmp);
    list_print(ctx, args, rows, (size_t)n);
    free(rows);
    vm_domain_stats_list_free(stats, (size_t)n);
    return 0;
}

static void field(struct cli_ctx *ctx, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void field(struct cli_ctx *ctx, const char *name, const char *fmt, ...)
{
    va_list ap;

    fprintf(ctx->out, "%-15s ", name);
    va_start(ap, fmt);
    vfprintf(ctx->out, fmt, ap);
    va_end(ap);
    fputc('\n', ctx->out);
}

int cli_cmd_dominfo(struct cli_ctx *ctx, const struct cli_args *args)
{
    struct vm_domain *dom = cli_arg_domain(ctx, args->pos[0]);
    struct vm_domain_stats *st;
    char uuid[VM_UUID_STRING_BUFLEN];

    if (!dom)
        return 1;
    st = vm_domain_get_stats(dom, 0);
    if (!st) {
        cli_lib_error("failed to get information of domain '%s'", vm_domain_get_name(dom));
        vm_domain_free(dom);
        return 1;
    }
    vm_uuid_format(st->uuid, uuid);
    if (cli_flag(args, "json")) {
        json_object *o = json_object_new_object();
        json_object_object_add(o, "id", st->id >= 0 ? json_object_new_int(st->id) : NULL);
        json_object_object_add(o, "name", json_object_new_string(st->name));
        json_object_object_add(o, "uuid", json_object_new_string(uuid));
        json_object_object_add(o, "os_type", json_object_new_string(st->os_type));
        json_object_object_add(o, "state", json_object_new_string(vm_domain_state_name(st->state)));
        json_object_object_add(o, "cpus", json_object_new_int64(st->vcpus));
        json_object_object_add(o, "cpu_time_ns", cli_json_u64(st->cpu_time_ns));
        json_object_object_add(o, "max_memory_kib", cli_json_u64(st->mem_max_kib));
        json_object_object_add(o, "used_memory_kib", cli_json_u64(st->mem_cur_kib));
        json_object_object_add(o, "persistent", json_object_new_boolean(st->persistent));
        json_object_object_add(o, "autostart", json_object_new_boolean(st->autostart));
        json_object_object_add(o, "managed_save", json_object_new_boolean(st->managed_save));
        cli_json_print(ctx, o);
    } else {
        if (st->id >= 0)
            field(ctx, "Id:", "%d", st->id);
        else
            field(ctx, "Id:", "-");
        field(ctx, "Name:", "%s", st->name);
        field(ctx, "UUID:", "%s", uuid);
        field(ctx, "OS Type:", "%s", st->os_type);
        field(ctx, "State:", "%s", vm_domain_state_name(st->state));
        field(ctx, "CPU(s):", "%u", st->vcpus);
        if (st->cpu_time_ns != VM_STAT_UNKNOWN)
            field(ctx, "CPU time:", "%.1fs", (double)st->cpu_time_ns / 1e9);
        if (!isnan(st->cpu_util_pct))
            field(ctx, "CPU usage:", "%.1f%%", st->cpu_util_pct);
        if (st->mem_max_kib != VM_STAT_UNKNOWN)
            field(ctx, "Max memory:", "%llu KiB", (unsigned long long)st->mem_max_kib);
        else
            field(ctx, "Max memory:", "no limit");
        if (st->mem_cur_kib != VM_STAT_UNKNOWN)
            field(ctx, "Used memory:", "%llu KiB", (unsigned long long)st->mem_cur_kib);
        field(ctx, "Persistent:", "%s", st->persistent ? "yes" : "no");
        field(ctx, "Autostart:", "%s", st->autostart ? "enable" : "disable");
        field(ctx, "Managed save:", "%s", st->managed_save ? "yes" : "no");
    }
    vm_domain_stats_free(st);
    vm_domain_free(dom);
    return 0;
}

int cli_cmd_domstate(struct cli_ctx *ctx, const struct cli_args *args)
{
    struct vm_domain *dom = cli_arg_domain(ctx, args->pos[0]);
    int state, reason;

    if (!dom)
        return 1;
    if (vm_domain_get_state(dom, &state, &reason, 0) < 0) {
        cli_lib_error("failed to get the state of domain '%s'", vm_domain_get_name(dom));
        vm_domain_free(dom);
        return 1;
    }
    if (cli_flag(args, "reason"))
        fprintf(ctx->out, "%s (%s)\n", vm_domain_state_name(state),
                vm_domain_reason_name(state, reason));
    else
        fprintf(ctx->out, "%s\n", vm_domain_state_name(state));
    vm_domain_free(dom);
    return 0;
}

int cli_cmd_domcontrol(struct cli_ctx *ctx, const struct cli_args *args)
{
    struct vm_domain *dom = cli_arg_domain(ctx, args->pos[0]);
    int control;

    if (!dom)
        return 1;
    if (vm_domain_get_control(dom, &control, 0) < 0) {
        cli_lib_error("failed to get the control state of domain '%s'",
                      vm_domain_get_name(dom));
        vm_domain_free(dom);
        return 1;
    }
    /* as virsh: the state is the answer, printed on stdout, exit 0 */
    fprintf(ctx->out, "%s\n",
            control == VM_DOMAIN_CONTROL_OK             ? "ok"
            : control == VM_DOMAIN_CONTROL_TPM_GONE     ? "error: TPM emulator not running"
                                                        : "error: monitor not responding");
    vm_domain_free(dom);
    return 0;
}

int cli_cmd_domdisplay(struct cli_ctx *ctx, const struct cli_args *args)
{
    struct vm_domain *dom = cli_arg_domain(ctx, args->pos[0]);
    char *uri;

    if (!dom)
        return 1;
    if (!(uri = vm_domain_get_display(dom, 0))) {
        cli_lib_error("failed to get the display of domain '%s'", vm_domain_get_name(dom));
        vm_domain_free(dom);
        return 1;
    }
    fprintf(ctx->out, "%s\n", uri);
    free(uri);
    vm_domain_free(dom);
    return 0;
}

int cli_cmd_domid(struct cli_ctx *ctx, const struct cli_args *args)
{
    struct vm_domain *dom = cli_arg_domain(ctx, args->pos[0]);
    int id;

    if (!dom)
        return 1;
    id = vm_domain_get_id(dom);
    if (id < 0 && vm_error_last()) {
        cli_lib_error("failed to get the id of domain '%s'", vm_domain_get_name(dom));
        vm_domain_free(dom);
        return 1;
    }
    if (id >= 0)
        fprintf(ctx->out, "%d\n", id);
    else
        fprintf(ctx->out, "-\n");
    vm_domain_free(dom);
    return 0;
}

int cli_cmd_domname(struct cli_ctx *ctx, const struct cli_args *args)
{
    struct vm_domain *dom = cli_arg_domain(ctx, args->pos[0]);

    if (!dom)
        return 1;
    fprintf(ctx->out, "%s\n", vm_domain_get_name(dom));
    vm_domain_free(dom);
    return 0;
}

int cli_cmd_domuuid(struct cli_ctx *ctx, const struct cli_args *args)
{
    struct vm_domain *dom = cli_arg_domain(ctx, args->pos[0]);
    char uuid[VM_UUID_STRING_BUFLEN];

    if (!dom)
        return 1;
    vm_domain_get_uuid_string(dom, uuid);
    fprintf(ctx->out, "%s\n", uuid);
    vm_domain_free(dom);
    return 0;
}

static void u64_field(struct cli_ctx *ctx, const char *prefix, const char *name, uint64_t v)
{
    if (v != VM_STAT_UNKNOWN)
        fprintf(ctx->out, "  %s%s=%llu\n", prefix, name, (unsigned long long)v);
}

static void rate_field(struct cli_ctx *ctx, const char *prefix, const char *name, double v)
{
    if (!isnan(v))
        fprintf(ctx->out, "  %s%s=%.2f\n", prefix, name, v);
}

/* virsh's domstats field names; a value the source lacks is left out. */
/* What an agent told, as libvirt's guest info keys (os.id, fs.N.mountpoint,
 * if.N.addr.M.addr...), one emit() each: guestinfo and domstats --guest
 * print the same fields. */
static void guest_fields(const struct vm_guest_info *g,
                         void (*emit)(struct cli_ctx *, const char *, const char *),
                         struct cli_ctx *ctx)
{
    char key[96], val[64];

    if (g->os_id)
        emit(ctx, "os.id", g->os_id);
    if (g->os_version_id)
        emit(ctx, "os.version-id", g->os_version_id);
    if (g->hostname)
        emit(ctx, "hostname", g->hostname);
    snprintf(val, sizeof(val), "%zu", g->nfs);
    emit(ctx, "fs.count", val);
    for (size_t i = 0; i < g->nfs; i++) {
        const struct vm_guest_fs *f = &g->fs[i];
        snprintf(key, sizeof(key), "fs.%zu.mountpoint", i);
        if (f->mountpoint)
            emit(ctx, key, f->mountpoint);
        snprintf(key, sizeof(key), "fs.%zu.fstype", i);
        if (f->fstype)
            emit(ctx, key, f->fstype);
        snprintf(key, sizeof(key), "fs.%zu.total-bytes", i);
        snprintf(val, sizeof(val), "%llu", (unsigned long long)f->total_bytes);
        if (f->total_bytes != VM_STAT_UNKNOWN)
            emit(ctx, key, val);
        snprintf(key, sizeof(key), "fs.%zu.used-bytes", i);
        snprintf(val, sizeof(val), "%llu", (unsigned long long)f->used_bytes);
        if (f->used_bytes != VM_STAT_UNKNOWN)
            emit(ctx, key, val);
    }
    snprintf(val, sizeof(val), "%zu", g->nifs);
    emit(ctx, "if.count", val);
    for (size_t i = 0; i < g->nifs; i++) {
        const struct vm_guest_if *f = &g->ifs[i];
        snprintf(key, sizeof(key), "if.%zu.name", i);
        if (f->name)
            emit(ctx, key, f->name);
        snprintf(key, sizeof(key), "if.%zu.hwaddr", i);
        if (f->hwaddr)
            emit(ctx, key, f->hwaddr);
        snprintf(key, sizeof(key), "if.%zu.addr.count", i);
        snprintf(val, sizeof(val), "%zu", f->naddrs);
        emit(ctx, key, val);
        for (size_t k = 0; k < f->naddrs; k++) {
            const char *slash = strrchr(f->addrs[k], '/');
            VM_AUTOFREE char *addr = vm_strndup(f->addrs[k], (size_t)(slash - f->addrs[k]));
            if (f->addr_types[k]) {
                snprintf(key, sizeof(key), "if.%zu.addr.%zu.type", i, k);
                emit(ctx, key, f->addr_types[k]);
            }
            snprintf(key, sizeof(key), "if.%zu.addr.%zu.addr", i, k);
            emit(ctx, key, addr);
            snprintf(key, sizeof(key), "if.%zu.addr.%zu.prefix", i, k);
            emit(ctx, key, slash + 1);
        }
    }
}

static void emit_guestinfo(struct cli_ctx *ctx, const char *key, const char *value)
{
    fprintf(ctx->out, "%-20s: %s\n", key, value);
}

static void emit_domstats(struct cli_ctx *ctx, const char *key, const char *value)
{
    fprintf(ctx->out, "  guest.%s=%s\n", key, value);
}

int cli_cmd_guestinfo(struct cli_ctx *ctx, const struct cli_args *args)
{
    struct vm_domain *dom = cli_arg_domain(ctx, args->pos[0]);
    struct vm_guest_info *g;

    if (!dom)
        return 1;
    if (!(g = vm_domain_get_guest_info(dom, 0))) {
        cli_lib_error("failed to get the guest info of domain '%s'", vm_domain_get_name(dom));
        vm_domain_free(dom);
        return 1;
    }
    guest_fields(g, emit_guestinfo, ctx);
    vm_guest_info_free(g);
    vm_domain_free(dom);
    return 0;
}

static json_object *guest_json(const struct vm_guest_info *g)
{
    json_object *o, *fs, *ifs;

    if (!g)
        return NULL;
    o = json_object_new_object();
    fs = json_object_new_array();
    ifs = json_object_new_array();
    json_object_object_add(o, "os_id", g->os_id ? json_object_new_string(g->os_id) : NULL);
    json_object_object_add(o, "os_version",
                           g->os_version_id ? json_object_new_string(g->os_version_id) : NULL);
    json_object_object_add(o, "hostname",
                           g->hostname ? json_object_new_string(g->hostname) : NULL);
    for (size_t i = 0; i < g->nfs; i++) {
        json_object *f = json_object_new_object();
        const struct vm_guest_fs *x = &g->fs[i];
        json_object_object_add(f, "mountpoint",
                               x->mountpoint ? json_object_new_string(x->mountpoint) : NULL);
        json_object_object_add(f, "fstype", x->fstype ? json_object_new_string(x->fstype) : NULL);
        json_object_object_add(f, "total_bytes", cli_json_u64(x->total_bytes));
        json_object_object_add(f, "used_bytes", cli_json_u64(x->used_bytes));
        json_object_array_add(fs, f);
    }
    for (size_t i = 0; i < g->nifs; i++) {
        json_object *f = json_object_new_object(), *addrs = json_object_new_array();
        const struct vm_guest_if *x = &g->ifs[i];
        json_object_object_add(f, "name", x->name ? json_object_new_string(x->name) : NULL);
        json_object_object_add(f, "mac", x->hwaddr ? json_object_new_string(x->hwaddr) : NULL);
        for (size_t k = 0; k < x->naddrs; k++)
            json_object_array_add(addrs, json_object_new_string(x->addrs[k]));
        json_object_object_add(f, "addresses", addrs);
        json_object_array_add(ifs, f);
    }
    json_object_object_add(o, "fs", fs);
    json_object_object_add(o, "interfaces", ifs);
    return o;
}

static void stats_print_text(struct cli_ctx *ctx, const struct vm_domain_stats *st)
{
    fprintf(ctx->out, "Domain: '%s'\n", st->name);
    fprintf(ctx->out, "  state.state=%d\n  state.reason=%d\n", st->state, st->reason);
    /* groups the source's stats did not report are left out, as virsh
     * does, even where another call filled the value in (dominfo shows it) */
    if (!(st->missing & VM_STATS_MISSING_CPU))
        u64_field(ctx, "", "cpu.time", st->cpu_time_ns);
    rate_field(ctx, "", "cpu.utilization", st->cpu_util_pct);
    if (!(st->missing & VM_STATS_MISSING_BALLOON)) {
        u64_field(ctx, "", "balloon.current", st->mem_cur_kib);
        u64_field(ctx, "", "balloon.maximum", st->mem_max_kib);
    }
    if (!(st->missing & VM_STATS_MISSING_VCPU))
        fprintf(ctx->out, "  vcpu.current=%u\n  vcpu.maximum=%u\n", st->vcpus, st->vcpus);
    for (size_t i = 0; i < st->nvcpu_times; i++) {
        char prefix[32];
        snprintf(prefix, sizeof(prefix), "vcpu.%zu.", i);
        u64_field(ctx, prefix, "time", st->vcpu_time_ns[i]);
    }
    if (!(st->missing & VM_STATS_MISSING_NET))
        fprintf(ctx->out, "  net.count=%zu\n", st->nnet);
    for (size_t i = 0; i < st->nnet; i++) {
        const struct vm_net_stats *n = &st->net[i];
        char prefix[32];
        snprintf(prefix, sizeof(prefix), "net.%zu.", i);
        if (n->name)
            fprintf(ctx->out, "  %sname=%s\n", prefix, n->name);
        u64_field(ctx, prefix, "rx.bytes", n->rx_bytes);
        rate_field(ctx, prefix, "rx.bytes.rate", n->rx_bytes_rate);
        u64_field(ctx, prefix, "rx.pkts", n->rx_pkts);
        u64_field(ctx, prefix, "rx.errs", n->rx_errs);
        u64_field(ctx, prefix, "rx.drop", n->rx_drop);
        u64_field(ctx, prefix, "tx.bytes", n->tx_bytes);
        rate_field(ctx, prefix, "tx.bytes.rate", n->tx_bytes_rate);
        u64_field(ctx, prefix, "tx.pkts", n->tx_pkts);
        u64_field(ctx, prefix, "tx.errs", n->tx_errs);
        u64_field(ctx, prefix, "tx.drop", n->tx_drop);
    }
    if (!(st->missing & VM_STATS_MISSING_BLOCK))
        fprintf(ctx->out, "  block.count=%zu\n", st->nblock);
    for (size_t i = 0; i < st->nblock; i++) {
        const struct vm_block_stats *b = &st->block[i];
        char prefix[32];
        snprintf(prefix, sizeof(prefix), "block.%zu.", i);
        fprintf(ctx->out, "  %sname=%s\n", prefix, b->name);
        if (b->source)
            fprintf(ctx->out, "  %spath=%s\n", prefix, b->source);
        u64_field(ctx, prefix, "rd.reqs", b->rd_reqs);
        u64_field(ctx, prefix, "rd.bytes", b->rd_bytes);
        rate_field(ctx, prefix, "rd.bytes.rate", b->rd_bytes_rate);
        u64_field(ctx, prefix, "wr.reqs", b->wr_reqs);
        u64_field(ctx, prefix, "wr.bytes", b->wr_bytes);
        rate_field(ctx, prefix, "wr.bytes.rate", b->wr_bytes_rate);
    }
    if (st->guest)
        guest_fields(st->guest, emit_domstats, ctx);
    fputc('\n', ctx->out);
}

static json_object *stats_json(const struct vm_domain_stats *st)
{
    json_object *o = json_object_new_object();
    json_object *blocks = json_object_new_array();
    json_object *nets = json_object_new_array();
    char uuid[VM_UUID_STRING_BUFLEN];

    vm_uuid_format(st->uuid, uuid);
    json_object_object_add(o, "name", json_object_new_string(st->name));
    json_object_object_add(o, "uuid", json_object_new_string(uuid));
    json_object_object_add(o, "state", json_object_new_string(vm_domain_state_name(st->state)));
    json_object_object_add(o, "control",
                           json_object_new_string(st->control == VM_DOMAIN_CONTROL_OK
                                                      ? "ok"
                                                      : "unresponsive"));
    json_object_object_add(o, "cpu_time_ns", cli_json_u64(st->cpu_time_ns));
    /* null unless --guest asked the agent and it answered */
    json_object_object_add(o, "guest", guest_json(st->guest));
    json_object_object_add(o, "vcpus", json_object_new_int64(st->vcpus));
    json_object_object_add(o, "balloon_current_kib", cli_json_u64(st->mem_cur_kib));
    json_object_object_add(o, "balloon_maximum_kib", cli_json_u64(st->mem_max_kib));
    for (size_t i = 0; i < st->nblock; i++) {
        const struct vm_block_stats *b = &st->block[i];
        json_object *bo = json_object_new_object();
        json_object_object_add(bo, "name", json_object_new_string(b->name));
        json_object_object_add(bo, "rd_reqs", cli_json_u64(b->rd_reqs));
        json_object_object_add(bo, "rd_bytes", cli_json_u64(b->rd_bytes));
        json_object_object_add(bo, "wr_reqs", cli_json_u64(b->wr_reqs));
        json_object_object_add(bo, "wr_bytes", cli_json_u64(b->wr_bytes));
        json_object_array_add(blocks, bo);
    }
    json_object_object_add(o, "block", blocks);
    for (size_t i = 0; i < st->nnet; i++) {
        const struct vm_net_stats *n = &st->net[i];
        json_object *no = json_object_new_object();
        json_object_object_add(no, "name", n->name ? json_object_new_string(n->name) : NULL);
        json_object_object_add(no, "rx_bytes", cli_json_u64(n->rx_bytes));
        json_object_object_add(no, "rx_pkts", cli_json_u64(n->rx_pkts));
        json_object_object_add(no, "rx_errs", cli_json_u64(n->rx_errs));
        json_object_object_add(no, "rx_drop", cli_json_u64(n->rx_drop));
        json_object_object_add(no, "tx_bytes", cli_json_u64(n->tx_bytes));
        json_object_object_add(no, "tx_pkts", cli_json_u64(n->tx_pkts));
        json_object_object_add(no, "tx_errs", cli_json_u64(n->tx_errs));
        json_object_object_add(no, "tx_drop", cli_json_u64(n->tx_drop));
        json_object_array_add(nets, no);
    }
    json_object_object_add(o, "net", nets);
    return o;
}

int cli_cmd_domstats(struct cli_ctx *ctx, const struct cli_args *args)
{
    struct vm_connect *conn = cli_conn(ctx);
    struct vm_domain_stats **stats = NULL;
    size_t n = 0;
    int ret = 0;
    bool guest = cli_flag(args, "guest");

    if (!conn)
        return 1;
    if (args->npos == 0) {
        int r = vm_connect_get_all_domain_stats(conn, &stats, guest ? VM_STATS_GUEST : 0);
        if (r < 0) {
            cli_lib_error("failed to get domain stats");
            return 1;
        }
        n = (size_t)r;
    } else {
        VM_NEW_N(stats, args->npos);
        for (size_t i = 0; i < args->npos; i++) {
            struct vm_domain *dom = cli_arg_domain(ctx, args->pos[i]);
            if (!dom) {
                ret = 1;
                continue;
            }
            if (!(stats[n] = vm_domain_get_stats(dom, 0))) {
                cli_lib_error("failed to get stats of domain '%s'", vm_domain_get_name(dom));
                ret = 1;
            } else {
                /* one named domain's agent: bounded by agent_timeout; none
                 * answering is null, not a failure */
                if (guest && stats[n]->id >= 0)
                    stats[n]->guest = vm_domain_get_guest_info(dom, 0);
                vm_error_reset();
                n++;
            }
            vm_domain_free(dom);
        }
    }
    if (cli_flag(args, "json")) {
        json_object *arr = json_object_new_array();
        for (size_t i = 0; i < n; i++)
            json_object_array_add(arr, stats_json(stats[i]));
        cli_json_print(ctx, arr);
    } else {
        for (size_t i = 0; i < n; i++)
            stats_print_text(ctx, stats[i]);
        /* stats_print_text ends each domain with virsh's blank line */
        ctx->no_trailer = true;
    }
    vm_domain_stats_list_free(stats, n);
    return ret;
}

/* The whole of FILE ("-": standard input); NULL after printing the error. */
static char *read_xml_file(const char *path)
{
    /* a definition has at most 10 MiB; standard input may be a pipe */
    char *xml = strcmp(path, "-") == 0
                    ? vm_fd_read(STDIN_FILENO, "standard input", VM_FILE_MAX_XML, NULL)
                    : vm_file_read(path, "file", VM_FILE_MAX_XML, NULL);

    if (!xml)
        cli_error("%s", vm_error_message());
    return xml;
}

static int define_or_create(struct cli_ctx *ctx, const struct cli_args *args, bool create)
{
    struct vm_connect *conn = cli_conn(ctx);
    VM_AUTOFREE char *xml = NULL;
    struct vm_domain *dom;
    const char *file = args->pos[0];

    if (!conn || !(xml = read_xml_file(file)))
        return 1;
    dom = create ? vm_domain_create_xml(conn, xml, 0) : vm_domain_define_xml(conn, xml, 0);
    if (!dom) {
        cli_lib_error("failed to %s domain from %s", create ? "create" : "define", file);
        return 1;
    }
    cli_info(ctx, "Domain '%s' %s from %s", vm_domain_get_name(dom),
             create ? "created" : "defined", file);
    vm_domain_free(dom);
    return 0;
}

int cli_cmd_define(struct cli_ctx *ctx, const struct cli_args *args)
{
    return define_or_create(ctx, args, false);
}

int cli_cmd_create(struct cli_ctx *ctx, const struct cli_args *args)
{
    return define_or_create(ctx, args, true);
}

int cli_cmd_dumpxml(struct cli_ctx *ctx, const struct cli_args *args)
{
    struct vm_domain *dom = cli_arg_domain(ctx, args->pos[0]);
    unsigned int flags = (cli_flag(args, "inactive") ? VM_DOMAIN_XML_INACTIVE : 0) |
                         (cli_flag(args, "security-info") ? VM_DOMAIN_XML_SECURE : 0);
    char *xml;

    if (!dom)
        return 1;
    if (!(xml = vm_domain_get_xml(dom, flags))) {
        cli_lib_error("failed to get the XML of domain '%s'", vm_domain_get_name(dom));
        vm_domain_free(dom);
        return 1;
    }
    fputs(xml, ctx->out);
    free(xml);
    vm_domain_free(dom);
    return 0;
}
