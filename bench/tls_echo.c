/*
 * tls_echo HOST PORT PKI_DIR: one TLS connection through virtmon's client
 * (vm_tls_connect: TCP, handshake, certificate checks), one request and its
 * echoed answer, close.  bench/tls.sh times it next to gnutls-cli doing the
 * same.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/vm_error.h"
#include "util/vm_tls.h"
#include "virtmon.h"

int main(int argc, char **argv)
{
    static const char ping[] = "ping\n";
    struct vm_tls_config *cfg;
    struct vm_transport *t;
    char buf[64];
    size_t got = 0;

    if (argc != 4) {
        fprintf(stderr, "usage: tls_echo HOST PORT PKI_DIR\n");
        return 2;
    }
    if (!(cfg = vm_tls_config_new(argv[3])) ||
        !(t = vm_tls_connect(argv[1], atoi(argv[2]), cfg, 10000, NULL)) ||
        vm_transport_write(t, ping, strlen(ping)) < 0) {
        fprintf(stderr, "tls_echo: %s\n", vm_error_message());
        return 1;
    }
    while (got < strlen(ping)) {
        ssize_t n = vm_transport_read(t, buf + got, sizeof(buf) - got);
        if (n <= 0) {
            fprintf(stderr, "tls_echo: %s\n", n < 0 ? vm_error_message() : "closed");
            return 1;
        }
        got += (size_t)n;
    }
    vm_transport_close(t);
    vm_tls_config_free(cfg);
    return memcmp(buf, ping, strlen(ping)) == 0 ? 0 : 1;
}
