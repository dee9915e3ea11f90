/*
 * cli.h: the virtmon control CLI.  Commands are declared once, in the table
 * of cli_commands.c (name, options, arguments, help, handler); the table
 * drives parsing, `help` and the man page's command list.
 */
#ifndef CLI_H
#define CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "virtmon.h"

#define CLI_MAX_OPTS 20

enum cli_opt_type {
    CLI_OPT_BOOL,
    CLI_OPT_STRING,
};

struct cli_opt {
    const char *name;           /* without the dashes: "all" */
    enum cli_opt_type type;
    const char *help;
    const char *metavar;        /* CLI_OPT_STRING: "DIR" */
};

struct cli_ctx;
struct cli_args;

struct cli_cmd {
    const char *name;
    const char *summary;        /* one line, for `help` */
    const char *description;    /* a paragraph, for `help CMD` and the man page */
    struct cli_opt opts[CLI_MAX_OPTS];
    const char *arg;            /* positional argument's name ("DOMAIN"), or NULL */
    bool arg_optional;
    bool arg_repeats;           /* DOMAIN... */
    const char *arg2;           /* a second one ("INTERFACE"), or NULL */
    bool arg2_optional;
    bool needs_conn;
    int (*handler)(struct cli_ctx *ctx, const struct cli_args *args);
    /* For the simple domain operations: the call and what is printed. */
    int (*domain_op)(struct vm_domain *dom, unsigned int flags);
    const char *done_what;      /* "started": "Domain 'x' started" */
    const char *fail_verb;      /* "start": "failed to start domain 'x'" */
};

struct cli_args {
    const struct cli_cmd *cmd;
    const char *opt_value[CLI_MAX_OPTS];  /* "1" for a set boolean */
    const char **pos;           /* arg (arg_repeats: all of them), then arg2 */
    size_t npos;
};

/* The second positional argument, NULL when not given. */
const char *cli_arg2(const struct cli_args *args);

struct cli_ctx {
    const char *uri;            /* -c, or NULL for the default */
    char *uri_owned;            /* what `connect` named (uri points at it) */
    bool readonly, quiet;
    struct vm_connect *conn;    /* opened by the first command that needs it */
    FILE *out;
    bool no_trailer;            /* the command printed its own final blank line */
};

/* The command table, ended by an entry with a NULL name. */
extern const struct cli_cmd cli_commands[];

const struct cli_cmd *cli_command_find(const char *name);

/* The value of a named option, NULL when not given. */
/* Moves what from has (one read) to to, whole; 0, or -1 at from's end or
 * on an error (cmd_bridge.c). */
int cli_pump(int from, int to);

const char *cli_arg(const struct cli_args *args, const char *name);
bool cli_flag(const struct cli_args *args, const char *name);

/* Splits a command line into commands (arrays of words) at ';'.  Quotes ('
 * and ") and backslashes work as in a shell; '#' starts a comment.  Returns
 * the number of commands, -1 with *err set (caller frees) on bad quoting.
 * Free the result with cli_split_free(). */
int cli_split(const char *line, char ****cmds, size_t **nwords, char **err);
void cli_split_free(char ***cmds, size_t *nwords, size_t ncmds);

/* Parses words[1..] against cmd; 0, or -1 with *err (caller frees). */
int cli_parse_args(const struct cli_cmd *cmd, char **words, size_t nwords, struct cli_args *args,
                   char **err);

/* Prints "error: ..." on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints "error: PREFIX: <the library's message>", PREFIX formatted. */
void cli_lib_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* One of virsh's "Name:           value" lines (name padded to 15). */
void cli_field(struct cli_ctx *ctx, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Informational output: dropped with -q. */
void cli_info(struct cli_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The connection, opened on first use; NULL after printing the error. */
struct vm_connect *cli_conn(struct cli_ctx *ctx);

/* Runs one parsed command; returns the exit status (0 or 1). */
int cli_run_command(struct cli_ctx *ctx, char **words, size_t nwords);

/* A virsh-style table: header cells, then rows; printed and freed by
 * cli_table_print(). */
/* The domain a command's argument names (name, UUID or id); NULL after
 * printing the error. */
struct vm_domain *cli_arg_domain(struct cli_ctx *ctx, const char *what);

struct cli_table;
struct cli_table *cli_table_new(size_t ncols, const char *const *header);
void cli_table_add_row(struct cli_table *t, const char *const *cells);
void cli_table_print(struct cli_table *t, FILE *out, bool with_header);
void cli_table_free(struct cli_table *t);

/* Prints the command list as man-page (roff) text. */
void cli_print_man_commands(FILE *out);

/* Handlers shared by the table. */
int cli_cmd_domain_op(struct cli_ctx *ctx, const struct cli_args *args);

#endif /* CLI_H */
