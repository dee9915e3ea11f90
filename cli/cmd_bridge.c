/*
 * cmd_bridge.c: virtmon bridge, the far end of DRIVER+ssh:// URIs: ssh
 * runs it on the daemon's host, and it relays its standard input and
 * output to virtmond's socket there, byte for byte, until either side
 * ends.  It never opens a driver connection itself.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cli.h"
#include "cli_handlers.h"
#include "util/vm_alloc.h"
#include "util/vm_dirs.h"
#include "util/vm_error.h"

int cli_pump(int from, int to)
{
    char buf[16384];
    ssize_t n = read(from, buf, sizeof(buf));

    if (n <= 0)
        return n < 0 && (errno == EINTR || errno == EAGAIN) ? 0 : -1;
    for (ssize_t off = 0; off < n;) {
        ssize_t w = write(to, buf + off, (size_t)(n - off));
        if (w < 0 && errno == EAGAIN) {
            struct pollfd p = {to, POLLOUT, 0};
            poll(&p, 1, -1);
            continue;
        }
        if (w < 0 && errno != EINTR)
            return -1;
        off += w > 0 ? w : 0;
    }
    return 0;
}

/* The daemon's socket, connected; -1 after saying why. */
static int connect_daemon(const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    int fd;

    if (strlen(path) >= sizeof(sa.sun_path)) {
        cli_error("virtmon bridge: socket path '%s' is too long", path);
        return -1;
    }
    memcpy(sa.sun_path, path, strlen(path) + 1);
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
        connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        cli_error("virtmon bridge: cannot connect to virtmond at '%s': %s", path,
                  strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

int cli_cmd_bridge(struct cli_ctx *ctx, const struct cli_args *args)
{
    VM_AUTOFREE char *path = NULL;
    bool in_open = true;
    int fd;

    if (cli_arg(args, "socket"))
        path = vm_strdup(cli_arg(args, "socket"));
    else if (!(path = vm_dir_file(VM_DIR_RUNTIME, VM_DIR_SCOPE_AUTO,
                                  cli_flag(args, "readonly") ? "virtmond-sock-ro"
                                                             : "virtmond-sock"))) {
        cli_lib_error("virtmon bridge: no runtime directory");
        return 1;
    }
    if ((fd = connect_daemon(path)) < 0)
        return 1;
    ctx->no_trailer = true;
    for (;;) {
        struct pollfd p[2] = {{fd, POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
        if (poll(p, in_open ? 2 : 1, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        /* the daemon's side first: what it sent still reaches the client */
        if (p[0].revents && cli_pump(fd, STDOUT_FILENO) < 0)
            break;
        if (in_open && p[1].revents && cli_pump(STDIN_FILENO, fd) < 0) {
            /* the client is done: the daemon hears the end, then ends too */
            shutdown(fd, SHUT_WR);
            in_open = false;
        }
    }
    close(fd);
    return 0;
}
