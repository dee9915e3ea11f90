#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "qemu_process.h"
#include "util/vm_alloc.h"
#include "util/vm_error.h"
#include "util/vm_file.h"
#include "virtmon.h"

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* The last lines of QEMU's log, for an error message (caller frees). */
static char *log_tail(const char *logpath)
{
    VM_AUTOFREE char *text = vm_file_read(logpath, "log", NULL);
    size_t len;
    const char *start;
    int lines = 0;

    vm_error_reset();
    if (!text || !*text)
        return vm_strdup("no output");
    len = strlen(text);
    while (len > 0 && text[len - 1] == '\n')
        text[--len] = '\0';
    start = text + len;
    while (start > text && lines < 3) {
        start--;
        if (*start == '\n')
            lines++;
    }
    if (*start == '\n')
        start++;
    return vm_strdup(start);
}

int qemu_process_spawn(char **argv, const char *logpath, int timeout_ms)
{
    int logfd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int status = 0;
    pid_t child, r = 0;

    if (logfd < 0) {
        vm_report_system_error(errno, "cannot open QEMU's log '%s'", logpath);
        return -1;
    }
    child = fork();
    if (child < 0) {
        vm_report_system_error(errno, "cannot fork to start QEMU");
        close(logfd);
        return -1;
    }
    if (child == 0) {
        int null = open("/dev/null", O_RDONLY);
        if (null >= 0)
            dup2(null, STDIN_FILENO);
        dup2(logfd, STDOUT_FILENO);
        dup2(logfd, STDERR_FILENO);
        setsid();
        execvp(argv[0], argv);
        dprintf(STDERR_FILENO, "cannot execute '%s': %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(logfd);
    for (int waited = 0; waited <= timeout_ms; waited += 10) {
        r = waitpid(child, &status, WNOHANG);
        if (r != 0)
            break;
        sleep_ms(10);
    }
    if (r == 0) {
        kill(child, SIGKILL);
        waitpid(child, &status, 0);
        vm_report_error(VM_ERR_TIMEOUT, "QEMU did not finish starting within %d ms", timeout_ms);
        return -1;
    }
    if (r < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        VM_AUTOFREE char *tail = log_tail(logpath);
        vm_report_error(VM_ERR_OPERATION_FAILED, "QEMU failed to start: %s", tail);
        return -1;
    }
    return 0;
}

pid_t qemu_process_read_pid(const char *pidfile)
{
    VM_AUTOFREE char *text = vm_file_read(pidfile, "pidfile", NULL);
    long pid;

    vm_error_reset();
    if (!text)
        return -1;
    pid = strtol(text, NULL, 10);
    return pid > 1 && pid < 0x7fffffff ? (pid_t)pid : -1;
}

bool qemu_process_alive(pid_t pid, const char *name)
{
    char path[64];
    char buf[8192];
    VM_AUTOFREE char *want = vm_asprintf("guest=%s,", name);
    ssize_t n;
    int fd;
    char state = '?';
    FILE *f;

    if (pid <= 1 || kill(pid, 0) < 0)
        return false;
    /* a zombie is gone for our purposes */
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    if ((f = fopen(path, "r"))) {
        if (fscanf(f, "%*d (%*[^)]) %c", &state) != 1)
            state = '?';
        fclose(f);
    }
    if (state == 'Z' || state == 'X')
        return false;
    snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        return false;
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return false;
    buf[n] = '\0';
    /* arguments are NUL-separated: look for "-name" then "guest=NAME,..." */
    for (ssize_t i = 0; i < n; i += (ssize_t)strlen(buf + i) + 1) {
        if (strcmp(buf + i, "-name") == 0 && i + 6 < n)
            return strncmp(buf + i + 6, want, strlen(want)) == 0;
    }
    return false;
}

bool qemu_process_wait_gone(pid_t pid, const char *name, int timeout_ms)
{
    for (int waited = 0; waited <= timeout_ms; waited += 20) {
        if (!qemu_process_alive(pid, name))
            return true;
        sleep_ms(20);
    }
    return false;
}

int qemu_process_kill(pid_t pid, const char *name, int grace_ms)
{
    if (!qemu_process_alive(pid, name))
        return 0;
    kill(pid, SIGTERM);
    if (qemu_process_wait_gone(pid, name, grace_ms))
        return 0;
    kill(pid, SIGKILL);
    if (qemu_process_wait_gone(pid, name, 5000))
        return 0;
    vm_report_error(VM_ERR_OPERATION_FAILED, "QEMU process %d of domain '%s' does not die",
                    (int)pid, name);
    return -1;
}

/* CPU time of the process from its stat (utime+stime, clock ticks). */
static uint64_t stat_cpu_ns(pid_t pid)
{
    char path[64];
    char buf[4096];
    unsigned long long utime, stime;
    char *p;
    FILE *f;
    size_t n;
    long hz = sysconf(_SC_CLK_TCK);

    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    if (!(f = fopen(path, "r")))
        return VM_STAT_UNKNOWN;
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    /* the command name may hold spaces and parentheses: skip past the last ')' */
    if (!(p = strrchr(buf, ')')))
        return VM_STAT_UNKNOWN;
    /* state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime */
    if (sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime,
               &stime) != 2 || hz <= 0)
        return VM_STAT_UNKNOWN;
    return (utime + stime) * (1000000000ULL / (unsigned long long)hz);
}

uint64_t qemu_process_cpu_ns(pid_t pid)
{
    char path[64];
    DIR *d;
    struct dirent *e;
    uint64_t sum = 0;
    bool any = false;

    /* the threads' schedstat is in ns; stat's ticks (10 ms) are too coarse
     * for an idle guest's growth to show */
    snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
    if (!(d = opendir(path)))
        return stat_cpu_ns(pid);
    while ((e = readdir(d))) {
        uint64_t ns;
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        ns = qemu_process_thread_ns(pid, atoi(e->d_name));
        if (ns != VM_STAT_UNKNOWN) {
            sum += ns;
            any = true;
        }
    }
    closedir(d);
    return any ? sum : stat_cpu_ns(pid);
}

uint64_t qemu_process_thread_ns(pid_t pid, int tid)
{
    char path[96];
    unsigned long long ns;
    FILE *f;
    int r;

    snprintf(path, sizeof(path), "/proc/%d/task/%d/schedstat", (int)pid, tid);
    if (!(f = fopen(path, "r")))
        return VM_STAT_UNKNOWN;
    r = fscanf(f, "%llu", &ns);
    fclose(f);
    return r == 1 ? ns : VM_STAT_UNKNOWN;
}

static uint64_t sysfs_counter(const char *dev, const char *name)
{
    char path[256];
    unsigned long long v;
    FILE *f;
    int r;

    snprintf(path, sizeof(path), "/sys/class/net/%s/statistics/%s", dev, name);
    if (!(f = fopen(path, "r")))
        return VM_STAT_UNKNOWN;
    r = fscanf(f, "%llu", &v);
    fclose(f);
    return r == 1 ? v : VM_STAT_UNKNOWN;
}

int qemu_tap_counters(const char *dev, uint64_t *rx_bytes, uint64_t *rx_pkts, uint64_t *rx_errs,
                      uint64_t *rx_drop, uint64_t *tx_bytes, uint64_t *tx_pkts,
                      uint64_t *tx_errs, uint64_t *tx_drop)
{
    if (!dev || strchr(dev, '/') || (*rx_bytes = sysfs_counter(dev, "rx_bytes")) == VM_STAT_UNKNOWN)
        return -1;
    *rx_pkts = sysfs_counter(dev, "rx_packets");
    *rx_errs = sysfs_counter(dev, "rx_errors");
    *rx_drop = sysfs_counter(dev, "rx_dropped");
    *tx_bytes = sysfs_counter(dev, "tx_bytes");
    *tx_pkts = sysfs_counter(dev, "tx_packets");
    *tx_errs = sysfs_counter(dev, "tx_errors");
    *tx_drop = sysfs_counter(dev, "tx_dropped");
    return 0;
}

char *qemu_find_binary(const char *prog)
{
    const char *path = getenv("PATH");
    VM_AUTOFREE char *copy = NULL;
    char *save = NULL;

    if (strchr(prog, '/')) {
        if (access(prog, X_OK) == 0)
            return vm_strdup(prog);
        vm_report_error(VM_ERR_OPERATION_FAILED, "emulator '%s' is not an executable file", prog);
        return NULL;
    }
    copy = vm_strdup(path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
    for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
        char *cand = vm_asprintf("%s/%s", dir, prog);
        if (access(cand, X_OK) == 0)
            return cand;
        free(cand);
    }
    vm_report_error(VM_ERR_OPERATION_FAILED,
                    "emulator '%s' not found in PATH (install qemu-system-x86 or set <emulator>)",
                    prog);
    return NULL;
}
