/*
 * virtmon.c: the control CLI's main: global options, then one command, a
 * ';'-separated batch, or commands read from standard input.
 */
#include "config.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "util/vm_alloc.h"
#include "util/vm_log.h"

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: virtmon [-c URI] [-r] [-q] COMMAND [ARGS]\n"
            "       virtmon [-c URI] [-r] [-q] 'COMMAND [ARGS]; COMMAND [ARGS]...'\n"
            "       virtmon [-c URI] [-r] [-q]          (commands from standard input)\n\n"
            "  -c, --connect URI   hypervisor URI (default: $VIRTMON_DEFAULT_URI, then\n"
            "                      uri_default in virtmon.conf, then qemu:///system for root\n"
            "                      and qemu:///session otherwise)\n"
            "  -r, --readonly      open the connection read-only\n"
            "  -q, --quiet         drop informational output\n"
            "  -h, --help          this help\n"
            "  -V, --version       print the program's version\n\n"
            "'virtmon help' lists the commands.\n");
}

static void log_to_stderr(enum vm_log_priority prio, const char *file, int line,
                          const char *msg, void *opaque)
{
    fprintf(stderr, "virtmon: %s: %s:%d: %s\n", vm_log_priority_name(prio), file, line, msg);
}

/* Without VIRTMON_DEBUG, the library's warnings (a definition that breaks
 * a newer rule, a state file set right) are the operator's business. */
static void warn_to_stderr(enum vm_log_priority prio, const char *file, int line,
                           const char *msg, void *opaque)
{
    fprintf(stderr, "%s: %s\n", prio >= VM_LOG_ERROR ? "error" : "warning", msg);
}

static int run_line(struct cli_ctx *ctx, const char *line, bool *quit)
{
    char ***cmds = NULL;
    size_t *nwords = NULL;
    char *err = NULL;
    int n, ret = 0;

    if ((n = cli_split(line, &cmds, &nwords, &err)) < 0) {
        cli_error("%s", err);
        free(err);
        return 1;
    }
    for (int i = 0; i < n; i++) {
        if (strcmp(cmds[i][0], "quit") == 0 || strcmp(cmds[i][0], "exit") == 0) {
            *quit = true;
            break;
        }
        ret = cli_run_command(ctx, cmds[i], nwords[i]);
    }
    cli_split_free(cmds, nwords, (size_t)n);
    return ret;
}

/* Several words on the command line: each is a word, ";" alone separates. */
static int run_words(struct cli_ctx *ctx, char **words, int nwords)
{
    int ret = 0, start = 0;

    for (int i = 0; i <= nwords; i++) {
        if (i == nwords || strcmp(words[i], ";") == 0) {
            if (i > start)
                ret = cli_run_command(ctx, words + start, (size_t)(i - start));
            start = i + 1;
        }
    }
    return ret;
}

static int run_stdin(struct cli_ctx *ctx)
{
    bool tty = isatty(STDIN_FILENO);
    char *line = NULL;
    size_t cap = 0;
    bool quit = false;
    int ret = 0;

    while (!quit) {
        if (tty) {
            fputs("virtmon # ", stdout);
            fflush(stdout);
        }
        if (getline(&line, &cap, stdin) < 0)
            break;
        ret = run_line(ctx, line, &quit);
    }
    if (tty && !quit)
        fputc('\n', stdout);
    free(line);
    return ret;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"connect", required_argument, NULL, 'c'},
        {"readonly", no_argument, NULL, 'r'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {"man-commands", no_argument, NULL, 'M'},
        {NULL, 0, NULL, 0},
    };
    struct cli_ctx ctx = {.out = stdout};
    const char *debug = getenv("VIRTMON_DEBUG");
    int c, ret;

    if (debug && *debug) {
        int prio = vm_log_priority_parse(debug);
        vm_log_set_output(log_to_stderr, NULL, prio > 0 ? prio : VM_LOG_DEBUG);
    } else {
        vm_log_set_output(warn_to_stderr, NULL, VM_LOG_WARN);
    }
    while ((c = getopt_long(argc, argv, "+c:rqhV", longopts, NULL)) != -1) {
        switch (c) {
        case 'c': ctx.uri = optarg; break;
        case 'r': ctx.readonly = true; break;
        case 'q': ctx.quiet = true; break;
        case 'h': usage(stdout); return 0;
        case 'V': printf("virtmon %s\n", PACKAGE_VERSION); return 0;
        case 'M': cli_print_man_commands(stdout); return 0;
        default: usage(stderr); return 1;
        }
    }
    if (optind == argc) {
        ret = run_stdin(&ctx);
    } else if (optind + 1 == argc) {
        bool quit = false;
        ret = run_line(&ctx, argv[optind], &quit);
    } else {
        ret = run_words(&ctx, argv + optind, argc - optind);
    }
    if (ctx.conn)
        vm_connect_close(ctx.conn);
    free(ctx.uri_owned);
    return ret;
}
