/*
 * cmd_control.c: the CLI's everyday control commands beyond the lifecycle:
 * setmem, setmaxmem, setvcpus, save, restore, edit, console and connect,
 * with virsh's options and messages.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "cli_handlers.h"
#include "util/vm_alloc.h"
#include "util/vm_handles.h"
#include "util/vm_file.h"
#include "util/vm_units.h"

/* The affect flags of --live, --config and --current (virsh: --current
 * goes with neither of the others). -1 after printing the error. */
static int affect_flags(const struct cli_args *args, unsigned int *flags)
{
    bool live = cli_flag(args, "live"), config = cli_flag(args, "config");

    if (cli_flag(args, "current") && (live || config)) {
        cli_error("%s: --current goes with neither --live nor --config", args->cmd->name);
        return -1;
    }
    *flags = (live ? VM_DOMAIN_AFFECT_LIVE : 0) | (config ? VM_DOMAIN_AFFECT_CONFIG : 0);
    return 0;
}

/* A size as virsh takes it: a number with an optional unit (KiB without
 * one).  -1 after printing the error. */
static int parse_size(const char *cmd, const char *text, uint64_t *kib)
{
    size_t digits = strspn(text, "0123456789");
    VM_AUTOFREE char *num = vm_strndup(text, digits);
    const char *unit = text + digits;
    uint64_t v;

    if (!digits || vm_parse_u64(num, &v) < 0 || vm_units_to_kib(v, *unit ? unit : "KiB", kib) < 0 ||
        *kib == 0) {
        vm_error_reset();
        cli_error("%s: invalid size '%s' (a number, KiB unless a unit such as M or G follows)",
                  cmd, text);
        return -1;
    }
    return 0;
}

static int set_memory(struct cli_ctx *ctx, const struct cli_args *args, bool maximum)
{
    VM_AUTOPTR(vm_domain) dom = NULL;
    unsigned int flags;
    uint64_t kib;
    int ret = 0;

    if (affect_flags(args, &flags) < 0 || parse_size(args->cmd->name, cli_arg2(args), &kib) < 0)
        return 1;
    /* without a flag virsh uses the old calls: setmem changes the running
     * domain, setmaxmem the definition of one that is off */
    if (!flags && !cli_flag(args, "current") && !maximum)
        flags = VM_DOMAIN_AFFECT_LIVE;
    if (!(dom = cli_arg_domain(ctx, args->pos[0])))
        return 1;
    if (vm_domain_set_memory(dom, kib, flags | (maximum ? VM_DOMAIN_MEM_MAXIMUM : 0)) < 0) {
        cli_lib_error("failed to change the %smemory of domain '%s'", maximum ? "maximum " : "",
                      vm_domain_get_name(dom));
        ret = 1;
    }
    return ret;
}

int cli_cmd_setmem(struct cli_ctx *ctx, const struct cli_args *args)
{
    return set_memory(ctx, args, false);
}

int cli_cmd_setmaxmem(struct cli_ctx *ctx, const struct cli_args *args)
{
    return set_memory(ctx, args, true);
}

int cli_cmd_setvcpus(struct cli_ctx *ctx, const struct cli_args *args)
{
    const char *text = cli_arg2(args);
    VM_AUTOPTR(vm_domain) dom = NULL;
    unsigned int flags;
    uint64_t n;
    int ret = 0;

    if (affect_flags(args, &flags) < 0)
        return 1;
    if (vm_parse_u64(text, &n) < 0 || n == 0 || n > 65535) {
        vm_error_reset();
        cli_error("setvcpus: invalid vCPU count '%s'", text);
        return 1;
    }
    if (cli_flag(args, "maximum")) {
        if (!cli_flag(args, "config")) {
            cli_error("setvcpus: --maximum needs --config (the maximum is the definition's)");
            return 1;
        }
        flags |= VM_DOMAIN_VCPU_MAXIMUM;
    } else if (!flags && !cli_flag(args, "current")) {
        /* without a flag virsh uses the old call, on the running domain */
        flags = VM_DOMAIN_AFFECT_LIVE;
    }
    if (!(dom = cli_arg_domain(ctx, args->pos[0])))
        return 1;
    if (vm_domain_set_vcpus(dom, (unsigned int)n, flags) < 0) {
        cli_lib_error("failed to change the vCPUs of domain '%s'", vm_domain_get_name(dom));
        ret = 1;
    }
    return ret;
}

int cli_cmd_save(struct cli_ctx *ctx, const struct cli_args *args)
{
    const char *file = cli_arg2(args);
    VM_AUTOPTR(vm_domain) dom = cli_arg_domain(ctx, args->pos[0]);
    int ret = 0;

    if (!dom)
        return 1;
    if (vm_domain_save(dom, file, 0) < 0) {
        cli_lib_error("failed to save domain '%s' to %s", vm_domain_get_name(dom), file);
        ret = 1;
    } else {
        /* virsh's blank line first */
        cli_info(ctx, "\nDomain '%s' saved to %s", vm_domain_get_name(dom), file);
    }
    return ret;
}

int cli_cmd_restore(struct cli_ctx *ctx, const struct cli_args *args)
{
    struct vm_connect *conn = cli_conn(ctx);

    if (!conn)
        return 1;
    if (vm_domain_restore(conn, args->pos[0], 0) < 0) {
        cli_lib_error("failed to restore domain from %s", args->pos[0]);
        return 1;
    }
    cli_info(ctx, "Domain restored from %s", args->pos[0]);
    return 0;
}

int cli_cmd_connect(struct cli_ctx *ctx, const struct cli_args *args)
{
    struct vm_connect *conn;
    /* the name goes with the connection it names */
    char *uri = args->npos ? vm_strdup(args->pos[0]) : NULL;

    if (ctx->conn)
        vm_connect_close(ctx->conn);
    ctx->conn = NULL;
    free(ctx->uri_owned);
    ctx->uri = ctx->uri_owned = uri;
    ctx->readonly = cli_flag(args, "readonly");
    if (!(conn = cli_conn(ctx)))
        return 1;
    return 0;
}

/* ----------------------------------------------------------------- edit */

/* Runs the user's editor on path: $VISUAL, else $EDITOR, else vi, split
 * at blanks (no shell: a file name never meets one).  0 when it exits 0. */
static int run_editor(const char *path)
{
    const char *env = getenv("VISUAL");
    VM_AUTOFREE char *copy = NULL;
    char *argv[34];
    int argc = 0, status;
    pid_t pid;

    if (!env || !*env)
        env = getenv("EDITOR");
    copy = vm_strdup(env && *env ? env : "vi");
    for (char *tok = strtok(copy, " \t"); tok && argc < 32; tok = strtok(NULL, " \t"))
        argv[argc++] = tok;
    if (!argc) {
        cli_error("edit: the editor variable is empty");
        return -1;
    }
    argv[argc++] = (char *)path;
    argv[argc] = NULL;
    fflush(NULL);
    /* as system() does: Ctrl+C is the editor's while it runs, so the
     * temporary file is still ours to remove */
    signal(SIGINT, SIG_IGN);
    signal(SIGQUIT, SIG_IGN);
    if ((pid = fork()) < 0) {
        cli_error("edit: cannot start the editor: %s", strerror(errno));
        signal(SIGINT, SIG_DFL);
        signal(SIGQUIT, SIG_DFL);
        return -1;
    }
    if (pid == 0) {
        signal(SIGINT, SIG_DFL);
        signal(SIGQUIT, SIG_DFL);
        execvp(argv[0], argv);
        fprintf(stderr, "error: edit: cannot run '%s': %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            cli_error("edit: lost the editor: %s", strerror(errno));
            status = -1;
            break;
        }
    }
    signal(SIGINT, SIG_DFL);
    signal(SIGQUIT, SIG_DFL);
    if (status == -1)
        return -1;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        cli_error("edit: the editor '%s' failed (exit %d)", argv[0],
                  WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
        return -1;
    }
    return 0;
}

/* Asks on the terminal whether to edit again: true for y. */
static bool ask_again(void)
{
    char line[16];

    if (!isatty(STDIN_FILENO))
        return false;
    for (;;) {
        fputs("Failed. Try again? [y,n,?]: ", stdout);
        fflush(stdout);
        if (!fgets(line, sizeof(line), stdin))
            return false;
        if (line[0] == 'y' || line[0] == 'Y')
            return true;
        if (line[0] == 'n' || line[0] == 'N')
            return false;
        fputs("y - yes, edit the file again\nn - no, leave the domain as it was\n", stdout);
    }
}

int cli_cmd_edit(struct cli_ctx *ctx, const struct cli_args *args)
{
    VM_AUTOPTR(vm_domain) dom = cli_arg_domain(ctx, args->pos[0]);
    VM_AUTOFREE char *orig = NULL;
    const char *tmpdir = getenv("TMPDIR");
    VM_AUTOFREE char *tpath = NULL;
    int fd, ret = 1;

    if (!dom)
        return 1;
    if (!(orig = vm_domain_get_xml(dom, VM_DOMAIN_XML_INACTIVE | VM_DOMAIN_XML_SECURE))) {
        cli_lib_error("failed to get the definition of domain '%s'", vm_domain_get_name(dom));
        return 1;
    }
    tpath = vm_asprintf("%s/virtmon-edit-XXXXXX.xml", tmpdir && *tmpdir ? tmpdir : "/tmp");
    /* 0600 from mkstemps: the definition may hold secrets */
    if ((fd = mkstemps(tpath, 4)) < 0) {
        cli_error("edit: cannot create a temporary file: %s", strerror(errno));
        return 1;
    }
    if (write(fd, orig, strlen(orig)) != (ssize_t)strlen(orig) || close(fd) < 0) {
        cli_error("edit: cannot write %s: %s", tpath, strerror(errno));
        goto out;
    }
    for (;;) {
        VM_AUTOFREE char *edited = NULL;
        struct vm_domain *nd;
        size_t len;

        if (run_editor(tpath) < 0)
            goto out;
        if (!(edited = vm_file_read(tpath, "edited definition", VM_FILE_MAX_XML, &len))) {
            cli_lib_error("edit: cannot read it back");
            goto out;
        }
        if (strcmp(edited, orig) == 0) {
            cli_info(ctx, "Domain '%s' XML configuration not changed.", vm_domain_get_name(dom));
            ret = 0;
            goto out;
        }
        if ((nd = vm_domain_define_xml(vm_domain_get_connect(dom), edited, 0))) {
            cli_info(ctx, "Domain '%s' XML configuration edited.", vm_domain_get_name(nd));
            vm_domain_free(nd);
            ret = 0;
            goto out;
        }
        cli_error("%s", vm_error_message());
        if (!ask_again())
            goto out;
    }
out:
    unlink(tpath);
    return ret;
}

/* -------------------------------------------------------------- console */

#define CONSOLE_ESCAPE 0x1d /* Ctrl+] */

int cli_cmd_console(struct cli_ctx *ctx, const struct cli_args *args)
{
    VM_AUTOPTR(vm_domain) dom = cli_arg_domain(ctx, args->pos[0]);
    struct termios saved, raw;
    bool tty = isatty(STDIN_FILENO);
    int fd;

    if (!dom)
        return 1;
    if ((fd = vm_domain_open_console(dom, cli_arg(args, "devname"), 0)) < 0) {
        cli_lib_error("failed to open the console of domain '%s'", vm_domain_get_name(dom));
        return 1;
    }
    fprintf(ctx->out, "Connected to domain '%s'\nEscape character is ^] (Ctrl + ])\n",
            vm_domain_get_name(dom));
    fflush(ctx->out);
    if (tty && tcgetattr(STDIN_FILENO, &saved) == 0) {
        raw = saved;
        cfmakeraw(&raw);
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw);
    } else {
        tty = false;
    }
    for (;;) {
        struct pollfd p[2] = {{STDIN_FILENO, POLLIN, 0}, {fd, POLLIN, 0}};
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (p[0].revents & POLLIN) {
            char c[256];
            ssize_t n = read(STDIN_FILENO, c, sizeof(c));
            char *esc;
            if (n <= 0)
                break;
            if ((esc = memchr(c, CONSOLE_ESCAPE, (size_t)n))) {
                if (esc > c && write(fd, c, (size_t)(esc - c)) < 0)
                    break;
                break;
            }
            if (write(fd, c, (size_t)n) < 0)
                break;
        } else if (p[0].revents & (POLLHUP | POLLERR)) {
            break;
        }
        if ((p[1].revents & POLLIN) && cli_pump(fd, STDOUT_FILENO) < 0)
            break;
        if (!(p[1].revents & POLLIN) && (p[1].revents & (POLLHUP | POLLERR)))
            break;
    }
    if (tty)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    close(fd);
    fputc('\n', ctx->out);
    ctx->no_trailer = true;
    return 0;
}
