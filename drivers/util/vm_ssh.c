/*
 * vm_ssh.c: the ssh transport (see vm_ssh.h).  The child's standard input
 * and output are one end of a socketpair, so reads, writes and polls are a
 * socket's (no SIGPIPE: sends say MSG_NOSIGNAL); its standard error is a
 * pipe read alongside, whose last lines explain a failure.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vm_alloc.h"
#include "vm_buf.h"
#include "vm_error.h"
#include "vm_log.h"
#include "vm_ssh.h"

extern char **environ;

/* What ssh said, its last part: enough for "Host key verification
 * failed." after a screenful of warning. */
#define SSH_STDERR_KEEP 2048
/* ssh, told to go (its input closed), gets this long before a signal */
#define SSH_EXIT_WAIT_MS 2000

struct ssh_transport {
    struct vm_transport base;   /* fd: our end of the socketpair */
    int err;                    /* ssh's standard error (-1 once at its end) */
    pid_t pid;
    int status;                 /* once reaped */
    bool reaped;
    char said[SSH_STDERR_KEEP + 1];
    size_t said_len;
};

char *vm_shell_quote(const char *word)
{
    struct vm_buf b = VM_BUF_INIT;

    vm_buf_add(&b, "'");
    for (const char *p = word; *p; p++) {
        if (*p == '\'')
            vm_buf_add(&b, "'\\''");
        else
            vm_buf_add_len(&b, p, 1);
    }
    vm_buf_add(&b, "'");
    return vm_buf_steal(&b);
}

/* Reads what ssh wrote on its standard error so far, keeping the end. */
static void drain_stderr(struct ssh_transport *t)
{
    char buf[SSH_STDERR_KEEP / 2];
    ssize_t n;

    while (t->err >= 0 && (n = read(t->err, buf, sizeof(buf))) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno != EAGAIN)
                close(t->err), t->err = -1;
            return;
        }
        /* buf is smaller than what is kept: the new bytes always fit */
        {
            size_t keep = t->said_len + (size_t)n > SSH_STDERR_KEEP
                              ? SSH_STDERR_KEEP - (size_t)n
                              : t->said_len;
            memmove(t->said, t->said + t->said_len - keep, keep);
            memcpy(t->said + keep, buf, (size_t)n);
            t->said_len = keep + (size_t)n;
        }
        t->said[t->said_len] = '\0';
    }
    if (t->err >= 0) {
        close(t->err);
        t->err = -1;
    }
}

/* Waits up to ms for ssh to exit (reaping it); whether it has. */
static bool reap(struct ssh_transport *t, int ms)
{
    for (int waited = 0; !t->reaped; waited += 20) {
        pid_t r = waitpid(t->pid, &t->status, WNOHANG);
        if (r == t->pid || (r < 0 && errno != EINTR)) {
            t->reaped = true;
            break;
        }
        if (waited >= ms)
            break;
        usleep(20000);
    }
    return t->reaped;
}

/* The connection is over: the error says what ssh said and how it ended. */
static void report_end(struct ssh_transport *t, const char *what)
{
    VM_AUTOFREE char *status = NULL;
    const char *said;
    size_t n;

    /* ssh's last words come before its exit */
    for (int i = 0; i < 100 && t->err >= 0; i++) {
        struct pollfd p = {t->err, POLLIN, 0};
        if (poll(&p, 1, 20) > 0)
            drain_stderr(t);
        if (reap(t, 0) && i > 0)
            break;
    }
    drain_stderr(t);
    reap(t, 500);
    if (!t->reaped)
        status = vm_strdup("still running");
    else if (WIFEXITED(t->status))
        status = vm_asprintf("exit status %d", WEXITSTATUS(t->status));
    else
        status = vm_asprintf("killed by signal %d", WTERMSIG(t->status));
    /* the last non-empty lines, on one line */
    n = t->said_len;
    while (n && (t->said[n - 1] == '\n' || t->said[n - 1] == '\r' || t->said[n - 1] == ' '))
        t->said[--n] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (t->said[i] == '\n' || t->said[i] == '\r')
            t->said[i] = ' ';
    }
    said = t->said;
    if (n > 400)
        said = t->said + n - 400;
    /* what ssh said explains more than what the socket saw */
    vm_report_error(VM_ERR_CONNECTION_LOST, "%s: %s (ssh %s)", t->base.peer, n ? said : what,
                    status);
}

static ssize_t ssh_read(struct vm_transport *base, void *buf, size_t len)
{
    struct ssh_transport *t = (struct ssh_transport *)base;

    for (;;) {
        struct pollfd p[2] = {{base->fd, POLLIN, 0}, {t->err, POLLIN, 0}};
        ssize_t n;
        int r;

        n = recv(base->fd, buf, len, MSG_DONTWAIT);
        if (n > 0)
            return n;
        if (n == 0) {
            report_end(t, "the connection ended");
            return -1;
        }
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            report_end(t, strerror(errno));
            return -1;
        }
        do
            r = poll(p, t->err >= 0 ? 2 : 1, base->timeout_ms);
        while (r < 0 && errno == EINTR);
        if (r == 0) {
            vm_report_error(VM_ERR_TIMEOUT, "%s: no answer within %d ms", base->peer,
                            base->timeout_ms);
            return -1;
        }
        if (r < 0) {
            vm_report_system_error(errno, "%s: poll", base->peer);
            return -1;
        }
        if (t->err >= 0 && p[1].revents)
            drain_stderr(t);
    }
}

static int ssh_write(struct vm_transport *base, const void *buf, size_t len)
{
    struct ssh_transport *t = (struct ssh_transport *)base;

    if (vm_transport_sock_write(base, buf, len) < 0) {
        report_end(t, "the connection ended");
        return -1;
    }
    return 0;
}

static void ssh_close(struct vm_transport *base)
{
    struct ssh_transport *t = (struct ssh_transport *)base;

    /* its input ends: ssh passes that on and exits */
    close(base->fd);
    if (!reap(t, SSH_EXIT_WAIT_MS)) {
        kill(t->pid, SIGTERM);
        if (!reap(t, 1000)) {
            kill(t->pid, SIGKILL);
            reap(t, 1000);
        }
    }
    if (t->err >= 0)
        close(t->err);
    free(base->peer);
    free(t);
}

static const struct vm_transport_ops ssh_ops = {ssh_read, ssh_write, ssh_close, NULL};

/* Refuses what ssh would take for an option. */
static int check_word(const char *what, const char *s)
{
    if (s && (s[0] == '-' || !*s)) {
        vm_report_error(VM_ERR_INVALID_URI, "an ssh %s may not %s: '%s'", what,
                        *s ? "begin with '-'" : "be empty", s);
        return -1;
    }
    return 0;
}

struct vm_transport *vm_ssh_connect(const char *user, const char *host, int port,
                                    const char *const *words, int timeout_ms)
{
    struct ssh_transport *t;
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    sigset_t none;
    char **argv = NULL;
    size_t argc = 0, nwords = 0;
    VM_AUTOFREE char *dest = NULL;
    VM_AUTOFREE char *portstr = NULL;
    int sv[2] = {-1, -1}, ep[2] = {-1, -1};
    int r;

    if (!host || check_word("host", host) < 0 || check_word("user", user) < 0) {
        if (!host)
            vm_report_error(VM_ERR_INVALID_URI, "an ssh URI names a host");
        return NULL;
    }
    dest = user ? vm_asprintf("%s@%s", user, host) : vm_strdup(host);
    while (words[nwords])
        nwords++;
    VM_NEW_N(argv, nwords + 6);
    argv[argc++] = vm_strdup("ssh");
    if (port > 0) {
        portstr = vm_asprintf("%d", port);
        argv[argc++] = vm_strdup("-p");
        argv[argc++] = vm_strdup(portstr);
    }
    argv[argc++] = vm_strdup("--");
    argv[argc++] = vm_strdup(dest);
    for (size_t i = 0; i < nwords; i++)
        argv[argc++] = vm_shell_quote(words[i]);
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0 ||
        pipe2(ep, O_CLOEXEC) < 0) {
        vm_report_system_error(errno, "cannot set up the pipes to ssh");
        goto error;
    }
    VM_NEW(t);
    t->base.ops = &ssh_ops;
    t->base.fd = sv[0];
    t->base.timeout_ms = timeout_ms;
    t->base.peer = port > 0 ? vm_asprintf("ssh %s port %d", dest, port)
                            : vm_asprintf("ssh %s", dest);
    t->err = ep[0];
    /* the child: the socket as its input and output, the pipe as its
     * error output, default signals (ours may ignore SIGPIPE) */
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, sv[1], 0);
    posix_spawn_file_actions_adddup2(&fa, sv[1], 1);
    posix_spawn_file_actions_adddup2(&fa, ep[1], 2);
    posix_spawnattr_init(&attr);
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);
    {
        sigset_t dfl;
        sigemptyset(&dfl);
        sigaddset(&dfl, SIGPIPE);
        posix_spawnattr_setsigdefault(&attr, &dfl);
    }
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    r = posix_spawnp(&t->pid, "ssh", &fa, &attr, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    close(sv[1]);
    close(ep[1]);
    if (r != 0) {
        vm_report_system_error(r, "cannot run ssh (is it installed, in PATH?)");
        close(sv[0]);
        close(ep[0]);
        free(t->base.peer);
        free(t);
        t = NULL;
    } else {
        fcntl(ep[0], F_SETFL, O_NONBLOCK);
        VM_DEBUG("%s: running ssh for '%s'", t->base.peer, argv[argc - 1]);
    }
    for (size_t i = 0; i < argc; i++)
        free(argv[i]);
    free(argv);
    return t ? &t->base : NULL;
error:
    for (size_t i = 0; i < argc; i++)
        free(argv[i]);
    free(argv);
    for (int i = 0; i < 2; i++) {
        if (sv[i] >= 0)
            close(sv[i]);
        if (ep[i] >= 0)
            close(ep[i]);
    }
    return NULL;
}
