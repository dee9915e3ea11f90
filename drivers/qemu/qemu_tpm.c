/*
 * qemu_tpm.c: running swtpm for a domain (see qemu_tpm.h).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "qemu_process.h"
#include "qemu_tpm.h"
#include "util/vm_alloc.h"
#include "util/vm_error.h"
#include "util/vm_file.h"

#define TPM_START_TIMEOUT_MS 10000

/* Whether pid is a swtpm serving sock (its command line names it): a
 * recycled pid is never signalled. */
static bool is_our_swtpm(pid_t pid, const char *sock)
{
    VM_AUTOFREE char *path = vm_asprintf("/proc/%d/cmdline", (int)pid);
    char buf[4096];
    ssize_t n;
    int fd;

    if (!qemu_process_exists(pid) || (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        return false;
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return false;
    for (ssize_t i = 0; i < n; i++)
        if (!buf[i])
            buf[i] = ' ';
    buf[n] = '\0';
    return strstr(buf, "swtpm") && strstr(buf, sock);
}

int qemu_tpm_start(const struct qemu_dirs *dirs, const char *name, const unsigned char *uuid,
                   bool tpm2)
{
    VM_AUTOFREE char *state = qemu_file(dirs, QEMU_FILE_TPM_STATE, name, NULL);
    VM_AUTOFREE char *pidfile = qemu_file(dirs, QEMU_FILE_TPM_PID, name, NULL);
    VM_AUTOFREE char *log = qemu_file(dirs, QEMU_FILE_TPM_LOG, name, NULL);
    VM_AUTOFREE char *sock = qemu_file(dirs, QEMU_FILE_TPM_SOCK, name, uuid);
    VM_AUTOFREE char *exe = qemu_find_binary("swtpm");
    VM_AUTOFREE char *a_state = vm_asprintf("dir=%s,mode=0600", state);
    VM_AUTOFREE char *a_ctrl = vm_asprintf("type=unixio,path=%s,mode=0600", sock);
    VM_AUTOFREE char *a_pid = vm_asprintf("file=%s", pidfile);
    VM_AUTOFREE char *a_log = vm_asprintf("file=%s", log);
    char *argv[] = {"swtpm", "socket", "--tpmstate", a_state, "--ctrl", a_ctrl, "--pid", a_pid,
                    "--log", a_log, "--terminate", tpm2 ? "--tpm2" : NULL, NULL};
    struct timespec start, now;
    pid_t pid;

    if (!exe) {
        vm_report_error(VM_ERR_OPERATION_FAILED,
                        "domain '%s' has an emulated TPM, but swtpm is not installed", name);
        return -1;
    }
    if (mkdir(state, 0700) < 0 && errno != EEXIST) {
        vm_report_system_error(errno, "cannot create the TPM state directory '%s'", state);
        return -1;
    }
    qemu_tpm_stop(dirs, name, uuid);
    if (qemu_process_spawn(exe, argv, log, NULL, 0, &pid) < 0)
        return -1;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        struct timespec step = {0, 5 * 1000 * 1000};
        if (access(sock, F_OK) == 0 && qemu_process_read_pid(pidfile) == pid)
            return 0;
        if (!qemu_process_exists(pid)) {
            VM_AUTOFREE char *tail = qemu_process_log_tail(log);
            vm_report_error(VM_ERR_OPERATION_FAILED, "domain '%s': swtpm failed to start: %s",
                            name, tail);
            return -1;
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        if ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000 >
            TPM_START_TIMEOUT_MS)
            break;
        nanosleep(&step, NULL);
    }
    kill(pid, SIGKILL);
    vm_report_error(VM_ERR_TIMEOUT, "domain '%s': swtpm did not open its socket within %d ms",
                    name, TPM_START_TIMEOUT_MS);
    return -1;
}

bool qemu_tpm_expected(const struct qemu_dirs *dirs, const char *name)
{
    VM_AUTOFREE char *pidfile = qemu_file(dirs, QEMU_FILE_TPM_PID, name, NULL);

    return access(pidfile, F_OK) == 0;
}

/* The domain's swtpm, verified, or -1; an error pending stays (this is a
 * question of cleanups and looks, not an operation). */
static pid_t running_swtpm(const struct qemu_dirs *dirs, const char *name,
                           const unsigned char *uuid)
{
    VM_AUTOFREE char *pidfile = qemu_file(dirs, QEMU_FILE_TPM_PID, name, NULL);
    VM_AUTOFREE char *sock = qemu_file(dirs, QEMU_FILE_TPM_SOCK, name, uuid);
    struct vm_error *err = vm_error_save();
    pid_t pid = qemu_process_read_pid(pidfile);

    vm_error_restore(err);
    return pid > 0 && is_our_swtpm(pid, sock) ? pid : -1;
}

bool qemu_tpm_alive(const struct qemu_dirs *dirs, const char *name, const unsigned char *uuid)
{
    return running_swtpm(dirs, name, uuid) > 0;
}

void qemu_tpm_stop(const struct qemu_dirs *dirs, const char *name, const unsigned char *uuid)
{
    VM_AUTOFREE char *pidfile = qemu_file(dirs, QEMU_FILE_TPM_PID, name, NULL);
    VM_AUTOFREE char *sock = qemu_file(dirs, QEMU_FILE_TPM_SOCK, name, uuid);
    pid_t pid = running_swtpm(dirs, name, uuid);

    if (pid > 0) {
        kill(pid, SIGTERM);
        for (int i = 0; i < 200 && qemu_process_exists(pid); i++)
            usleep(10000);
        if (qemu_process_exists(pid) && is_our_swtpm(pid, sock))
            kill(pid, SIGKILL);
    }
    unlink(pidfile);
    unlink(sock);
}

int qemu_tpm_remove_state(const struct qemu_dirs *dirs, const char *name)
{
    VM_AUTOFREE char *state = qemu_file(dirs, QEMU_FILE_TPM_STATE, name, NULL);
    int dfd = open(state, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    DIR *d;
    struct dirent *e;

    if (dfd < 0)
        return errno == ENOENT ? 0 : (vm_report_system_error(errno, "cannot open '%s'", state), -1);
    if (!(d = fdopendir(dfd))) {
        close(dfd);
        return -1;
    }
    /* swtpm keeps plain files there */
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            unlinkat(dfd, e->d_name, 0);
    }
    closedir(d);
    if (rmdir(state) < 0) {
        vm_report_system_error(errno, "cannot remove the TPM state '%s'", state);
        return -1;
    }
    return 0;
}
