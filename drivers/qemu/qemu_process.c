#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "qemu_process.h"
#include "util/vm_alloc.h"
#include "util/vm_buf.h"
#include "util/vm_error.h"
#include "util/vm_file.h"
#include "virtmon.h"

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* The last lines of QEMU's log, for an error message (caller frees): only
 * its last 4 KiB are read, however large it grew. */
char *qemu_process_log_tail(const char *logpath)
{
    int fd = open(logpath, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
    char text[4097];
    struct stat st;
    ssize_t len = 0;
    const char *start;
    int lines = 0;

    if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        if (st.st_size > 4096)
            lseek(fd, st.st_size - 4096, SEEK_SET);
        len = read(fd, text, sizeof(text) - 1);
    }
    if (fd >= 0)
        close(fd);
    if (len <= 0)
        return vm_strdup("no output");
    text[len] = '\0';
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
    return vm_strdup(*start ? start : "no output");
}

int qemu_process_spawn(const char *exe, char **argv, const char *logpath, const int *keep_fds,
                       size_t nkeep, pid_t *pid_out)
{
    int logfd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    int pipefd[2];
    int status = 0;
    pid_t child, grandchild = -1;
    ssize_t n;

    if (logfd < 0) {
        vm_report_system_error(errno, "cannot open QEMU's log '%s'", logpath);
        return -1;
    }
    if (pipe2(pipefd, O_CLOEXEC) < 0) {
        vm_report_system_error(errno, "cannot create a pipe to start QEMU");
        close(logfd);
        return -1;
    }
    /* Our own daemonizing (QEMU's -daemonize forks, which the sandbox's
     * spawn=deny forbids): a child in a new session forks QEMU and exits at
     * once, so QEMU belongs to init and never becomes our zombie. */
    child = fork();
    if (child < 0) {
        vm_report_system_error(errno, "cannot fork to start QEMU");
        close(logfd);
        close(pipefd[0]);
        close(pipefd[1]);
        return -1;
    }
    if (child == 0) {
        sigset_t none;
        pid_t g;
        setsid();
        g = fork();
        if (g == 0) {
            int null = open("/dev/null", O_RDONLY);
            /* a tool's blocked or ignored signals are not QEMU's */
            sigemptyset(&none);
            sigprocmask(SIG_SETMASK, &none, NULL);
            for (int sig = 1; sig < NSIG; sig++)
                signal(sig, SIG_DFL);
            if (null >= 0)
                dup2(null, STDIN_FILENO);
            dup2(logfd, STDOUT_FILENO);
            dup2(logfd, STDERR_FILENO);
            /* the descriptors argv names (taps) are QEMU's */
            for (size_t i = 0; i < nkeep; i++)
                if (keep_fds[i] >= 0)
                    fcntl(keep_fds[i], F_SETFD, 0);
            execv(exe, argv);
            dprintf(STDERR_FILENO, "cannot execute '%s': %s\n", exe, strerror(errno));
            _exit(127);
        }
        if (write(pipefd[1], &g, sizeof(g)) != (ssize_t)sizeof(g))
            _exit(1);
        _exit(g < 0 ? 1 : 0);
    }
    close(logfd);
    close(pipefd[1]);
    while (waitpid(child, &status, 0) < 0 && errno == EINTR)
        ;
    do
        n = read(pipefd[0], &grandchild, sizeof(grandchild));
    while (n < 0 && errno == EINTR);
    close(pipefd[0]);
    if (n != (ssize_t)sizeof(grandchild) || grandchild <= 0 || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0) {
        vm_report_error(VM_ERR_OPERATION_FAILED, "cannot fork to start QEMU");
        return -1;
    }
    *pid_out = grandchild;
    return 0;
}

pid_t qemu_process_read_pid(const char *pidfile)
{
    VM_AUTOFREE char *text = vm_optional_ptr(vm_file_read(pidfile, "pidfile", 64, NULL), "pidfile");
    long pid;

    if (!text)
        return -1;
    pid = strtol(text, NULL, 10);
    return pid > 1 && pid < 0x7fffffff ? (pid_t)pid : -1;
}

/* Longest command line looked at: QEMU's, with a few dozen devices, is a
 * few KiB. */
#define CMDLINE_MAX (256 * 1024)

/* The NUL-separated argv of pid (caller frees), *len its length; NULL when
 * unreadable or not ours to judge (another user's process). */
static char *read_cmdline(pid_t pid, size_t *len)
{
    char path[64];
    struct stat st;
    struct vm_buf b = VM_BUF_INIT;
    char chunk[8192];
    int fd;

    snprintf(path, sizeof(path), "/proc/%d", (int)pid);
    /* only a process of our own user can be our QEMU */
    if (stat(path, &st) < 0 || st.st_uid != geteuid())
        return NULL;
    snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        return NULL;
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof(chunk));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0 || b.len + (size_t)n > CMDLINE_MAX)
            break;
        vm_buf_add_len(&b, chunk, (size_t)n);
    }
    close(fd);
    if (!b.len) {
        vm_buf_clear(&b);
        return NULL;
    }
    *len = b.len;
    return vm_buf_steal(&b);
}

/* Whether argv (NUL-separated) holds `opt value` as two words. */
static bool has_pair(const char *argv, size_t len, const char *opt, const char *value)
{
    size_t i = 0;

    while (i < len) {
        size_t l = strnlen(argv + i, len - i);
        if (strcmp(argv + i, opt) == 0 && i + l + 1 < len)
            return strcmp(argv + i + l + 1, value) == 0;
        i += l + 1;
    }
    return false;
}

static bool is_zombie(pid_t pid)
{
    char path[64];
    char buf[512];
    char *p;
    int fd;
    ssize_t n;

    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        return true;
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return true;
    buf[n] = '\0';
    /* the command name may hold spaces and parentheses */
    if (!(p = strrchr(buf, ')')) || !p[1] || !p[2])
        return true;
    return p[2] == 'Z' || p[2] == 'X';
}

bool qemu_process_exists(pid_t pid)
{
    return pid > 1 && kill(pid, 0) == 0 && !is_zombie(pid);
}

bool qemu_process_is(pid_t pid, const struct qemu_ident *id)
{
    VM_AUTOFREE char *argv = NULL;
    size_t len = 0;

    if (!qemu_process_exists(pid) || !(argv = read_cmdline(pid, &len)))
        return false;
    return has_pair(argv, len, "-uuid", id->uuid) && has_pair(argv, len, "-pidfile", id->pidfile);
}

/* The holder of QEMU's lock on its pidfile (QEMU takes a POSIX lock from its
 * first moment and keeps it), whatever the file now says. */
static pid_t pidfile_holder(const char *pidfile)
{
    int fd = open(pidfile, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    struct stat st;
    pid_t pid = -1;

    if (fd < 0)
        return -1;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && fcntl(fd, F_GETLK, &fl) == 0 &&
        fl.l_type != F_UNLCK)
        pid = fl.l_pid;
    close(fd);
    return pid;
}

struct qemu_proc_table {
    size_t n;
    struct qemu_proc_entry {
        pid_t pid;
        char *argv;
        size_t len;
    } *e;
};

struct qemu_proc_table *qemu_proc_scan(void)
{
    struct qemu_proc_table *t;
    size_t alloc = 0;
    DIR *d = opendir("/proc");
    struct dirent *e;

    VM_NEW(t);
    while (d && (e = readdir(d))) {
        char *end;
        long pid = strtol(e->d_name, &end, 10);
        char *argv;
        size_t len = 0;
        if (*end || pid <= 1 || !(argv = read_cmdline((pid_t)pid, &len)))
            continue;
        /* only what may be a domain's QEMU is kept */
        if (!memmem(argv, len, "-uuid", 6)) {
            free(argv);
            continue;
        }
        VM_GROW(t->e, t->n, alloc);
        t->e[t->n - 1] = (struct qemu_proc_entry){(pid_t)pid, argv, len};
    }
    if (d)
        closedir(d);
    return t;
}

void qemu_proc_table_free(struct qemu_proc_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++)
        free(t->e[i].argv);
    free(t->e);
    free(t);
}

pid_t qemu_process_find(const struct qemu_ident *id, const struct qemu_proc_table *table)
{
    pid_t pid = pidfile_holder(id->pidfile);
    struct qemu_proc_table *own = NULL;
    pid_t found = -1;

    if (qemu_process_is(pid, id))
        return pid;
    /* No lock on the pidfile we know: it was deleted or replaced under a
     * running QEMU, or nothing runs.  Only the process table can tell. */
    if (!table)
        table = own = qemu_proc_scan();
    for (size_t i = 0; i < table->n && found < 0; i++) {
        const struct qemu_proc_entry *e = &table->e[i];
        if (has_pair(e->argv, e->len, "-uuid", id->uuid) &&
            has_pair(e->argv, e->len, "-pidfile", id->pidfile) && qemu_process_is(e->pid, id))
            found = e->pid;
    }
    qemu_proc_table_free(own);
    return found;
}

bool qemu_process_wait_gone(pid_t pid, const struct qemu_ident *id, int timeout_ms)
{
    for (int waited = 0; waited <= timeout_ms; waited += 20) {
        if (!qemu_process_is(pid, id))
            return true;
        sleep_ms(20);
    }
    return false;
}

int qemu_process_kill(pid_t pid, const struct qemu_ident *id, int grace_ms)
{
    if (!qemu_process_is(pid, id))
        return 0;
    /* SIGCONT too: a stopped QEMU handles its SIGTERM only once it runs */
    kill(pid, SIGTERM);
    kill(pid, SIGCONT);
    if (qemu_process_wait_gone(pid, id, grace_ms))
        return 0;
    kill(pid, SIGKILL);
    if (qemu_process_wait_gone(pid, id, 5000))
        return 0;
    vm_report_error(VM_ERR_OPERATION_FAILED, "QEMU process %d (UUID %s) does not die", (int)pid,
                    id->uuid);
    return -1;
}

int qemu_process_term(pid_t pid, const struct qemu_ident *id, int timeout_ms)
{
    if (!qemu_process_is(pid, id))
        return 0;
    kill(pid, SIGTERM);
    kill(pid, SIGCONT);
    if (qemu_process_wait_gone(pid, id, timeout_ms))
        return 0;
    vm_report_error(VM_ERR_OPERATION_FAILED,
                    "QEMU process %d did not stop within %d s of SIGTERM (left running; "
                    "destroy without --graceful kills it)",
                    (int)pid, timeout_ms / 1000);
    return -1;
}

char *qemu_process_output(char **argv, size_t max, int timeout_ms)
{
    int pipefd[2];
    struct vm_buf out = VM_BUF_INIT;
    int status;
    pid_t child;
    int waited = 0;

    if (pipe2(pipefd, O_CLOEXEC) < 0) {
        vm_report_system_error(errno, "cannot create a pipe to run '%s'", argv[0]);
        return NULL;
    }
    if ((child = fork()) < 0) {
        vm_report_system_error(errno, "cannot fork to run '%s'", argv[0]);
        close(pipefd[0]);
        close(pipefd[1]);
        return NULL;
    }
    if (child == 0) {
        int null = open("/dev/null", O_RDWR);
        if (null >= 0) {
            dup2(null, STDIN_FILENO);
            dup2(null, STDERR_FILENO);
        }
        dup2(pipefd[1], STDOUT_FILENO);
        execv(argv[0], argv);
        _exit(127);
    }
    close(pipefd[1]);
    for (;;) {
        struct pollfd pfd = {pipefd[0], POLLIN, 0};
        char chunk[4096];
        ssize_t n;
        int r = poll(&pfd, 1, 50);
        if (r < 0 && errno != EINTR)
            break;
        if (r > 0) {
            n = read(pipefd[0], chunk, sizeof(chunk));
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            if (out.len < max)
                vm_buf_add_len(&out, chunk, (size_t)n < max - out.len ? (size_t)n : max - out.len);
            continue;
        }
        if ((waited += 50) > timeout_ms) {
            kill(child, SIGKILL);
            waitpid(child, &status, 0);
            close(pipefd[0]);
            vm_buf_clear(&out);
            vm_report_error(VM_ERR_TIMEOUT, "'%s' did not answer within %d ms", argv[0],
                            timeout_ms);
            return NULL;
        }
    }
    close(pipefd[0]);
    while (waitpid(child, &status, 0) < 0 && errno == EINTR)
        ;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        vm_buf_clear(&out);
        vm_report_error(VM_ERR_OPERATION_FAILED, "'%s' failed", argv[0]);
        return NULL;
    }
    return vm_buf_steal(&out);
}

/* A /proc stat file's fields after the command name (field 3 on), read
 * into buf (size bytes, one read: the file is a line); NULL when it cannot
 * be read.  The name may hold spaces and parentheses: the fields start
 * past the last ')'. */
static const char *proc_stat_fields(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "r");
    size_t n;
    char *p;

    if (!f)
        return NULL;
    n = fread(buf, 1, size - 1, f);
    fclose(f);
    buf[n] = '\0';
    return (p = strrchr(buf, ')')) ? p + 1 : NULL;
}

static uint64_t stat_cpu_ns(pid_t pid)
{
    char path[64];
    char buf[4096];
    unsigned long long utime, stime;
    const char *p;
    long hz = sysconf(_SC_CLK_TCK);

    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    if (!(p = proc_stat_fields(path, buf, sizeof(buf))))
        return VM_STAT_UNKNOWN;
    /* state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime */
    if (sscanf(p, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime,
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

int qemu_process_thread_cpu(pid_t pid, int tid)
{
    char path[96], buf[4096];
    const char *p;
    int field = 2, cpu = -1;

    snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)pid, tid);
    if (!(p = proc_stat_fields(path, buf, sizeof(buf))))
        return -1;
    /* "processor" is field 39; the fields start after field 2 */
    for (; *p && field < 39; p++) {
        if (*p == ' ')
            field++;
    }
    if (field == 39 && sscanf(p, "%d", &cpu) != 1)
        cpu = -1;
    return cpu;
}

int qemu_process_thread_affinity(int tid, unsigned char *map, unsigned int ncpus)
{
    cpu_set_t *set = CPU_ALLOC(ncpus);
    size_t size = CPU_ALLOC_SIZE(ncpus);
    int r = -1;

    memset(map, 0, (ncpus + 7) / 8);
    if (!set)
        return -1;
    CPU_ZERO_S(size, set);
    if (sched_getaffinity(tid, size, set) == 0) {
        for (unsigned int c = 0; c < ncpus; c++) {
            if (CPU_ISSET_S(c, size, set))
                map[c / 8] |= (unsigned char)(1u << (c % 8));
        }
        r = 0;
    }
    CPU_FREE(set);
    return r;
}

uint64_t qemu_process_rss_kib(pid_t pid)
{
    char path[64], line[256];
    unsigned long long kib;
    uint64_t v = VM_STAT_UNKNOWN;
    FILE *f;

    snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
    if (!(f = fopen(path, "r")))
        return VM_STAT_UNKNOWN;
    while (fgets(line, sizeof(line), f)) {
        if (sscanf(line, "VmRSS: %llu kB", &kib) == 1) {
            v = kib;
            break;
        }
    }
    fclose(f);
    return v;
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

int qemu_free_tcp_port(const char *addr, int first)
{
    struct addrinfo hints = {0}, *ai = NULL;
    int rc;

    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST | AI_PASSIVE;
    if ((rc = getaddrinfo(addr, NULL, &hints, &ai)) != 0) {
        vm_report_error(VM_ERR_INVALID_ARG, "display address '%s': %s", addr, gai_strerror(rc));
        return -1;
    }
    for (int port = first; port < 65536; port++) {
        int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        int one = 1;
        bool ok;
        if (fd < 0)
            break;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (ai->ai_family == AF_INET6)
            ((struct sockaddr_in6 *)ai->ai_addr)->sin6_port = htons((uint16_t)port);
        else
            ((struct sockaddr_in *)ai->ai_addr)->sin_port = htons((uint16_t)port);
        ok = bind(fd, ai->ai_addr, ai->ai_addrlen) == 0;
        close(fd);
        if (ok) {
            freeaddrinfo(ai);
            return port;
        }
    }
    freeaddrinfo(ai);
    vm_report_error(VM_ERR_OPERATION_FAILED, "no free TCP port on '%s' from %d", addr, first);
    return -1;
}
