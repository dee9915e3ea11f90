/*
 * virtmond.c: the daemon's main: its options and virtmond.conf, detaching,
 * the pidfile, signals, then the server (daemon_server.c).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <malloc.h>
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
#include "util/vm_sasl.h"
#include "util/vm_tls_server.h"
#include "util/vm_uri.h"

#define APP "virtmond"
#define TLS_PORT 16516

struct options {
    const char *uri, *runtime_dir, *config, *pidfile, *listen, *pki;
    bool foreground;
};

/* What virtmond.conf says (and, for the listener, the options over it). */
struct config {
    int log_level;
    unsigned int max_clients;
    char *listen_host;          /* NULL: no TLS listener */
    int listen_port;
    char *pki_dir;              /* NULL: the config dir's pki/ */
    char **dn_list;             /* NULL: no allow-list */
    size_t n_dn;
    enum vm_rpc_auth auth_rw, auth_ro, auth_tcp;
    char *sasl_app_name;
};

static void config_clear(struct config *c)
{
    free(c->listen_host);
    free(c->pki_dir);
    for (size_t i = 0; i < c->n_dn; i++)
        free(c->dn_list[i]);
    free(c->dn_list);
    free(c->sasl_app_name);
    memset(c, 0, sizeof(*c));
}

static volatile int stop, reload;

static void on_signal(int sig)
{
    if (sig == SIGHUP)
        reload = 1;
    else
        stop = 1;
}

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: " APP " [-f] [-c URI] [--runtime-dir DIR] [--listen ADDR[:PORT]] [--pki DIR]\n"
            "                [--config FILE] [--pidfile FILE]\n"
            "  -f, --foreground      stay in the foreground, log to standard error\n"
            "  -c, --connect URI     the driver URI to serve (default: the default URI)\n"
            "      --runtime-dir DIR where the sockets go (default: the runtime dir)\n"
            "      --listen ADDR[:PORT]  also serve TLS on ADDR (port %d)\n"
            "      --pki DIR         the TLS files (default: the config dir's pki/)\n"
            "      --config FILE     virtmond.conf (default: the config dir's)\n"
            "      --pidfile FILE    (default: the runtime dir's virtmond.pid)\n"
            "  -h, --help            this help\n",
            TLS_PORT);
}

/* An auth_* key: none (the default) or sasl. */
static int read_auth(const struct vm_conf *conf, const char *path, const char *key,
                     enum vm_rpc_auth *out)
{
    const char *v = NULL;

    *out = VM_RPC_AUTH_NONE;
    if (vm_conf_get_string(conf, key, &v) < 0)
        return -1;
    if (!v || strcmp(v, "none") == 0)
        return 0;
    if (strcmp(v, "sasl") == 0) {
        *out = VM_RPC_AUTH_SASL;
        return 0;
    }
    vm_report_error(VM_ERR_CONFIG, "%s: %s is \"none\" or \"sasl\", not \"%s\"", path, key, v);
    return -1;
}

/* max_clients, log_level and tls_port. */
static int read_limits(const struct vm_conf *conf, const char *path, struct config *c)
{
    long long n = 0, port = TLS_PORT;
    const char *s = NULL;

    if (vm_conf_get_int(conf, "max_clients", &n) < 0 ||
        vm_conf_get_int(conf, "tls_port", &port) < 0 ||
        vm_conf_get_string(conf, "log_level", &s) < 0)
        return -1;
    if (vm_conf_lookup(conf, "max_clients")) {
        if (n < 1 || n > 100000) {
            vm_report_error(VM_ERR_CONFIG, "%s: max_clients is 1 to 100000, not %lld", path, n);
            return -1;
        }
        c->max_clients = (unsigned int)n;
    }
    if (port < 1 || port > 65535) {
        vm_report_error(VM_ERR_CONFIG, "%s: tls_port is 1 to 65535, not %lld", path, port);
        return -1;
    }
    c->listen_port = (int)port;
    if (s && (c->log_level = vm_log_priority_parse(s)) < 0) {
        vm_report_error(VM_ERR_CONFIG, "%s: log_level is debug, info, warning or error", path);
        return -1;
    }
    return 0;
}

/* The TLS listener: listen_addr (--listen over it), pki_dir (--pki over
 * it), tls_allowed_dn_list. */
static int read_tls(const struct vm_conf *conf, const char *path, const struct options *o,
                    struct config *c)
{
    const char *addr = NULL, *pki = NULL;

    if (vm_conf_get_string(conf, "listen_addr", &addr) < 0 ||
        vm_conf_get_string(conf, "pki_dir", &pki) < 0)
        return -1;
    if (o->listen) {
        if (vm_host_port_parse(o->listen, c->listen_port, &c->listen_host, &c->listen_port) < 0)
            return -1;
    } else if (addr) {
        c->listen_host = vm_strdup(addr);
    }
    c->pki_dir = o->pki ? vm_strdup(o->pki) : pki ? vm_strdup(pki) : NULL;
    if (vm_conf_lookup(conf, "tls_allowed_dn_list")) {
        char **list = NULL;
        size_t n = 0;
        if (vm_conf_get_list(conf, "tls_allowed_dn_list", &list, &n) < 0)
            return -1;
        /* an empty list would lock every client out: say so rather */
        if (n == 0) {
            vm_report_error(VM_ERR_CONFIG, "%s: tls_allowed_dn_list is empty (leave it out to "
                                           "allow every certificate from the CA)",
                            path);
            return -1;
        }
        VM_NEW_N(c->dn_list, n + 1);
        for (size_t i = 0; i < n; i++)
            c->dn_list[c->n_dn++] = vm_strdup(list[i]);
    }
    return 0;
}

/* virtmond.conf into *c, with --listen and --pki over it. */
static int read_config(const struct options *o, struct config *c)
{
    static const char *const known[] = {"listen_addr",   "tls_port",     "pki_dir",
                                        "tls_allowed_dn_list", "auth_unix_rw",
                                        "auth_unix_ro",  "auth_tcp",     "sasl_app_name",
                                        "max_clients",   "log_level",    NULL};
    VM_AUTOFREE char *path = o->config ? vm_strdup(o->config)
                                       : vm_dir_file(VM_DIR_CONFIG, VM_DIR_SCOPE_AUTO,
                                                     "virtmond.conf");
    struct vm_conf *conf = path ? vm_conf_read_file(path, o->config == NULL) : NULL;
    const char *app = "virtmond";
    int ret = -1;

    memset(c, 0, sizeof(*c));
    c->log_level = VM_LOG_INFO;
    if (conf && vm_conf_check_keys(conf, known) == 0 && read_limits(conf, path, c) == 0 &&
        read_tls(conf, path, o, c) == 0 &&
        read_auth(conf, path, "auth_unix_rw", &c->auth_rw) == 0 &&
        read_auth(conf, path, "auth_unix_ro", &c->auth_ro) == 0 &&
        read_auth(conf, path, "auth_tcp", &c->auth_tcp) == 0 &&
        vm_conf_get_string(conf, "sasl_app_name", &app) >= 0) {
        c->sasl_app_name = vm_strdup(app);
        ret = 0;
    }
    vm_conf_free(conf);
    if (ret < 0)
        config_clear(c);
    return ret;
}

/* The TLS listener's credentials; NULL with the error. */
static struct vm_tls_server *load_tls(const struct config *c)
{
    struct vm_tls_config *cfg = vm_tls_config_new(c->pki_dir);
    struct vm_tls_server *srv = cfg ? vm_tls_server_new(cfg) : NULL;

    vm_tls_config_free(cfg);
    return srv;
}

/* SIGHUP: the CRL (with the rest of the PKI files) and the allow-list
 * again; on any error the old ones stay. */
static void do_reload(const struct options *o, struct daemon *d, bool tls)
{
    struct config c;
    struct vm_tls_server *srv;

    if (!tls) {
        VM_INFO("SIGHUP: no TLS listener, nothing to reload");
        return;
    }
    if (read_config(o, &c) < 0) {
        VM_ERROR("SIGHUP: %s: keeping the current CRL and allow-list", vm_error_message());
        return;
    }
    if (!(srv = load_tls(&c))) {
        VM_ERROR("SIGHUP: %s: keeping the current CRL and allow-list", vm_error_message());
        config_clear(&c);
        return;
    }
    daemon_reload_tls(d, srv, c.dn_list, c.n_dn);
    VM_INFO("SIGHUP: reloaded the CRL and tls_allowed_dn_list (%zu entr%s)", c.n_dn,
            c.n_dn == 1 ? "y" : "ies");
    c.dn_list = NULL;
    c.n_dn = 0;
    config_clear(&c);
}

/* SASL for the sockets that ask for it: its configuration from the config
 * dir's sasl2/, and a first look that it offers a mechanism. */
static int start_sasl(const struct config *c)
{
    VM_AUTOFREE char *dir = NULL;
    struct vm_sasl *probe;
    VM_AUTOFREE char *mechs = NULL;

    if (c->auth_rw != VM_RPC_AUTH_SASL && c->auth_ro != VM_RPC_AUTH_SASL &&
        (c->auth_tcp != VM_RPC_AUTH_SASL || !c->listen_host))
        return 0;
    if (!(dir = vm_dir_file(VM_DIR_CONFIG, VM_DIR_SCOPE_AUTO, "sasl2")) ||
        vm_sasl_server_init(c->sasl_app_name, dir) < 0 ||
        !(probe = vm_sasl_server_new(NULL, NULL, 0)))
        return -1;
    mechs = vm_sasl_server_mechlist(probe);
    vm_sasl_free(probe);
    if (!mechs) {
        vm_report_error(VM_ERR_CONFIG, "SASL offers no mechanism: see %s/%s.conf", dir,
                        c->sasl_app_name);
        return -1;
    }
    VM_INFO("SASL mechanisms: %s", mechs);
    return 0;
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

/* The command line into *o; -1 after saying what is wrong (exit 1), 1
 * after --help (exit 0). */
static int parse_options(int argc, char **argv, struct options *o)
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
    int c;

    memset(o, 0, sizeof(*o));
    while ((c = getopt_long(argc, argv, "fc:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'f': o->foreground = true; break;
        case 'c': o->uri = optarg; break;
        case 'R': o->runtime_dir = optarg; break;
        case 'C': o->config = optarg; break;
        case 'P': o->pidfile = optarg; break;
        case 'L': o->listen = optarg; break;
        case 'K': o->pki = optarg; break;
        case 'h': usage(stdout); return 1;
        default: usage(stderr); return -1;
        }
    }
    if (optind < argc) {
        fprintf(stderr, APP ": unexpected argument '%s'\n", argv[optind]);
        return -1;
    }
    return 0;
}

/* Where the daemon logs: standard error in the foreground, else syslog
 * after detaching. */
static int detach(const struct options *o, const struct config *c)
{
    if (o->foreground)
        return 0;
    if (daemon(0, 0) < 0) {
        fprintf(stderr, APP ": cannot detach: %s\n", strerror(errno));
        return -1;
    }
    openlog(APP, LOG_PID, LOG_DAEMON);
    vm_log_set_output(vm_log_to_syslog, NULL, (enum vm_log_priority)c->log_level);
    return 0;
}

static void handle_signals(void)
{
    struct sigaction sa = {.sa_handler = on_signal};

    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

/* The server's settings from the configuration; NULL with the error. */
static struct daemon *start(const struct options *o, const struct config *c, const char *rundir)
{
    struct daemon_settings s = {
        .uri = o->uri,
        .runtime_dir = rundir,
        .max_clients = c->max_clients,
        .listen_host = c->listen_host,
        .listen_port = c->listen_port,
        .dn_list = c->dn_list,
        .n_dn = c->n_dn,
        .auth_rw = c->auth_rw,
        .auth_ro = c->auth_ro,
        .auth_tcp = c->auth_tcp,
    };
    struct daemon *d;

    /* a testing hook: the tests cannot wait the full deadline */
    if (getenv("VIRTMOND_TEST_MESSAGE_TIMEOUT_MS"))
        s.message_timeout_ms = atoi(getenv("VIRTMOND_TEST_MESSAGE_TIMEOUT_MS"));
    if (start_sasl(c) < 0)
        return NULL;
    if (c->listen_host && !(s.tls = load_tls(c)))
        return NULL;
    d = daemon_new(&s);
    vm_tls_server_unref(s.tls);
    if (d && c->listen_host)
        VM_INFO("listening for TLS on %s port %d%s", c->listen_host, c->listen_port,
                c->auth_tcp == VM_RPC_AUTH_SASL ? ", SASL required" : "");
    return d;
}

int main(int argc, char **argv)
{
    struct options o;
    struct config c;
    VM_AUTOFREE char *pidfile = NULL;
    VM_AUTOFREE char *rundir = NULL;
    struct daemon *d;
    int pidfd, ret;

    if ((ret = parse_options(argc, argv, &o)) != 0)
        return ret < 0 ? 1 : 0;
    /* a large pool's bulk stats run to megabytes per reply: from mmap,
     * and given back once sent, rather than kept in the heap by glibc's
     * sliding threshold, so the footprint after a burst of clients is
     * the footprint before it */
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
    vm_log_set_output(vm_log_to_stderr, (void *)APP, VM_LOG_INFO);
    if (read_config(&o, &c) < 0) {
        fprintf(stderr, APP ": %s\n", vm_error_message());
        return 1;
    }
    vm_log_set_output(vm_log_to_stderr, (void *)APP, (enum vm_log_priority)c.log_level);
    rundir = o.runtime_dir ? vm_strdup(o.runtime_dir)
                           : vm_dir_get(VM_DIR_RUNTIME, VM_DIR_SCOPE_AUTO);
    if (!rundir || vm_dir_make(rundir, 0755) < 0) {
        fprintf(stderr, APP ": %s\n", vm_error_message());
        config_clear(&c);
        return 1;
    }
    pidfile = o.pidfile ? vm_strdup(o.pidfile) : vm_asprintf("%s/virtmond.pid", rundir);
    if (detach(&o, &c) < 0) {
        config_clear(&c);
        return 1;
    }
    handle_signals();
    if ((pidfd = take_pidfile(pidfile)) < 0) {
        VM_ERROR("%s", vm_error_message());
        config_clear(&c);
        return 1;
    }
    if (!(d = start(&o, &c, rundir))) {
        VM_ERROR("cannot start: %s", vm_error_message());
        unlink(pidfile);
        close(pidfd);
        config_clear(&c);
        return 1;
    }
    VM_INFO("serving %s", vm_connect_get_uri(daemon_conn(d)));
    while ((ret = daemon_run(d, &stop, &reload)) == 1)
        do_reload(&o, d, c.listen_host != NULL);
    daemon_free(d);
    unlink(pidfile);
    close(pidfd);
    config_clear(&c);
    VM_INFO("stopped");
    return ret;
}
