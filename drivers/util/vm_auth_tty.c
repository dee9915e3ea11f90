/*
 * vm_auth_tty.c: the credential callback for interactive tools: asks on the
 * controlling terminal, never on standard input or output (they may be a
 * pipe or a script's), passphrases with echo off.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "vm_alloc.h"
#include "vm_auth.h"
#include "vm_error.h"

/* One line from fd, at most size - 1 bytes (the rest is discarded); -1 at
 * end of input. */
static int read_line(int fd, char *buf, size_t size)
{
    size_t n = 0;

    for (;;) {
        char c;
        ssize_t r = read(fd, &c, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return n ? 0 : -1;
        if (c == '\n')
            break;
        if (n + 1 < size)
            buf[n++] = c;
    }
    buf[n] = '\0';
    return 0;
}

int vm_auth_terminal_callback(struct vm_credential *creds, size_t n, void *opaque)
{
    int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    int ret = 0;

    if (fd < 0)
        return -1;
    for (size_t i = 0; i < n && ret == 0; i++) {
        struct vm_credential *c = &creds[i];
        bool secret = c->type == VM_CRED_PASSPHRASE;
        struct termios old, quiet;
        bool echo_off = false;
        char line[1024];
        int r;

        if (c->challenge)
            dprintf(fd, "%s\n", c->challenge);
        dprintf(fd, "%s%s%s%s: ", c->prompt ? c->prompt : "Answer",
                c->defresult && !secret ? " [" : "", c->defresult && !secret ? c->defresult : "",
                c->defresult && !secret ? "]" : "");
        if (secret && tcgetattr(fd, &old) == 0) {
            quiet = old;
            quiet.c_lflag &= (tcflag_t) ~(ECHO | ECHONL);
            echo_off = tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
        }
        r = read_line(fd, line, sizeof(line));
        if (echo_off) {
            tcsetattr(fd, TCSAFLUSH, &old);
            dprintf(fd, "\n");
        }
        if (r < 0) {
            ret = -1;
        } else {
            c->result = vm_strdup(!*line && c->defresult ? c->defresult : line);
            c->resultlen = strlen(c->result);
        }
        memset(line, 0, sizeof(line));
    }
    close(fd);
    return ret;
}
