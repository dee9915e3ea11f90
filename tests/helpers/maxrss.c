/*
 * maxrss LIMIT_KIB COMMAND [ARGS...]: runs COMMAND (no shell) and exits with
 * its status; prints "maxrss N KiB" on stderr and exits 98 when the
 * command's peak resident size (getrusage of the child) passed LIMIT_KIB.
 * A memory ceiling for tests: a hang guard with a wide margin, not a
 * measurement.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    struct rusage ru;
    long limit;
    int status;
    pid_t pid;

    if (argc < 3 || (limit = strtol(argv[1], NULL, 10)) <= 0) {
        fprintf(stderr, "usage: maxrss LIMIT_KIB COMMAND [ARGS...]\n");
        return 2;
    }
    if ((pid = fork()) < 0) {
        perror("maxrss: fork");
        return 2;
    }
    if (pid == 0) {
        execvp(argv[2], argv + 2);
        perror("maxrss: exec");
        _exit(127);
    }
    if (wait4(pid, &status, 0, &ru) < 0) {
        perror("maxrss: wait4");
        return 2;
    }
    fprintf(stderr, "maxrss %ld KiB\n", ru.ru_maxrss);
    if (ru.ru_maxrss > limit)
        return 98;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
