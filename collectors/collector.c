/*
 * collector.c: the collection cycle.
 */
#include "config.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "collector.h"
#include "rrd_layout.h"
#include "rrd_sink.h"
#include "util/vm_alloc.h"
#include "util/vm_buf.h"
#include "util/vm_dirs.h"
#include "util/vm_error.h"
#include "util/vm_file.h"
#include "util/vm_log.h"
#include "virtmon.h"

/* One RRD file as this process knows it. */
struct file_rec {
    enum rrd_kind kind;
    char *file;             /* relative to RRD_DIR */
    bool created;           /* exists, as far as we know */
    bool failing;           /* its last create or update failed (logged) */
};

struct dom_rec {
    char uuid[VM_UUID_STRING_BUFLEN];
    char *name;             /* as in its name file */
    struct file_rec dom;
    struct file_rec **devs; /* each its own allocation: a batch points at them */
    size_t ndevs;
    unsigned long seen;     /* the last cycle that listed it */
};

/* A domain gone for this many cycles is forgotten (its files stay), so
 * that a host whose domains come and go does not grow the collector. */
#define FORGET_AFTER 60

struct collector {
    struct collector_opts opts;
    struct rrd_sink *sink;
    struct vm_connect *conn;
    bool unreachable;       /* logged */
    bool sink_failing;      /* logged */
    struct file_rec host;
    struct dom_rec **doms;  /* sorted by uuid; each its own allocation */
    size_t ndoms;
    unsigned long cycle;    /* cycles that collected */
};

/* What a cycle sends: the updates, and whose each is. */
struct batch {
    struct rrd_update *u;
    struct file_rec **rec;
    size_t n, alloc;
    int failures;
};

struct collector *collector_new(const struct collector_opts *opts)
{
    struct collector *c;
    struct rrd_sink *sink = rrd_sink_open(opts->dir, opts->daemon);

    if (!sink)
        return NULL;
    VM_NEW(c);
    c->opts = *opts;
    c->sink = sink;
    c->host = (struct file_rec){.kind = RRD_HOST, .file = rrd_file(RRD_HOST, NULL, NULL)};
    return c;
}

static void file_rec_clear(struct file_rec *f)
{
    free(f->file);
}

static void dom_rec_free(struct dom_rec *d)
{
    free(d->name);
    file_rec_clear(&d->dom);
    for (size_t j = 0; j < d->ndevs; j++) {
        file_rec_clear(d->devs[j]);
        free(d->devs[j]);
    }
    free(d->devs);
    free(d);
}

/* Drops the records of domains not listed for FORGET_AFTER cycles. */
static void forget_gone(struct collector *c)
{
    size_t kept = 0;

    for (size_t i = 0; i < c->ndoms; i++) {
        if (c->cycle - c->doms[i]->seen > FORGET_AFTER)
            dom_rec_free(c->doms[i]);
        else
            c->doms[kept++] = c->doms[i];
    }
    c->ndoms = kept;
}

void collector_free(struct collector *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->ndoms; i++)
        dom_rec_free(c->doms[i]);
    free(c->doms);
    file_rec_clear(&c->host);
    rrd_sink_free(c->sink);
    vm_connect_close(c->conn);
    free(c);
}

/* The record of uuid, made on first sight. */
static struct dom_rec *dom_rec_get(struct collector *c, const char *uuid)
{
    size_t lo = 0, hi = c->ndoms;
    struct dom_rec *d;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int cmp = strcmp(c->doms[mid]->uuid, uuid);
        if (cmp == 0)
            return c->doms[mid];
        if (cmp < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    VM_NEW(d);
    memcpy(d->uuid, uuid, VM_UUID_STRING_BUFLEN);
    d->dom = (struct file_rec){.kind = RRD_DOMAIN, .file = rrd_file(RRD_DOMAIN, uuid, NULL)};
    vm_realloc_n(&c->doms, c->ndoms + 1, sizeof(*c->doms));
    memmove(&c->doms[lo + 1], &c->doms[lo], (c->ndoms - lo) * sizeof(*c->doms));
    c->doms[lo] = d;
    c->ndoms++;
    return d;
}

/* The record of a domain's device file, made on first sight. */
static struct file_rec *dev_rec_get(struct dom_rec *d, enum rrd_kind kind, const char *dev)
{
    VM_AUTOFREE char *file = rrd_file(kind, d->uuid, dev);
    struct file_rec *f;

    for (size_t i = 0; i < d->ndevs; i++) {
        if (strcmp(d->devs[i]->file, file) == 0)
            return d->devs[i];
    }
    VM_NEW(f);
    *f = (struct file_rec){.kind = kind, .file = vm_steal_ptr(&file)};
    vm_realloc_n(&d->devs, d->ndevs + 1, sizeof(*d->devs));
    d->devs[d->ndevs++] = f;
    return f;
}

/* A problem with one file: logged when it starts. */
static void file_failed(struct collector *c, struct file_rec *f, const char *what,
                        const char *why)
{
    if (!f->failing)
        VM_ERROR("%s/%s: %s: %s (logged once; the other files go on)", c->opts.dir, f->file,
                 what, why);
    f->failing = true;
}

static void file_ok(struct collector *c, struct file_rec *f)
{
    if (f->failing)
        VM_INFO("%s/%s: written again", c->opts.dir, f->file);
    f->failing = false;
}

/* Queues values for f, creating it first when it is new to us. */
static void queue(struct collector *c, struct batch *b, struct file_rec *f, time_t ts,
                  struct vm_buf *values)
{
    if (!f->created) {
        char **args = NULL;
        int rc;
        rrd_create_args(f->kind, c->opts.step, &args);
        rc = c->sink->ops->create(c->sink, f->file, c->opts.step, ts - 1, args,
                                  rrd_file_bytes(f->kind, c->opts.step));
        rrd_args_free(args);
        if (rc < 0) {
            file_failed(c, f, "cannot create", vm_error_message());
            b->failures++;
            vm_buf_clear(values);
            return;
        }
        f->created = true;
    }
    if (b->n == b->alloc) {
        b->alloc = b->alloc ? 2 * b->alloc : 256;
        vm_realloc_n(&b->u, b->alloc, sizeof(*b->u));
        vm_realloc_n(&b->rec, b->alloc, sizeof(*b->rec));
    }
    b->u[b->n] = (struct rrd_update){.file = f->file, .values = vm_buf_steal(values)};
    b->rec[b->n++] = f;
}

static void on_failed(void *ctx, size_t index, const char *message)
{
    void **pair = ctx;
    struct collector *c = pair[0];
    struct batch *b = pair[1];

    file_failed(c, b->rec[index], "cannot update", message);
    /* next cycle checks it exists first: a file removed (say, a damaged
     * one an operator deleted) is made anew */
    b->rec[index]->created = false;
    b->rec[index] = NULL;       /* not ok this cycle */
    b->failures++;
}

/* ":v": a counter or gauge, "U" when the source lacks it. */
static void add_u64(struct vm_buf *v, uint64_t x, bool known)
{
    if (known && x != VM_STAT_UNKNOWN)
        vm_buf_addf(v, ":%llu", (unsigned long long)x);
    else
        vm_buf_add(v, ":U");
}

/* An update of a file of kind at ts: each data source's value taken from
 * src, the kind's source struct, as the layout's table says. */
static void add_values(struct vm_buf *v, enum rrd_kind kind, const void *src,
                       const bool known[RRD_KNOWN_LAST], time_t ts)
{
    size_t n;
    const struct rrd_ds *ds = rrd_kind_ds(kind, &n);

    vm_buf_addf(v, "%lld", (long long)ts);
    for (size_t i = 0; i < n; i++) {
        const char *p = (const char *)src + ds[i].offset;
        uint64_t u;
        double d;
        switch (ds[i].value) {
        case RRD_U64:
            memcpy(&u, p, sizeof(u));
            add_u64(v, u, known[ds[i].known]);
            break;
        case RRD_UINT: {
            unsigned int x;
            memcpy(&x, p, sizeof(x));
            add_u64(v, x, known[ds[i].known]);
            break;
        }
        case RRD_PERCENT:
            memcpy(&d, p, sizeof(d));
            if (isnan(d) || !known[ds[i].known])
                vm_buf_add(v, ":U");
            else
                vm_buf_addf(v, ":%.2f", d);
            break;
        }
    }
}

/* A disk's or NIC's counters; one without a target name is PREFIXn. */
static void queue_device(struct collector *c, struct batch *b, struct dom_rec *d,
                         enum rrd_kind kind, const char *name, const char *prefix, size_t index,
                         const void *src, const bool known[RRD_KNOWN_LAST], time_t ts)
{
    VM_AUTOFREE char *fallback = vm_asprintf("%s%zu", prefix, index);
    VM_AUTOFREE char *dev = rrd_dev_name(name, fallback);
    struct vm_buf v = VM_BUF_INIT;

    add_values(&v, kind, src, known, ts);
    queue(c, b, dev_rec_get(d, kind, dev), ts, &v);
}

static void queue_domain(struct collector *c, struct batch *b, const struct vm_domain_stats *st,
                         time_t ts)
{
    char uuid[VM_UUID_STRING_BUFLEN];
    struct dom_rec *d;
    struct vm_buf v = VM_BUF_INIT;
    /* a domain that is not running, or does not answer, has no counters: U,
     * never a false 0 */
    const bool known[RRD_KNOWN_LAST] = {
        [RRD_KNOWN_ALWAYS] = true,
        [RRD_KNOWN_ACTIVE] = st->id >= 0 && st->state != VM_DOMAIN_SHUTOFF &&
                             st->control == VM_DOMAIN_CONTROL_OK,
        [RRD_KNOWN_ANSWERS] = st->control == VM_DOMAIN_CONTROL_OK,
    };

    vm_uuid_format(st->uuid, uuid);
    d = dom_rec_get(c, uuid);
    d->seen = c->cycle;
    add_values(&v, RRD_DOMAIN, st, known, ts);
    queue(c, b, &d->dom, ts, &v);

    /* the name file follows renames; written after the domain's directory exists */
    if (d->dom.created && (!d->name || strcmp(d->name, st->name) != 0)) {
        VM_AUTOFREE char *file = rrd_name_file(uuid);
        VM_AUTOFREE char *path = vm_asprintf("%s/%s", c->opts.dir, file);
        VM_AUTOFREE char *dir = vm_asprintf("%s/%s", c->opts.dir, uuid);
        VM_AUTOFREE char *text = vm_asprintf("%s\n", st->name);
        if (vm_dir_make(dir, 0755) < 0 ||
            vm_file_write_atomic(path, text, strlen(text), 0644) < 0) {
            VM_ERROR("%s: %s", path, vm_error_message());
        } else {
            if (d->name)
                VM_INFO("domain %s renamed from '%s' to '%s'", uuid, d->name, st->name);
            free(d->name);
            d->name = vm_strdup(st->name);
        }
    }

    for (size_t i = 0; i < st->nblock; i++)
        queue_device(c, b, d, RRD_DISK, st->block[i].name, "disk", i, &st->block[i], known, ts);
    for (size_t i = 0; i < st->nnet; i++)
        queue_device(c, b, d, RRD_IF, st->net[i].name, "net", i, &st->net[i], known, ts);
}

/* The stats, connecting first when needed; NULL (logged) when the
 * hypervisor cannot be reached. */
static int collect(struct collector *c, struct vm_domain_stats ***st, struct vm_node_info *node,
                   bool *have_node)
{
    int n;

    if (!c->conn)
        c->conn = vm_connect_open(c->opts.uri, VM_CONNECT_RO);
    if (!c->conn || (n = vm_connect_get_all_domain_stats(c->conn, st, 0)) < 0) {
        if (!c->unreachable)
            VM_ERROR("cannot collect from %s: %s (nothing is written until it answers; "
                     "retrying every step)",
                     c->opts.uri ? c->opts.uri : "the default URI", vm_error_message());
        c->unreachable = true;
        vm_connect_close(c->conn);
        c->conn = NULL;
        return -1;
    }
    if (c->unreachable)
        VM_INFO("collecting from %s again", vm_connect_get_uri(c->conn));
    c->unreachable = false;
    *have_node = vm_node_get_info(c->conn, node, 0) == 0;
    return n;
}

int collector_cycle(struct collector *c, time_t ts)
{
    struct vm_domain_stats **st = NULL;
    struct vm_node_info node = {0};
    struct batch b = {0};
    struct vm_buf v = VM_BUF_INIT;
    bool known[RRD_KNOWN_LAST] = {[RRD_KNOWN_ALWAYS] = true};
    struct rrd_host_sample host = {0};
    void *ctx[2] = {c, &b};
    int n = collect(c, &st, &node, &known[RRD_KNOWN_NODE]), rc;

    if (n < 0)
        return -1;
    c->cycle++;
    for (int i = 0; i < n; i++)
        host.running += st[i]->control == VM_DOMAIN_CONTROL_OK &&
                        vm_domain_state_is_running(st[i]->state);
    host.defined = (unsigned int)n;
    host.mem_total_kib = node.memory_kib;
    host.mem_free_kib = node.free_memory_kib;
    host.cpus = node.cpus;
    add_values(&v, RRD_HOST, &host, known, ts);
    queue(c, &b, &c->host, ts, &v);
    for (int i = 0; i < n; i++)
        queue_domain(c, &b, st[i], ts);
    vm_domain_stats_list_free(st, (size_t)n);
    vm_node_info_clear(&node);
    forget_gone(c);

    rc = c->sink->ops->update(c->sink, b.u, b.n, on_failed, ctx);
    if (rc < 0) {
        if (!c->sink_failing)
            VM_ERROR("cannot write: %s (retrying every step)", vm_error_message());
        c->sink_failing = true;
        b.failures++;
    } else {
        if (c->sink_failing)
            VM_INFO("writing again");
        c->sink_failing = false;
        for (size_t i = 0; i < b.n; i++) {
            if (b.rec[i])
                file_ok(c, b.rec[i]);
        }
    }
    for (size_t i = 0; i < b.n; i++)
        free(b.u[i].values);
    free(b.u);
    free(b.rec);
    return b.failures ? 1 : 0;
}
