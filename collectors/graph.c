/*
 * graph.c: virtmon-graph's PNGs through librrd, and the directory scan
 * that finds what to draw.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <rrd.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "graph.h"
#include "rrd_layout.h"
#include "util/vm_alloc.h"
#include "util/vm_buf.h"
#include "util/vm_error.h"
#include "util/vm_file.h"
#include "virtmon.h"

#define WIDTH "640"
#define HEIGHT "160"

/* one colour per device line, then around again */
static const char *const palette[] = {"0066cc", "cc3300", "339933", "9933cc", "cc9900", "009999"};

struct args {
    char **v;
    size_t n, alloc;
};

static void add(struct args *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct args *a, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    VM_GROW(a->v, a->n, a->alloc);
    a->v[a->n - 1] = vm_vasprintf(fmt, ap);
    va_end(ap);
}

static void args_clear(struct args *a)
{
    for (size_t i = 0; i < a->n; i++)
        free(a->v[i]);
    free(a->v);
    *a = (struct args){0};
}

/* rrdtool splits DEF on ':', so a path with one needs it escaped. */
static char *escape_colons(const char *s)
{
    char *out = vm_calloc(2 * strlen(s) + 1, 1), *p = out;

    for (; *s; s++) {
        if (*s == ':')
            *p++ = '\\';
        *p++ = *s;
    }
    return out;
}

static void def(struct args *a, const struct graph_opts *o, const char *vname, const char *file,
                const char *ds)
{
    VM_AUTOFREE char *path = vm_asprintf("%s/%s", o->dir, file);
    VM_AUTOFREE char *esc = escape_colons(path);

    add(a, "DEF:%s=%s:%s:AVERAGE", vname, esc, ds);
}

/* A KiB data source (memory is in KiB everywhere) as vname in bytes, so
 * that rrdtool's prefixes with --base 1024 read KiB, MiB, GiB. */
static void def_kib(struct args *a, const struct graph_opts *o, const char *vname,
                    const char *file, enum rrd_kind kind, int ds)
{
    VM_AUTOFREE char *raw = vm_asprintf("%s_kib", vname);

    def(a, o, raw, file, rrd_ds_name(kind, ds));
    add(a, "CDEF:%s=%s,1024,*", vname, raw);
}

/* "last 12.3 avg 10.1 max 40.0" after a line's label. */
static void legend(struct args *a, const char *vname, const char *fmt)
{
    static const struct {
        const char *cf, *word;
    } parts[] = {{"LAST", "last"}, {"AVERAGE", "avg"}, {"MAXIMUM", "max"}};

    for (size_t i = 0; i < 3; i++) {
        add(a, "VDEF:%s_%s=%s,%s", vname, parts[i].word, vname, parts[i].cf);
        add(a, "GPRINT:%s_%s:%s %s%s", vname, parts[i].word, parts[i].word, fmt,
            i == 2 ? "\\n" : "");
    }
}

/* One graph being made: its arguments and where it goes. */
struct job {
    struct args a;
    char *png;          /* file name in OUT_DIR */
};

/* Starts a graph: file, size, time span, titles. */
static void begin(struct job *j, const struct graph_opts *o, char *png, char *title,
                  const char *vlabel)
{
    struct args *a = &j->a;

    j->png = png;
    add(a, "graph");
    add(a, "%s/%s", o->out, png);
    add(a, "--imgformat");
    add(a, "PNG");
    add(a, "--width");
    add(a, WIDTH);
    add(a, "--height");
    add(a, HEIGHT);
    add(a, "--start");
    add(a, "%s", o->start);
    add(a, "--end");
    add(a, "%s", o->end);
    add(a, "--title");
    add(a, "%s", title);
    add(a, "--vertical-label");
    add(a, "%s", vlabel);
    add(a, "--lower-limit");
    add(a, "0");
    add(a, "--slope-mode");
    if (o->daemon && *o->daemon) {
        /* fresh data: rrdcached flushes each file before it is read */
        add(a, "--daemon");
        add(a, "%s", o->daemon);
    }
    free(title);
}

/* Draws the graph and records it; 1 when it failed, else 0. */
static int finish(struct job *j, const char *caption, struct graph_image **imgs, size_t *n)
{
    rrd_info_t *info;
    struct graph_image img = {.file = j->png, .caption = vm_strdup(caption)};
    size_t alloc = *n;

    rrd_clear_error();
    info = rrd_graph_v((int)j->a.n, j->a.v);
    if (!info)
        img.error = vm_strdup(rrd_test_error() ? rrd_get_error() : "rrdtool drew nothing");
    rrd_info_free(info);
    args_clear(&j->a);
    j->png = NULL;
    VM_GROW(*imgs, *n, alloc);
    (*imgs)[*n - 1] = img;
    return img.error ? 1 : 0;
}

/* Appends to the RPN sum in *rpn (vm_buf) the term vname, ADDNAN, so an
 * unknown term counts as nothing rather than making the total unknown. */
static void sum_term(struct vm_buf *rpn, const char *vname)
{
    vm_buf_addf(rpn, rpn->len ? ",%s,ADDNAN" : "%s", vname);
}

/* The hosts's total of DS over every device file of a kind: "CDEF:name=..." */
static void device_total(struct args *a, const struct graph_opts *o,
                         const struct graph_domain *doms, size_t ndoms, enum rrd_kind kind,
                         const char *ds, const char *name)
{
    struct vm_buf rpn = VM_BUF_INIT;
    size_t k = 0;

    for (size_t i = 0; i < ndoms; i++) {
        char **devs = kind == RRD_DISK ? doms[i].disks : doms[i].ifs;
        size_t ndevs = kind == RRD_DISK ? doms[i].ndisks : doms[i].nifs;
        for (size_t j = 0; j < ndevs; j++) {
            VM_AUTOFREE char *file = rrd_file(kind, doms[i].uuid, devs[j]);
            VM_AUTOFREE char *v = vm_asprintf("%s%zu", name, k++);
            def(a, o, v, file, ds);
            sum_term(&rpn, v);
        }
    }
    add(a, "CDEF:%s=%s", name, vm_buf_str(&rpn));
    vm_buf_clear(&rpn);
}

/* The host's disk or network graph: both directions summed over every
 * domain's devices of that kind. */
static int host_traffic(struct job *j, const struct graph_opts *o,
                        const struct graph_domain *doms, size_t ndoms, enum rrd_kind kind,
                        struct graph_image **imgs, size_t *n)
{
    static const struct {
        const char *png, *title, *caption;
        int ds[2];
        const char *label[2];
    } what[2] = {
        {"host-disk.png", "Host disk: all domains", "Disk", {RRD_DISK_RD_BYTES, RRD_DISK_WR_BYTES},
         {"read ", "write"}},
        {"host-net.png", "Host network: all domains", "Network", {RRD_IF_RX_BYTES, RRD_IF_TX_BYTES},
         {"received by guests", "sent by guests    "}},
    };
    static const char *const vname[2] = {"in", "out"};
    static const char *const colour[2] = {"0066cc", "cc3300"};
    int w = kind == RRD_DISK ? 0 : 1;

    begin(j, o, vm_strdup(what[w].png), vm_strdup(what[w].title), "bytes/s");
    for (int k = 0; k < 2; k++)
        device_total(&j->a, o, doms, ndoms, kind, rrd_ds_name(kind, what[w].ds[k]), vname[k]);
    for (int k = 0; k < 2; k++) {
        add(&j->a, "LINE1:%s#%s:%s", vname[k], colour[k], what[w].label[k]);
        legend(&j->a, vname[k], "%7.2lf %sB/s");
    }
    return finish(j, what[w].caption, imgs, n);
}

int graph_draw_host(const struct graph_opts *o, const struct graph_domain *doms, size_t ndoms,
                    struct graph_image **imgs, size_t *n)
{
    struct job j = {0};
    struct args *a = &j.a;
    struct vm_buf rpn = VM_BUF_INIT;
    VM_AUTOFREE char *host = rrd_file(RRD_HOST, NULL, NULL);
    size_t ndisks = 0, nifs = 0;
    int failed = 0;

    /* every domain's CPU in host cores (its CPU time, or where the source
     * gives only utilisation, that share of its vCPUs), over the host's */
    begin(&j, o, vm_strdup("host-cpu.png"), vm_strdup("Host CPU: all domains"),
          "% of the host's CPUs");
    def(a, o, "cpus", host, rrd_ds_name(RRD_HOST, RRD_HOST_CPUS));
    for (size_t i = 0; i < ndoms; i++) {
        VM_AUTOFREE char *dom = rrd_file(RRD_DOMAIN, doms[i].uuid, NULL);
        VM_AUTOFREE char *ns = vm_asprintf("ns%zu", i), *util = vm_asprintf("util%zu", i);
        VM_AUTOFREE char *vc = vm_asprintf("vc%zu", i), *cores = vm_asprintf("cores%zu", i);
        def(a, o, ns, dom, rrd_ds_name(RRD_DOMAIN, RRD_DOM_CPU_NS));
        def(a, o, util, dom, rrd_ds_name(RRD_DOMAIN, RRD_DOM_CPU_PCT));
        def(a, o, vc, dom, rrd_ds_name(RRD_DOMAIN, RRD_DOM_VCPUS));
        add(a, "CDEF:%s=%s,UN,%s,%s,*,100,/,%s,1000000000,/,IF", cores, ns, util, vc, ns);
        sum_term(&rpn, cores);
    }
    add(a, "CDEF:busy=%s", rpn.len ? vm_buf_str(&rpn) : "cpus,0,*");
    vm_buf_clear(&rpn);
    add(a, "CDEF:pct=busy,cpus,/,100,*");
    add(a, "AREA:pct#6699cc:CPU");
    legend(a, "pct", "%6.1lf%%");
    failed += finish(&j, "CPU", imgs, n);

    begin(&j, o, vm_strdup("host-memory.png"), vm_strdup("Host memory"), "bytes");
    add(a, "--base");
    add(a, "1024");
    def_kib(a, o, "total", host, RRD_HOST, RRD_HOST_MEM_TOTAL);
    def_kib(a, o, "free", host, RRD_HOST, RRD_HOST_MEM_FREE);
    add(a, "CDEF:used=total,free,-");
    add(a, "AREA:used#cc6666:used ");
    legend(a, "used", "%7.2lf %sB");
    add(a, "LINE1:free#339933:free ");
    legend(a, "free", "%7.2lf %sB");
    add(a, "LINE2:total#000000:total");
    legend(a, "total", "%7.2lf %sB");
    failed += finish(&j, "Memory", imgs, n);

    begin(&j, o, vm_strdup("host-domains.png"), vm_strdup("Domains"), "domains");
    def(a, o, "running", host, rrd_ds_name(RRD_HOST, RRD_HOST_DOM_RUNNING));
    def(a, o, "defined", host, rrd_ds_name(RRD_HOST, RRD_HOST_DOM_DEFINED));
    add(a, "AREA:running#66aa66:running");
    legend(a, "running", "%6.0lf");
    add(a, "LINE2:defined#000000:defined");
    legend(a, "defined", "%6.0lf");
    failed += finish(&j, "Domains", imgs, n);

    for (size_t i = 0; i < ndoms; i++) {
        ndisks += doms[i].ndisks;
        nifs += doms[i].nifs;
    }
    if (ndisks)
        failed += host_traffic(&j, o, doms, ndoms, RRD_DISK, imgs, n);
    if (nifs)
        failed += host_traffic(&j, o, doms, ndoms, RRD_IF, imgs, n);
    return failed;
}

/* One line per device and direction: "vda read", "vda write". */
static void device_lines(struct args *a, const struct graph_opts *o, const char *uuid,
                         enum rrd_kind kind, char **devs, size_t ndevs, const int ds[2],
                         const char *const words[2])
{
    for (size_t i = 0; i < ndevs; i++) {
        VM_AUTOFREE char *file = rrd_file(kind, uuid, devs[i]);
        for (size_t k = 0; k < 2; k++) {
            VM_AUTOFREE char *v = vm_asprintf("d%zu_%zu", i, k);
            def(a, o, v, file, rrd_ds_name(kind, ds[k]));
            add(a, "LINE1:%s#%s:%-8s %-5s", v, palette[(2 * i + k) % 6], devs[i], words[k]);
            legend(a, v, "%7.2lf %sB/s");
        }
    }
}

int graph_draw_domain(const struct graph_opts *o, const struct graph_domain *d,
                      struct graph_image **imgs, size_t *n)
{
    static const int disk_ds[2] = {RRD_DISK_RD_BYTES, RRD_DISK_WR_BYTES};
    static const char *const disk_words[2] = {"read", "write"};
    static const int if_ds[2] = {RRD_IF_RX_BYTES, RRD_IF_TX_BYTES};
    static const char *const if_words[2] = {"in", "out"};
    VM_AUTOFREE char *dom = rrd_file(RRD_DOMAIN, d->uuid, NULL);
    struct job j = {0};
    struct args *a = &j.a;
    int failed = 0;

    begin(&j, o, vm_asprintf("%s-cpu.png", d->uuid), vm_asprintf("%s: CPU", d->name),
          "% of its vCPUs");
    def(a, o, "ns", dom, rrd_ds_name(RRD_DOMAIN, RRD_DOM_CPU_NS));
    def(a, o, "vcpus", dom, rrd_ds_name(RRD_DOMAIN, RRD_DOM_VCPUS));
    def(a, o, "util", dom, rrd_ds_name(RRD_DOMAIN, RRD_DOM_CPU_PCT));
    /* ns of CPU per second over 1e9 per vCPU, as %; a source's own
     * utilisation (XenAPI) wins where it has one */
    add(a, "CDEF:derived=ns,vcpus,/,10000000,/");
    add(a, "CDEF:pct=util,UN,derived,util,IF");
    add(a, "AREA:pct#6699cc:CPU");
    legend(a, "pct", "%6.1lf%%");
    failed += finish(&j, "CPU", imgs, n);

    begin(&j, o, vm_asprintf("%s-memory.png", d->uuid), vm_asprintf("%s: memory", d->name),
          "bytes");
    add(a, "--base");
    add(a, "1024");
    def_kib(a, o, "cur", dom, RRD_DOMAIN, RRD_DOM_MEM_CUR);
    def_kib(a, o, "max", dom, RRD_DOMAIN, RRD_DOM_MEM_MAX);
    add(a, "AREA:cur#66aa66:current");
    legend(a, "cur", "%7.2lf %sB");
    add(a, "LINE2:max#000000:maximum");
    legend(a, "max", "%7.2lf %sB");
    failed += finish(&j, "Memory", imgs, n);

    if (d->ndisks) {
        begin(&j, o, vm_asprintf("%s-disk.png", d->uuid), vm_asprintf("%s: disk", d->name),
              "bytes/s");
        device_lines(a, o, d->uuid, RRD_DISK, d->disks, d->ndisks, disk_ds, disk_words);
        failed += finish(&j, "Disk", imgs, n);
    }
    if (d->nifs) {
        begin(&j, o, vm_asprintf("%s-net.png", d->uuid),
              vm_asprintf("%s: network (the guest's view)", d->name), "bytes/s");
        device_lines(a, o, d->uuid, RRD_IF, d->ifs, d->nifs, if_ds, if_words);
        failed += finish(&j, "Network", imgs, n);
    }
    return failed;
}

void graph_images_free(struct graph_image *imgs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(imgs[i].file);
        free(imgs[i].caption);
        free(imgs[i].error);
    }
    free(imgs);
}

static int by_string(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int by_name(const void *a, const void *b)
{
    const struct graph_domain *x = a, *y = b;
    int c = strcmp(x->name, y->name);

    return c ? c : strcmp(x->uuid, y->uuid);
}

/* The DEVs of PREFIX-DEV.rrd in dir/uuid. */
static void find_devices(const char *dir, const char *uuid, const char *prefix, char ***devs,
                         size_t *n)
{
    VM_AUTOFREE char *path = vm_asprintf("%s/%s", dir, uuid);
    DIR *d = opendir(path);
    struct dirent *e;
    size_t plen = strlen(prefix), alloc = 0;

    *devs = NULL;
    *n = 0;
    if (!d)
        return;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len > plen + 4 && strncmp(e->d_name, prefix, plen) == 0 &&
            strcmp(e->d_name + len - 4, ".rrd") == 0) {
            VM_GROW(*devs, *n, alloc);
            (*devs)[*n - 1] = vm_strndup(e->d_name + plen, len - plen - 4);
        }
    }
    closedir(d);
    if (*n)
        qsort(*devs, *n, sizeof(**devs), by_string);
}

int graph_find_domains(const char *dir, struct graph_domain **doms, size_t *n)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t alloc = 0;

    *doms = NULL;
    *n = 0;
    if (!d) {
        vm_report_system_error(errno, "cannot read RRD directory '%s'", dir);
        return -1;
    }
    while ((e = readdir(d))) {
        unsigned char uuid[VM_UUID_BUFLEN];
        VM_AUTOFREE char *file = NULL, *namefile = NULL, *name = NULL;
        struct graph_domain *g;
        if (vm_uuid_parse(e->d_name, uuid) < 0)
            continue;
        file = vm_asprintf("%s/%s/domain.rrd", dir, e->d_name);
        if (access(file, F_OK) != 0)
            continue;
        namefile = vm_asprintf("%s/%s/name", dir, e->d_name);
        name = vm_file_read(namefile, "name file", VM_FILE_MAX_STATE, NULL);
        if (name)
            name[strcspn(name, "\n")] = '\0';
        VM_GROW(*doms, *n, alloc);
        g = &(*doms)[*n - 1];
        g->uuid = vm_strdup(e->d_name);
        g->name = name && *name ? vm_steal_ptr(&name) : vm_strdup(e->d_name);
        find_devices(dir, g->uuid, "disk-", &g->disks, &g->ndisks);
        find_devices(dir, g->uuid, "if-", &g->ifs, &g->nifs);
    }
    closedir(d);
    vm_error_reset();
    if (*n)
        qsort(*doms, *n, sizeof(**doms), by_name);
    return 0;
}

void graph_domains_free(struct graph_domain *doms, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(doms[i].uuid);
        free(doms[i].name);
        for (size_t j = 0; j < doms[i].ndisks; j++)
            free(doms[i].disks[j]);
        for (size_t j = 0; j < doms[i].nifs; j++)
            free(doms[i].ifs[j]);
        free(doms[i].disks);
        free(doms[i].ifs);
    }
    free(doms);
}
