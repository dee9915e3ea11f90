/*
 * silent_server PORTFILE SECONDS: listens on 127.0.0.1 (a free port, written
 * to PORTFILE), accepts connections, reads what comes and never answers,
 * for SECONDS at most: a peer that takes TCP and never speaks TLS.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    struct sockaddr_in sa = {.sin_family = AF_INET};
    socklen_t len = sizeof(sa);
    time_t end;
    FILE *f;
    int fd;

    if (argc != 3) {
        fprintf(stderr, "usage: silent_server PORTFILE SECONDS\n");
        return 2;
    }
    end = time(NULL) + atoi(argv[2]);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0 || bind(fd, (struct sockaddr *)&sa, len) < 0 ||
        listen(fd, 16) < 0 || getsockname(fd, (struct sockaddr *)&sa, &len) < 0) {
        perror("silent_server");
        return 1;
    }
    if (!(f = fopen(argv[1], "w")))
        return 1;
    fprintf(f, "%d\n", ntohs(sa.sin_port));
    fclose(f);
    while (time(NULL) < end) {
        struct pollfd p = {fd, POLLIN, 0};
        char buf[4096];
        if (poll(&p, 1, 200) == 1) {
            int c = accept(fd, NULL, NULL);
            /* take the ClientHello, say nothing; the client must give up */
            if (c >= 0 && read(c, buf, sizeof(buf)) >= 0)
                continue;   /* c stays open until exit */
        }
    }
    return 0;
}
