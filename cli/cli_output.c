/*
 * cli_output.c: how the CLI reports: errors, informational lines, virsh's
 * tables, and the lazily opened connection.
 */
#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "cli.h"
#include "util/vm_alloc.h"

void cli_error(const char *fmt, ...)
{
    va_list ap;

    fflush(stdout);
    fputs("error: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void cli_lib_error(const char *fmt, ...)
{
    va_list ap;
    char *prefix;

    va_start(ap, fmt);
    prefix = vm_vasprintf(fmt, ap);
    va_end(ap);
    cli_error("%s: %s", prefix, vm_error_message());
    free(prefix);
}

void cli_field(struct cli_ctx *ctx, const char *name, const char *fmt, ...)
{
    va_list ap;

    fprintf(ctx->out, "%-15s ", name);
    va_start(ap, fmt);
    vfprintf(ctx->out, fmt, ap);
    va_end(ap);
    fputc('\n', ctx->out);
}

void cli_info(struct cli_ctx *ctx, const char *fmt, ...)
{
    va_list ap;

    if (ctx->quiet)
        return;
    va_start(ap, fmt);
    vfprintf(ctx->out, fmt, ap);
    va_end(ap);
    fputc('\n', ctx->out);
}

struct vm_connect *cli_conn(struct cli_ctx *ctx)
{
    /* what auth.conf lacks is asked on the terminal (none: an auth error) */
    static const struct vm_connect_auth ask = {vm_auth_terminal_callback, NULL};

    if (ctx->conn)
        return ctx->conn;
    ctx->conn = vm_connect_open_auth(ctx->uri, &ask, ctx->readonly ? VM_CONNECT_RO : 0);
    if (!ctx->conn)
        cli_error("failed to connect to the hypervisor: %s", vm_error_message());
    return ctx->conn;
}

struct cli_table {
    size_t ncols;
    char **cells;       /* header first, row-major */
    size_t nrows;
};

struct cli_table *cli_table_new(size_t ncols, const char *const *header)
{
    struct cli_table *t;

    VM_NEW(t);
    t->ncols = ncols;
    cli_table_add_row(t, header);
    return t;
}

void cli_table_add_row(struct cli_table *t, const char *const *cells)
{
    vm_realloc_n(&t->cells, (t->nrows + 1) * t->ncols, sizeof(*t->cells));
    for (size_t c = 0; c < t->ncols; c++)
        t->cells[t->nrows * t->ncols + c] = vm_strdup(cells[c]);
    t->nrows++;
}

/* virsh's layout: a leading space, columns padded to their widest cell and
 * three spaces apart, the last one unpadded; the rule is two longer. */
void cli_table_print(struct cli_table *t, FILE *out, bool with_header)
{
    size_t *width;
    size_t total = 1;

    VM_NEW_N(width, t->ncols);
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t c = 0; c < t->ncols; c++) {
            size_t len = strlen(t->cells[r * t->ncols + c]);
            if (len > width[c])
                width[c] = len;
        }
    }
    for (size_t c = 0; c < t->ncols; c++)
        total += width[c] + (c + 1 < t->ncols ? 3 : 0);
    for (size_t r = with_header ? 0 : 1; r < t->nrows; r++) {
        fputc(' ', out);
        for (size_t c = 0; c < t->ncols; c++) {
            const char *cell = t->cells[r * t->ncols + c];
            if (c + 1 < t->ncols)
                fprintf(out, "%-*s   ", (int)width[c], cell);
            else
                fputs(cell, out);
        }
        fputc('\n', out);
        if (r == 0) {
            for (size_t i = 0; i < total + 2; i++)
                fputc('-', out);
            fputc('\n', out);
        }
    }
    free(width);
}

void cli_table_free(struct cli_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->nrows * t->ncols; i++)
        free(t->cells[i]);
    free(t->cells);
    free(t);
}
