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
#include "util/vm_handles.h"
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
    VM_AUTOPTR(vm_domain) dom = NULL;
    unsigned int flags = 0;
    int ret = 1;

    /* shutdown and reboot: acpi, the default, or the guest's agent */
    if (mode && strcmp(mode, "agent") == 0) {
        flags = VM_DOMAIN_SHUTDOWN_AGENT;
    } else if (mode && strcmp(mode, "acpi") != 0) {
        cli_error("invalid value '%s' for --mode (acpi or agent)", mode);
        return 1;
    }
    if (cli_flag(args, "paused"))
        flags |= VM_DOMAIN_START_PAUSED;
    if (cli_flag(args, "graceful"))
        flags |= VM_DOMAIN_DESTROY_GRACEFUL;
    if (!(dom = cli_arg_domain(ctx, args->pos[0])))
        return 1;
    if (cmd->domain_op(dom, flags) < 0) {
        cli_lib_error("failed to %s domain '%s'", cmd->fail_verb, vm_domain_get_name(dom));
    } else {
        cli_info(ctx, "Domain '%s' %s", vm_domain_get_name(dom), cmd->done_what);
        ret = 0;
    }
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
    VM_AUTOPTR(vm_domain) dom = cli_arg_domain(ctx, args->pos[0]);
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
    return ret;
}

int cli_cmd_autostart(struct cli_ctx *ctx, const struct cli_args *args)
{
    VM_AUTOPTR(vm_domain) dom = cli_arg_domain(ctx, args->pos[0]);
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
    return ret;
}

struct list_row {
    const char *name;
    int id, state;
    bool saved;                 /* shut off with a managed-save image */
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
    bool managed = cli_flag(args, "managed-save");

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
    if (cli_flag(args, "name") || cli_flag(args, "uuid") || cli_flag(args, "id")) {
        /* virsh's columns, in its order: uuid, id, name */
        for (size_t i = 0; i < n; i++) {
            const char *sep = "";
            if (cli_flag(args, "id") && !cli_flag(args, "uuid") && !cli_flag(args, "name") &&
                rows[i].id < 0)
                continue;
            if (cli_flag(args, "uuid")) {
                fprintf(ctx->out, "%s", rows[i].uuid);
                sep = " ";
            }
            if (cli_flag(args, "id")) {
                if (rows[i].id >= 0)
                    fprintf(ctx->out, "%s%d", sep, rows[i].id);
                else
                    fprintf(ctx->out, "%s-", sep);
                sep = " ";
            }
            if (cli_flag(args, "name"))
                fprintf(ctx->out, "%s%s", sep, rows[i].name);
            fputc('\n', ctx->out);
        }
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
            cells[2] = managed && rows[i].saved ? "saved" : vm_domain_state_name(rows[i].state);
            cli_table_add_row(t, cells);
        }
        cli_table_print(t, ctx->out, !ctx->quiet);
        cli_table_free(t);
    }
}

/* virsh's list filters: option, the library's flag */
static const struct {
    const char *option;
    unsigned int flag;
} list_filters[] = {
    {"state-running", VM_LIST_RUNNING},
    {"state-paused", VM_LIST_PAUSED},
    {"state-shutoff", VM_LIST_SHUTOFF},
    {"state-other", VM_LIST_OTHER},
    {"persistent", VM_LIST_PERSISTENT},
    {"transient", VM_LIST_TRANSIENT},
    {"autostart", VM_LIST_AUTOSTART},
    {"no-autostart", VM_LIST_NO_AUTOSTART},
    {"with-managed-save", VM_LIST_MANAGEDSAVE},
    {"without-managed-save", VM_LIST_NO_MANAGEDSAVE},
};

int cli_cmd_list(struct cli_ctx *ctx, const struct cli_args *args)
{
    struct vm_connect *conn = cli_conn(ctx);
    struct vm_domain_stats **stats = NULL;
    struct list_row *rows;
    unsigned int flags = VM_LIST_ACTIVE;
    int n;

    if (!conn)
        return 1;
    if (cli_flag(args, "json") &&
        (cli_flag(args, "name") || cli_flag(args, "uuid") || cli_flag(args, "id"))) {
        cli_error("list: --json prints whole records; it does not go with --name, --uuid or "
                  "--id");
        return 1;
    }
    /* virsh's rule: --inactive and --state-shutoff look at inactive
     * domains only, --all at every domain, else the active ones */
    if (cli_flag(args, "inactive") || cli_flag(args, "state-shutoff"))
        flags = VM_LIST_INACTIVE;
    if (cli_flag(args, "all"))
        flags = VM_LIST_ACTIVE | VM_LIST_INACTIVE;
    for (size_t i = 0; i < sizeof(list_filters) / sizeof(list_filters[0]); i++) {
        if (cli_flag(args, list_filters[i].option))
            flags |= list_filters[i].flag;
    }
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
        rows[i].saved = stats[i]->state == VM_DOMAIN_SHUTOFF && stats[i]->managed_save;
        vm_uuid_format(stats[i]->uuid, rows[i].uuid);
    }
    qsort(rows, (size_t)n, sizeof(*rows), list_row_cmp);
    list_print(ctx, args, rows, (size_t)n);
    free(rows);
    vm_domain_stats_list_free(stats, (size_t)n);
    return 0;
}

int cli_cmd_dominfo(struct cli_ctx *ctx, const struct cli_args *args)
{
    VM_AUTOPTR(vm_domain) dom = cli_arg_domain(ctx, args->pos[0]);
    VM_AUTOPTR(vm_domain_stats) st = NULL;
    char uuid[VM_UUID_STRING_BUFLEN];

    if (!dom)
        return 1;
    st = vm_domain_get_stats(dom, 0);
    if (!st) {
        cli_lib_error("failed to get information of domain '%s'", vm_domain_get_name(dom));
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
            cli_field(ctx, "Id:", "%d", st->id);
        else
            cli_field(ctx, "Id:", "-");
        cli_field(ctx, "Name:", "%s", st->name);
        cli_field(ctx, "UUID:", "%s", uuid);
        cli_field(ctx, "OS Type:", "%s", st->os_type);
        cli_field(ctx, "State:", "%s", vm_domain_state_name(st->state));
        cli_field(ctx, "CPU(s):", "%u", st->vcpus);
        if (st->cpu_time_ns != VM_STAT_UNKNOWN)
            cli_field(ctx, "CPU time:", "%.1fs", (double)st->cpu_time_ns / 1e9);
        if (!isnan(st->cpu_util_pct))
            cli_field(ctx, "CPU usage:", "%.1f%%", st->cpu_util_pct);
        if (st->mem_max_kib != VM_STAT_UNKNOWN)
            cli_field(ctx, "Max memory:", "%llu KiB", (unsigned long long)st->mem_max_kib);
        else
            cli_field(ctx, "Max memory:", "no limit");
        if (st->mem_cur_kib != VM_STAT_UNKNOWN)
            cli_field(ctx, "Used memory:", "%llu KiB", (unsigned long long)st->mem_cur_kib);
        cli_field(ctx, "Persistent:", "%s", st->persistent ? "yes" : "no");
        cli_field(ctx, "Autostart:", "%s", st->autostart ? "enable" : "disable");
        cli_field(ctx, "Managed save:", "%s", st->managed_save ? "yes" : "no");
    }
    return 0;
}

int cli_cmd_domstate(struct cli_ctx *ctx, const struct cli_args *args)
{
    VM_AUTOPTR(vm_domain) dom = cli_arg_domain(ctx, args->pos[0]);
    int state, reason;

    if (!dom)
        return 1;
    if (vm_domain_get_state(dom, &state, &reason, 0) < 0) {
        cli_lib_error("failed to get the state of domain '%s'", vm_domain_get_name(dom));
        return 1;
    }
    if (cli_flag(args, "reason"))
        fprintf(ctx->out, "%s (%s)\n", vm_domain_state_name(state),
                vm_domain_reason_name(state, reason));
    else
        fprintf(ctx->out, "%s\n", vm_domain_state_name(state));
    return 0;
}

int cli_cmd_domcontrol(struct cli_ctx *ctx, const struct cli_args *args)
{
    VM_AUTOPTR(vm_domain) dom = cli_arg_domain(ctx, args->pos[0]);
    int control;

    if (!dom)
        return 1;
    if (vm_domain_get_control(dom, &control, 0) < 0) {
        cli_lib_error("failed to get the control state of domain '%s'",
                      vm_domain_get_name(dom));
        return 1;
    }
    /* as virsh: the state is the answer, printed on stdout, exit 0 */
    fprintf(ctx->out, "%s\n",
            control == VM_DOMAIN_CONTROL_OK             ? "ok"
            : control == VM_DOMAIN_CONTROL_TPM_GONE     ? "error: TPM emulator not running"
                                                        : "error: monitor not responding");
    return 0;
}

int cli_cmd_domdisplay(struct cli_ctx *ctx, const struct cli_args *args)
{
    VM_AUTOPTR(vm_domain) dom = cli_arg_domain(ctx, args->pos[0]);
    char *uri;

    if (!dom)
        return 1;
    if (!(uri = vm_domain_get_display(dom, 0))) {
        cli_lib_error("failed to get the display of domain '%s'", vm_domain_get_name(dom));
        return 1;
    }
    fprintf(ctx->out, "%s\n", uri);
    free(uri);
    return 0;
}

int cli_cmd_domid(struct cli_ctx *ctx, const struct cli_args *args)
{
    VM_AUTOPTR(vm_domain) dom = cli_arg_domain(ctx, args->pos[0]);
    int id;

    if (!dom)
        return 1;
    id = vm_domain_get_id(dom);
    if (id < 0 && vm_error_last()) {
        cli_lib_error("failed to get the id of domain '%s'", vm_domain_get_name(dom));
        return 1;
    }
    if (id >= 0)
        fprintf(ctx->out, "%d\n", id);
    else
        fprintf(ctx->out, "-\n");
    return 0;
}

int cli_cmd_domname(struct cli_ctx *ctx, const struct cli_args *args)
{
    VM_AUTOPTR(vm_domain) dom = cli_arg_domain(ctx, args->pos[0]);

    if (!dom)
        return 1;
    fprintf(ctx->out, "%s\n", vm_domain_get_name(dom));
    return 0;
}

int cli_cmd_domuuid(struct cli_ctx *ctx, const struct cli_args *args)
{
    VM_AUTOPTR(vm_domain) dom = cli_arg_domain(ctx, args->pos[0]);
    char uuid[VM_UUID_STRING_BUFLEN];

    if (!dom)
        return 1;
    vm_domain_get_uuid_string(dom, uuid);
    fprintf(ctx->out, "%s\n", uuid);
    return 0;
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
    VM_AUTOPTR(vm_domain) dom = NULL;
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
    VM_AUTOPTR(vm_domain) dom = cli_arg_domain(ctx, args->pos[0]);
    unsigned int flags = (cli_flag(args, "inactive") ? VM_DOMAIN_XML_INACTIVE : 0) |
                         (cli_flag(args, "security-info") ? VM_DOMAIN_XML_SECURE : 0);
    char *xml;

    if (!dom)
        return 1;
    if (!(xml = vm_domain_get_xml(dom, flags))) {
        cli_lib_error("failed to get the XML of domain '%s'", vm_domain_get_name(dom));
        return 1;
    }
    fputs(xml, ctx->out);
    free(xml);
    return 0;
}
