/*
 * cmd_stats.c: the CLI's figures of domains: domstats (text and JSON from
 * one table of fields), guestinfo, domifstat, domblkstat, dommemstat,
 * vcpuinfo and vcpucount, as virsh prints them.
 */
#include "config.h"

#include <json-c/json.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_handlers.h"
#include "cli_json.h"
#include "util/vm_alloc.h"
#include "util/vm_error.h"
#include "util/vm_handles.h"

/* ------------------------------------------------------- the field table */

/* domstats' groups, as virsh's options name them. */
enum group {
    G_STATE = 1 << 0,
    G_CPU = 1 << 1,
    G_BALLOON = 1 << 2,
    G_VCPU = 1 << 3,
    G_NET = 1 << 4,
    G_BLOCK = 1 << 5,
};

static const struct {
    const char *option;
    unsigned int group;
} group_options[] = {
    {"state", G_STATE},   {"cpu-total", G_CPU},  {"balloon", G_BALLOON},
    {"vcpu", G_VCPU},     {"interface", G_NET},  {"block", G_BLOCK},
};

enum kind {
    K_U64,        /* VM_STAT_UNKNOWN: left out / null */
    K_RATE,       /* double, NaN: left out / null; text with 2 decimals */
    K_INT,        /* int */
    K_UINT,       /* unsigned int, 0: unknown */
    K_STR,        /* char *, NULL: left out / null */
    K_STATE,      /* int state: its name (JSON only) */
    K_CONTROL,    /* int control: "ok" or "unresponsive" (JSON only) */
};

/* One figure: virsh's key in the text (NULL: JSON only), its documented key in
 * the JSON (NULL: text only), where it is in its record, and the group
 * bit of vm_stats_missing that hides it from the text. */
struct stat_field {
    unsigned int group;
    const char *text, *json;
    enum kind kind;
    size_t off;
    unsigned int missing;
};

#define DOM(f) offsetof(struct vm_domain_stats, f)
#define NET(f) offsetof(struct vm_net_stats, f)
#define BLK(f) offsetof(struct vm_block_stats, f)

static const struct stat_field dom_fields[] = {
    {G_STATE, "state.state", NULL, K_INT, DOM(state), 0},
    {G_STATE, "state.reason", NULL, K_INT, DOM(reason), 0},
    {G_STATE, NULL, "state", K_STATE, DOM(state), 0},
    {G_STATE, NULL, "control", K_CONTROL, DOM(control), 0},
    {G_CPU, "cpu.time", "cpu_time_ns", K_U64, DOM(cpu_time_ns), VM_STATS_MISSING_CPU},
    {G_CPU, "cpu.utilization", "cpu_utilization_pct", K_RATE, DOM(cpu_util_pct), 0},
    {G_BALLOON, "balloon.current", "balloon_current_kib", K_U64, DOM(mem_cur_kib),
     VM_STATS_MISSING_BALLOON},
    {G_BALLOON, "balloon.maximum", "balloon_maximum_kib", K_U64, DOM(mem_max_kib),
     VM_STATS_MISSING_BALLOON},
    {G_VCPU, "vcpu.current", "vcpus", K_UINT, DOM(vcpus), VM_STATS_MISSING_VCPU},
    {G_VCPU, "vcpu.maximum", NULL, K_UINT, DOM(vcpus_max), VM_STATS_MISSING_VCPU},
};

static const struct stat_field net_fields[] = {
    {G_NET, "name", "name", K_STR, NET(name), 0},
    {G_NET, "rx.bytes", "rx_bytes", K_U64, NET(rx_bytes), 0},
    {G_NET, "rx.bytes.rate", "rx_bytes_per_s", K_RATE, NET(rx_bytes_rate), 0},
    {G_NET, "rx.pkts", "rx_pkts", K_U64, NET(rx_pkts), 0},
    {G_NET, "rx.errs", "rx_errs", K_U64, NET(rx_errs), 0},
    {G_NET, "rx.drop", "rx_drop", K_U64, NET(rx_drop), 0},
    {G_NET, "tx.bytes", "tx_bytes", K_U64, NET(tx_bytes), 0},
    {G_NET, "tx.bytes.rate", "tx_bytes_per_s", K_RATE, NET(tx_bytes_rate), 0},
    {G_NET, "tx.pkts", "tx_pkts", K_U64, NET(tx_pkts), 0},
    {G_NET, "tx.errs", "tx_errs", K_U64, NET(tx_errs), 0},
    {G_NET, "tx.drop", "tx_drop", K_U64, NET(tx_drop), 0},
};

static const struct stat_field block_fields[] = {
    {G_BLOCK, "name", "name", K_STR, BLK(name), 0},
    {G_BLOCK, "path", NULL, K_STR, BLK(source), 0},
    {G_BLOCK, "rd.reqs", "rd_reqs", K_U64, BLK(rd_reqs), 0},
    {G_BLOCK, "rd.bytes", "rd_bytes", K_U64, BLK(rd_bytes), 0},
    {G_BLOCK, "rd.bytes.rate", "rd_bytes_per_s", K_RATE, BLK(rd_bytes_rate), 0},
    {G_BLOCK, "rd.times", NULL, K_U64, BLK(rd_total_ns), 0},
    {G_BLOCK, "wr.reqs", "wr_reqs", K_U64, BLK(wr_reqs), 0},
    {G_BLOCK, "wr.bytes", "wr_bytes", K_U64, BLK(wr_bytes), 0},
    {G_BLOCK, "wr.bytes.rate", "wr_bytes_per_s", K_RATE, BLK(wr_bytes_rate), 0},
    {G_BLOCK, "wr.times", NULL, K_U64, BLK(wr_total_ns), 0},
    {G_BLOCK, "fl.reqs", NULL, K_U64, BLK(flush_reqs), 0},
    {G_BLOCK, "fl.times", NULL, K_U64, BLK(flush_total_ns), 0},
};

#define N_(a) (sizeof(a) / sizeof((a)[0]))

/* The field's value as text; NULL when unknown.  Caller frees. */
static char *field_text(const struct stat_field *f, const void *rec)
{
    const char *p = (const char *)rec + f->off;

    switch (f->kind) {
    case K_U64: {
        uint64_t v = *(const uint64_t *)(const void *)p;
        return v == VM_STAT_UNKNOWN ? NULL : vm_asprintf("%llu", (unsigned long long)v);
    }
    case K_RATE: {
        double v = *(const double *)(const void *)p;
        return isnan(v) ? NULL : vm_asprintf("%.2f", v);
    }
    case K_INT:
        return vm_asprintf("%d", *(const int *)(const void *)p);
    case K_UINT: {
        unsigned int v = *(const unsigned int *)(const void *)p;
        return v ? vm_asprintf("%u", v) : NULL;
    }
    case K_STR:
        return vm_strdup(*(char *const *)(const void *)p);
    case K_STATE:
    case K_CONTROL:
        break;
    }
    return NULL;
}

static json_object *field_json(const struct stat_field *f, const void *rec)
{
    const char *p = (const char *)rec + f->off;

    switch (f->kind) {
    case K_U64:
        return cli_json_u64(*(const uint64_t *)(const void *)p);
    case K_RATE: {
        double v = *(const double *)(const void *)p;
        return isnan(v) ? NULL : json_object_new_double(v);
    }
    case K_INT:
        return json_object_new_int(*(const int *)(const void *)p);
    case K_UINT: {
        unsigned int v = *(const unsigned int *)(const void *)p;
        return v ? json_object_new_int64(v) : NULL;
    }
    case K_STR: {
        const char *v = *(char *const *)(const void *)p;
        return v ? json_object_new_string(v) : NULL;
    }
    case K_STATE:
        return json_object_new_string(vm_domain_state_name(*(const int *)(const void *)p));
    case K_CONTROL:
        return json_object_new_string(*(const int *)(const void *)p == VM_DOMAIN_CONTROL_OK
                                          ? "ok"
                                          : "unresponsive");
    }
    return NULL;
}

/* "  PREFIXkey=value" for each known text field of the wanted groups. */
static void fields_print(struct cli_ctx *ctx, const struct stat_field *fields, size_t n,
                         const void *rec, const char *prefix, unsigned int groups,
                         unsigned int missing)
{
    for (size_t i = 0; i < n; i++) {
        char *v;
        if (!fields[i].text || !(fields[i].group & groups) || (fields[i].missing & missing))
            continue;
        if ((v = field_text(&fields[i], rec)))
            fprintf(ctx->out, "  %s%s=%s\n", prefix, fields[i].text, v);
        free(v);
    }
}

static void fields_json(json_object *o, const struct stat_field *fields, size_t n, const void *rec,
                        unsigned int groups)
{
    for (size_t i = 0; i < n; i++) {
        if (fields[i].json && (fields[i].group & groups))
            json_object_object_add(o, fields[i].json, field_json(&fields[i], rec));
    }
}

/* ------------------------------------------------------------ guest info */

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
    VM_AUTOPTR(vm_domain) dom = cli_arg_domain(ctx, args->pos[0]);
    struct vm_guest_info *g;

    if (!dom)
        return 1;
    if (!(g = vm_domain_get_guest_info(dom, 0))) {
        cli_lib_error("failed to get the guest info of domain '%s'", vm_domain_get_name(dom));
        return 1;
    }
    guest_fields(g, emit_guestinfo, ctx);
    vm_guest_info_free(g);
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

/* -------------------------------------------------------------- domstats */

static void stats_print_text(struct cli_ctx *ctx, const struct vm_domain_stats *st,
                             unsigned int groups)
{
    char prefix[32];

    fprintf(ctx->out, "Domain: '%s'\n", st->name);
    /* groups the source's stats did not report are left out, as virsh
     * does, even where another call filled the value in (dominfo shows it) */
    fields_print(ctx, dom_fields, N_(dom_fields), st, "", groups, st->missing);
    for (size_t i = 0; (groups & G_VCPU) && i < st->nvcpu_times; i++) {
        if (st->vcpu_time_ns[i] != VM_STAT_UNKNOWN)
            fprintf(ctx->out, "  vcpu.%zu.time=%llu\n", i,
                    (unsigned long long)st->vcpu_time_ns[i]);
    }
    if ((groups & G_NET) && !(st->missing & VM_STATS_MISSING_NET))
        fprintf(ctx->out, "  net.count=%zu\n", st->nnet);
    for (size_t i = 0; (groups & G_NET) && i < st->nnet; i++) {
        snprintf(prefix, sizeof(prefix), "net.%zu.", i);
        fields_print(ctx, net_fields, N_(net_fields), &st->net[i], prefix, groups, 0);
    }
    if ((groups & G_BLOCK) && !(st->missing & VM_STATS_MISSING_BLOCK))
        fprintf(ctx->out, "  block.count=%zu\n", st->nblock);
    for (size_t i = 0; (groups & G_BLOCK) && i < st->nblock; i++) {
        snprintf(prefix, sizeof(prefix), "block.%zu.", i);
        fields_print(ctx, block_fields, N_(block_fields), &st->block[i], prefix, groups, 0);
    }
    if (st->guest)
        guest_fields(st->guest, emit_domstats, ctx);
    fputc('\n', ctx->out);
}

static json_object *stats_json(const struct vm_domain_stats *st, unsigned int groups, bool guest)
{
    json_object *o = json_object_new_object();
    char uuid[VM_UUID_STRING_BUFLEN];

    vm_uuid_format(st->uuid, uuid);
    json_object_object_add(o, "name", json_object_new_string(st->name));
    json_object_object_add(o, "uuid", json_object_new_string(uuid));
    fields_json(o, dom_fields, N_(dom_fields), st, groups);
    if (groups & G_NET) {
        json_object *arr = json_object_new_array();
        for (size_t i = 0; i < st->nnet; i++) {
            json_object *d = json_object_new_object();
            fields_json(d, net_fields, N_(net_fields), &st->net[i], groups);
            json_object_array_add(arr, d);
        }
        json_object_object_add(o, "net", arr);
    }
    if (groups & G_BLOCK) {
        json_object *arr = json_object_new_array();
        for (size_t i = 0; i < st->nblock; i++) {
            json_object *d = json_object_new_object();
            fields_json(d, block_fields, N_(block_fields), &st->block[i], groups);
            json_object_array_add(arr, d);
        }
        json_object_object_add(o, "block", arr);
    }
    /* null unless --guest asked the agent and it answered; present in
     * the full record either way */
    if (guest || groups == ~0u)
        json_object_object_add(o, "guest", guest_json(st->guest));
    return o;
}

static const struct {
    const char *option;
    unsigned int flag;
} list_options[] = {
    {"list-active", VM_LIST_ACTIVE},         {"list-inactive", VM_LIST_INACTIVE},
    {"list-persistent", VM_LIST_PERSISTENT}, {"list-transient", VM_LIST_TRANSIENT},
    {"list-running", VM_LIST_RUNNING},       {"list-paused", VM_LIST_PAUSED},
    {"list-shutoff", VM_LIST_SHUTOFF},       {"list-other", VM_LIST_OTHER},
};

int cli_cmd_domstats(struct cli_ctx *ctx, const struct cli_args *args)
{
    struct vm_connect *conn;
    struct vm_domain_stats **stats = NULL;
    size_t n = 0;
    int ret = 0;
    bool guest = cli_flag(args, "guest");
    unsigned int groups = 0, filters = 0;

    for (size_t i = 0; i < N_(group_options); i++) {
        if (cli_flag(args, group_options[i].option))
            groups |= group_options[i].group;
    }
    /* no group named: every group, as virsh */
    if (!groups)
        groups = ~0u;
    for (size_t i = 0; i < N_(list_options); i++) {
        if (cli_flag(args, list_options[i].option))
            filters |= list_options[i].flag;
    }
    if (filters && args->npos) {
        cli_error("domstats: the --list-* filters select among all domains; they cannot be "
                  "given with domain names");
        return 1;
    }
    if (!(conn = cli_conn(ctx)))
        return 1;
    if (args->npos == 0) {
        int r = vm_connect_get_all_domain_stats(conn, &stats,
                                                filters | (guest ? VM_STATS_GUEST : 0));
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
                    stats[n]->guest = vm_optional_ptr(vm_domain_get_guest_info(dom, 0),
                                                      "guest agent");
                n++;
            }
            vm_domain_free(dom);
        }
    }
    if (cli_flag(args, "json")) {
        json_object *arr = json_object_new_array();
        for (size_t i = 0; i < n; i++)
            json_object_array_add(arr, stats_json(stats[i], groups, guest));
        cli_json_print(ctx, arr);
    } else {
        for (size_t i = 0; i < n; i++)
            stats_print_text(ctx, stats[i], groups);
        /* stats_print_text ends each domain with virsh's blank line */
        ctx->no_trailer = true;
    }
    vm_domain_stats_list_free(stats, n);
    return ret;
}

/* ----------------------------------------------- one device's counters */

/* The stats of the command's running domain; NULL after printing the
 * error (what names the figures: "interface stats"). */
static struct vm_domain_stats *running_stats(struct cli_ctx *ctx, const struct cli_args *args,
                                             const char *what)
{
    VM_AUTOPTR(vm_domain) dom = cli_arg_domain(ctx, args->pos[0]);
    struct vm_domain_stats *st;

    if (!dom)
        return NULL;
    if (!(st = vm_domain_get_stats(dom, 0))) {
        cli_lib_error("failed to get %s of domain '%s'", what, vm_domain_get_name(dom));
    } else if (st->id < 0) {
        cli_error("failed to get %s of domain '%s': domain is not running", what,
                  vm_domain_get_name(dom));
        vm_domain_stats_free(st);
        st = NULL;
    }
    return st;
}

int cli_cmd_domifstat(struct cli_ctx *ctx, const struct cli_args *args)
{
    static const struct {
        const char *name;
        size_t off;
    } order[] = {
        {"rx_bytes", NET(rx_bytes)}, {"rx_packets", NET(rx_pkts)}, {"rx_errs", NET(rx_errs)},
        {"rx_drop", NET(rx_drop)},   {"tx_bytes", NET(tx_bytes)},  {"tx_packets", NET(tx_pkts)},
        {"tx_errs", NET(tx_errs)},   {"tx_drop", NET(tx_drop)},
    };
    const char *iface = cli_arg2(args);
    VM_AUTOPTR(vm_domain_stats) st = running_stats(ctx, args, "interface stats");
    const struct vm_net_stats *n;

    if (!st)
        return 1;
    if (!(n = vm_domain_stats_find_net(st, iface))) {
        cli_lib_error("failed to get interface stats of domain '%s'", st->name);
        return 1;
    }
    for (size_t i = 0; i < N_(order); i++) {
        uint64_t v = *(const uint64_t *)(const void *)((const char *)n + order[i].off);
        if (v != VM_STAT_UNKNOWN)
            fprintf(ctx->out, "%s %s %llu\n", iface, order[i].name, (unsigned long long)v);
    }
    return 0;
}

/* Adds b's known counters into sum (unknown stays unknown only when no
 * disk knows it). */
static void block_add(struct vm_block_stats *sum, const struct vm_block_stats *b)
{
    uint64_t *dst[] = {&sum->rd_reqs,    &sum->rd_bytes,   &sum->wr_reqs,
                       &sum->wr_bytes,   &sum->errs,       &sum->flush_reqs,
                       &sum->rd_total_ns, &sum->wr_total_ns, &sum->flush_total_ns};
    const uint64_t src[] = {b->rd_reqs, b->rd_bytes,    b->wr_reqs,     b->wr_bytes,
                            b->errs,    b->flush_reqs,  b->rd_total_ns, b->wr_total_ns,
                            b->flush_total_ns};

    for (size_t i = 0; i < N_(src); i++) {
        if (src[i] == VM_STAT_UNKNOWN)
            continue;
        *dst[i] = (*dst[i] == VM_STAT_UNKNOWN ? 0 : *dst[i]) + src[i];
    }
}

int cli_cmd_domblkstat(struct cli_ctx *ctx, const struct cli_args *args)
{
    /* virsh's order, its short names and its --human wording */
    static const struct {
        const char *name, *human;
        size_t off;
    } order[] = {
        {"rd_req", "number of read operations:", BLK(rd_reqs)},
        {"rd_bytes", "number of bytes read:", BLK(rd_bytes)},
        {"wr_req", "number of write operations:", BLK(wr_reqs)},
        {"wr_bytes", "number of bytes written:", BLK(wr_bytes)},
        {"errs", "error count:", BLK(errs)},
        {"flush_operations", "number of flush operations:", BLK(flush_reqs)},
        {"rd_total_times", "total duration of reads (ns):", BLK(rd_total_ns)},
        {"wr_total_times", "total duration of writes (ns):", BLK(wr_total_ns)},
        {"flush_total_times", "total duration of flushes (ns):", BLK(flush_total_ns)},
    };
    const char *dev = cli_arg2(args);
    bool human = cli_flag(args, "human");
    VM_AUTOPTR(vm_domain_stats) st = running_stats(ctx, args, "block stats");
    struct vm_block_stats sum;
    const struct vm_block_stats *b = &sum;

    if (!st)
        return 1;
    if (dev && *dev) {
        if (!(b = vm_domain_stats_find_block(st, dev))) {
            cli_lib_error("failed to get block stats of domain '%s'", st->name);
            return 1;
        }
    } else {
        /* no device: the sum over the disks, as libvirt's QEMU driver */
        dev = "";
        memset(&sum, 0, sizeof(sum));
        sum.rd_reqs = sum.rd_bytes = sum.wr_reqs = sum.wr_bytes = sum.errs = sum.flush_reqs =
            sum.rd_total_ns = sum.wr_total_ns = sum.flush_total_ns = VM_STAT_UNKNOWN;
        for (size_t i = 0; i < st->nblock; i++)
            block_add(&sum, &st->block[i]);
    }
    if (human) {
        fprintf(ctx->out, "Device: %s\n", dev);
        dev = "";
    }
    for (size_t i = 0; i < N_(order); i++) {
        uint64_t v = *(const uint64_t *)(const void *)((const char *)b + order[i].off);
        if (v != VM_STAT_UNKNOWN)
            fprintf(ctx->out, "%s %-*s %llu\n", dev, human ? 31 : 0,
                    human ? order[i].human : order[i].name, (unsigned long long)v);
    }
    return 0;
}

/* ---------------------------------------------------------- memory, vCPUs */

int cli_cmd_dommemstat(struct cli_ctx *ctx, const struct cli_args *args)
{
    VM_AUTOPTR(vm_domain) dom = cli_arg_domain(ctx, args->pos[0]);
    struct vm_memory_stat stats[VM_MEMORY_STAT_NR];
    int n;

    if (!dom)
        return 1;
    if ((n = vm_domain_memory_stats(dom, stats, VM_MEMORY_STAT_NR, 0)) < 0) {
        cli_lib_error("failed to get memory statistics of domain '%s'", vm_domain_get_name(dom));
        return 1;
    }
    for (int i = 0; i < n; i++) {
        const char *name = vm_memory_stat_name(stats[i].tag);
        if (name)
            fprintf(ctx->out, "%s %llu\n", name, (unsigned long long)stats[i].val);
    }
    return 0;
}

/* A CPU map as virsh --pretty prints it: "0-3,6". */
static char *cpumap_ranges(const unsigned char *map, unsigned int ncpus)
{
    char *s = vm_strdup("");

    for (unsigned int c = 0; c < ncpus; c++) {
        unsigned int e = c;
        char *n;
        if (!(map[c / 8] & (1u << (c % 8))))
            continue;
        while (e + 1 < ncpus && (map[(e + 1) / 8] & (1u << ((e + 1) % 8))))
            e++;
        n = e > c ? vm_asprintf("%s%s%u-%u", s, *s ? "," : "", c, e)
                  : vm_asprintf("%s%s%u", s, *s ? "," : "", c);
        free(s);
        s = n;
        c = e;
    }
    return s;
}

int cli_cmd_vcpuinfo(struct cli_ctx *ctx, const struct cli_args *args)
{
    static const char *const states[] = {"offline", "running", "blocked"};
    VM_AUTOPTR(vm_domain) dom = cli_arg_domain(ctx, args->pos[0]);
    struct vm_vcpu_list *l;
    bool pretty = cli_flag(args, "pretty");

    if (!dom)
        return 1;
    if (!(l = vm_domain_get_vcpus(dom, 0))) {
        cli_lib_error("failed to get the vCPUs of domain '%s'", vm_domain_get_name(dom));
        return 1;
    }
    for (size_t i = 0; i < l->n; i++) {
        const struct vm_vcpu_info *v = &l->vcpus[i];
        if (i)
            fputc('\n', ctx->out);
        cli_field(ctx, "VCPU:", "%u", v->number);
        if (v->state < 0) {
            /* virsh's words (and its missing colon) for a domain that is off */
            cli_field(ctx, "CPU:", "N/A");
            cli_field(ctx, "State:", "N/A");
            cli_field(ctx, "CPU time", "N/A");
        } else {
            if (v->cpu >= 0)
                cli_field(ctx, "CPU:", "%d", v->cpu);
            else
                cli_field(ctx, "CPU:", "N/A");
            cli_field(ctx, "State:", "%s",
                      v->state < 3 ? states[v->state] : "no state");
            if (v->cpu_time_ns != VM_STAT_UNKNOWN)
                cli_field(ctx, "CPU time:", "%.1fs", (double)v->cpu_time_ns / 1e9);
        }
        if (pretty) {
            VM_AUTOFREE char *r = cpumap_ranges(v->cpumap, l->host_cpus);
            cli_field(ctx, "CPU Affinity:", "%s (out of %u)", r, l->host_cpus);
        } else {
            fprintf(ctx->out, "%-15s ", "CPU Affinity:");
            for (unsigned int c = 0; c < l->host_cpus; c++)
                fputc(v->cpumap[c / 8] & (1u << (c % 8)) ? 'y' : '-', ctx->out);
            fputc('\n', ctx->out);
        }
    }
    vm_vcpu_list_free(l);
    return 0;
}

int cli_cmd_vcpucount(struct cli_ctx *ctx, const struct cli_args *args)
{
    static const struct {
        const char *which, *side;
        unsigned int flags;
    } all[] = {
        {"maximum", "config", VM_DOMAIN_AFFECT_CONFIG | VM_DOMAIN_VCPU_MAXIMUM},
        {"maximum", "live", VM_DOMAIN_AFFECT_LIVE | VM_DOMAIN_VCPU_MAXIMUM},
        {"current", "config", VM_DOMAIN_AFFECT_CONFIG},
        {"current", "live", VM_DOMAIN_AFFECT_LIVE},
    };
    static const char *const exclusive[][2] = {
        {"active", "maximum"}, {"live", "config"}, {"current", "live"}, {"current", "config"}};
    bool maximum = cli_flag(args, "maximum"), live = cli_flag(args, "live");
    bool config = cli_flag(args, "config");
    VM_AUTOPTR(vm_domain) dom = NULL;
    unsigned int flags = 0;
    int ret = 0, n;

    for (size_t i = 0; i < N_(exclusive); i++) {
        if (cli_flag(args, exclusive[i][0]) && cli_flag(args, exclusive[i][1])) {
            cli_error("vcpucount: options --%s and --%s are mutually exclusive",
                      exclusive[i][0], exclusive[i][1]);
            return 1;
        }
    }
    if (!(dom = cli_arg_domain(ctx, args->pos[0])))
        return 1;
    if (!maximum && !live && !config && !cli_flag(args, "active") && !cli_flag(args, "current")) {
        /* every count the domain has: a side it lacks (live when it is
         * off, config when it is transient) is an operation-invalid
         * answer, and left out, as virsh does */
        for (size_t i = 0; i < N_(all) && !ret; i++) {
            if ((n = vm_domain_get_vcpu_count(dom, all[i].flags)) < 0 &&
                vm_error_code() == VM_ERR_OPERATION_INVALID)
                continue;
            if (n < 0) {
                cli_lib_error("failed to get the vCPU count of domain '%s'",
                              vm_domain_get_name(dom));
                ret = 1;
            } else {
                fprintf(ctx->out, "%-12s %-12s %3d\n", all[i].which, all[i].side, n);
            }
        }
        return ret;
    }
    if (maximum)
        flags |= VM_DOMAIN_VCPU_MAXIMUM;
    if (live)
        flags |= VM_DOMAIN_AFFECT_LIVE;
    if (config)
        flags |= VM_DOMAIN_AFFECT_CONFIG;
    if ((n = vm_domain_get_vcpu_count(dom, flags)) < 0) {
        cli_lib_error("failed to get the vCPU count of domain '%s'", vm_domain_get_name(dom));
        ret = 1;
    } else {
        fprintf(ctx->out, "%d\n", n);
    }
    return ret;
}
