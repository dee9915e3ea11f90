/*
 * virtmond.c: the daemon's main: its options and virtmond.conf, detaching,
 * the pidfile, signals, then the server (daemon_server.c).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <syslog.h>
#include <unistd.h>

#include "daemon.h"
#include "util/vm_alloc.h"
#include "util/vm_conf_file.h"
#include "util/vm_dirs.h"
#include "util/vm_error.h"
#include "util/vm_log.h"

#define APP "virtmond"

struct options {
    const char *uri, *runtime_dir, *config, *pidfile, *listen, *pki;
    bool foreground;
    int log_level;
    unsigned int max_clients;
};

static volatile int stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static void log_to_stderr(enum vm_log_priority prio, const char *file, int line,
                          const char *msg, void *opaque)
{
    (void)file;
    (void)line;
    (void)opaque;
    fprintf(stderr, APP ": %s: %s\n", vm_log_priority_name(prio), msg);
}

static void log_to_syslog(enum vm_log_priority prio, const char *file, int line,
                          const char *msg, void *opaque)
{
    static const int level[] = {LOG_DEBUG, LOG_DEBUG, LOG_INFO, LOG_WARNING, LOG_ERR};

    (void)file;
    (void)line;
    (void)opaque;
    syslog(level[prio], "%s", msg);
}

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: " APP " [-f] [-c URI] [--runtime-dir DIR] [--config FILE] [--pidfile FILE]\n"
            "  -f, --foreground      stay in the foreground, log to standard error\n"
            "  -c, --connect URI     the driver URI to serve (default: the default URI)\n"
            "      --runtime-dir DIR where the sockets go (default: the runtime dir)\n"
            "      --config FILE     virtmond.conf (default: the config dir's)\n"
            "      --pidfile FILE    (default: the runtime dir's virtmond.pid)\n"
            "  -h, --help            this help\n");
}

/* virtmond.conf: what this daemon reads of it (the TLS and SASL keys come
 * with the TCP listener). */
static int read_config(struct options *o)
{
    static const char *const known[] = {"listen_addr",   "tls_port",     "pki_dir",
                                        "tls_allowed_dn_list", "auth_unix_rw",
                                        "auth_unix_ro",  "auth_tcp",     "sasl_app_name",
                                        "max_clients",   "log_level",    NULL};
    VM_AUTOFREE char *path = o->config ? vm_strdup(o->config)
                                       : vm_dir_file(VM_DIR_CONFIG, VM_DIR_SCOPE_AUTO,
                                                     "virtmond.conf");
    struct vm_conf *conf = path ? vm_conf_read_file(path, o->config == NULL) : NULL;
    long long n;
    const char *s;
    int ret = -1;

    if (!conf || vm_conf_check_keys(conf, known) < 0)
        goto out;
    if (vm_conf_get_int(conf, "max_clients", &n) < 0)
        goto out;
    if (vm_conf_lookup(conf, "max_clients")) {
        if (n < 1 || n > 100000) {
            vm_report_error(VM_ERR_CONFIG, "%s: max_clients is 1 to 100000, not %lld", path, n);
            goto out;
        }
        o->max_clients = (unsigned int)n;
    }
    if (vm_conf_get_string(conf, "log_level", &s) < 0)
        goto out;
    if (vm_conf_lookup(conf, "log_level") && (o->log_level = vm_log_priority_parse(s)) < 0) {
        vm_report_error(VM_ERR_CONFIG, "%s: log_level is debug, info, warning or error", path);
        goto out;
    }
    for (const char *const *k = (const char *const[]){"listen_addr", "auth_unix_rw",
                                                      "auth_unix_ro", "auth_tcp", NULL};
         *k; k++) {
        const char *v = NULL;
        if (vm_conf_get_string(conf, *k, &v) < 0)
            goto out;
        /* what is not built yet is refused, not ignored */
        if (v && (strncmp(*k, "auth", 4) != 0 || strcmp(v, "none") != 0)) {
            vm_report_error(VM_ERR_NOT_SUPPORTED,
                            "%s: %s = \"%s\": this virtmond has no TCP listener or SASL yet",
                            path, *k, v);
            goto out;
        }
    }
    ret = 0;
out:
    vm_conf_free(conf);
    return ret;
}

/* Takes the pidfile: locked while the daemon runs, so a second daemon on
 * the same runtime dir knows. -1 with the error. */
static int take_pidfile(const char *path)
{
    char buf[32];
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);

    if (fd < 0) {
        vm_report_system_error(errno, "cannot open pidfile '%s'", path);
        return -1;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        vm_report_error(VM_ERR_OPERATION_INVALID, "another virtmond holds '%s'", path);
        close(fd);
        return -1;
    }
    snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
    if (ftruncate(fd, 0) < 0 || write(fd, buf, strlen(buf)) != (ssize_t)strlen(buf)) {
        vm_report_system_error(errno, "cannot write pidfile '%s'", path);
        close(fd);
        return -1;
    }
    return fd;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"foreground", no_argument, NULL, 'f'},
        {"connect", required_argument, NULL, 'c'},
        {"runtime-dir", required_argument, NULL, 'R'},
        {"config", required_argument, NULL, 'C'},
        {"pidfile", required_argument, NULL, 'P'},
        {"listen", required_argument, NULL, 'L'},
        {"pki", required_argument, NULL, 'K'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct options o = {.log_level = VM_LOG_INFO};
    struct daemon_settings s = {0};
    struct sigaction sa = {.sa_handler = on_signal};
    VM_AUTOFREE char *pidfile = NULL;
    VM_AUTOFREE char *rundir = NULL;
    struct daemon *d;
    int c, pidfd, ret;

    while ((c = getopt_long(argc, argv, "fc:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'f': o.foreground = true; break;
        case 'c': o.uri = optarg; break;
        case 'R': o.runtime_dir = optarg; break;
        case 'C': o.config = optarg; break;
        case 'P': o.pidfile = optarg; break;
        case 'L': o.listen = optarg; break;
        case 'K': o.pki = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 1;
        }
    }
    if (optind < argc) {
        fprintf(stderr, APP ": unexpected argument '%s'\n", argv[optind]);
        return 1;
    }
    if (o.listen || o.pki) {
        fprintf(stderr, APP ": --listen and --pki (TLS) are not in this virtmond yet\n");
        return 1;
    }
    vm_log_set_output(log_to_stderr, NULL, VM_LOG_INFO);
    if (read_config(&o) < 0) {
        fprintf(stderr, APP ": %s\n", vm_error_message());
        return 1;
    }
    vm_log_set_output(log_to_stderr, NULL, (enum vm_log_priority)o.log_level);
    rundir = o.runtime_dir ? vm_strdup(o.runtime_dir)
                           : vm_dir_get(VM_DIR_RUNTIME, VM_DIR_SCOPE_AUTO);
    if (!rundir || vm_dir_make(rundir, 0755) < 0) {
        fprintf(stderr, APP ": %s\n", vm_error_message());
        return 1;
    }
    pidfile = o.pidfile ? vm_strdup(o.pidfile) : vm_asprintf("%s/virtmond.pid", rundir);
    if (!o.foreground && daemon(0, 0) < 0) {
        fprintf(stderr, APP ": cannot detach: %s\n", strerror(errno));
        return 1;
    }
    if (!o.foreground) {
        openlog(APP, LOG_PID, LOG_DAEMON);
        vm_log_set_output(log_to_syslog, NULL, (enum vm_log_priority)o.log_level);
    }
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    /* SIGHUP reloads the CRL and the allow-list, which come with TLS:
     * until then it changes nothing (and does not kill the daemon) */
    signal(SIGHUP, SIG_IGN);
    if ((pidfd = take_pidfile(pidfile)) < 0) {
        VM_ERROR("%s", vm_error_message());
        return 1;
    }
    s.uri = o.uri;
    s.runtime_dir = rundir;
    s.max_clients = o.max_clients;
    /* a testing hook: the tests cannot wait the full deadline */
    if (getenv("VIRTMOND_TEST_MESSAGE_TIMEOUT_MS"))
        s.message_timeout_ms = atoi(getenv("VIRTMOND_TEST_MESSAGE_TIMEOUT_MS"));
    if (!(d = daemon_new(&s))) {
        VM_ERROR("cannot start: %s", vm_error_message());
        unlink(pidfile);
        close(pidfd);
        return 1;
    }
    VM_INFO("serving %s", vm_connect_get_uri(daemon_conn(d)));
    ret = daemon_run(d, &stop);
    daemon_free(d);
    unlink(pidfile);
    close(pidfd);
    VM_INFO("stopped");
    return ret;
}
