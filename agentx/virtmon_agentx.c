/*
 * virtmon_agentx.c: virtmon-agentx, the AgentX subagent serving VM-MIB
 * (RFC 7666) and VIRTMON-MIB from a snapshot of one hypervisor connection.
 */
#include "config.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "agentx_audit.h"
#include "agentx_control.h"
#include "agentx_mib.h"
#include "agentx_snapshot.h"
#include "util/vm_alloc.h"
#include "util/vm_dirs.h"
#include "util/vm_error.h"
#include "util/vm_log.h"

#define APP "virtmon-agentx"

/* libnetsnmpagent's mibII/vacm_conf.c registers the access directives;
 * Debian's libsnmp-dev does not install its header. */
void init_vacm_conf(void);

/* libnetsnmpmibs' modules for what an NMS discovers a device by, in
 * --listen mode (snmpd serves them otherwise); no installed header. */
void init_system_mib(void);
void init_sysORTable(void);
void init_snmp_mib(void);
void init_snmpEngine(void);
void init_snmpMPDStats(void);
void init_usmStats(void);

static volatile sig_atomic_t keep_running = 1;
static struct ax_refresher *refresher;

/* Settings: command line first, then the configuration file, then defaults. */
static struct {
    char *uri, *state_dir, *allow_control, *listen;
    int interval;
} opt, cfg;

/* The role (own master or AgentX subagent) must be chosen before
 * init_agent, long before net-snmp reads the settings: a first pass over
 * the settings file looks at listen alone. */
static char *early_listen;

static void conf_early_listen(const char *token, char *value)
{
    free(early_listen);
    early_listen = vm_strdup(value);
}

static void read_early_listen(const char *file)
{
    static char token[] = "listen";
    struct config_line line = {.config_token = token, .parse_line = conf_early_listen,
                               .config_time = NORMAL_CONFIG};
    int quiet = netsnmp_ds_get_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_NO_TOKEN_WARNINGS);

    /* every other token is for the real pass */
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_NO_TOKEN_WARNINGS, 1);
    read_config(file, &line, NORMAL_CONFIG);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_NO_TOKEN_WARNINGS, quiet);
}

static void on_signal(int sig)
{
    keep_running = 0;
}

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: " APP " [-c URI] [-x AGENTX_SOCKET] [-f] [-i SECONDS] [--state-dir DIR]\n"
            "       [--config FILE] [--allow-control=OPS] [--listen ADDR] [-L...] [-D...]\n\n"
            "  -c URI              hypervisor to serve (default: the default URI chain)\n"
            "  -x SOCKET           the master's AgentX socket (default /var/agentx/master)\n"
            "  -f                  stay in the foreground, log to stderr\n"
            "  -i SECONDS          snapshot refresh interval (default 5)\n"
            "  --state-dir DIR     where the vmIndex map lives (default: the state dir)\n"
            "  --config FILE       settings file (default: virtmon-agentx.conf in the\n"
            "                      config dir)\n"
            "  --allow-control=OPS operations SETs may do (comma list, or all)\n"
            "  --listen ADDR       answer SNMP on ADDR instead of through a master\n"
            "  -L..., -D...        net-snmp's logging and debugging options\n");
}

static void log_to_snmp(enum vm_log_priority prio, const char *file, int line, const char *msg,
                        void *opaque)
{
    snmp_log(prio >= VM_LOG_ERROR ? LOG_ERR : prio == VM_LOG_WARN ? LOG_WARNING : LOG_DEBUG,
             "%s\n", msg);
}

/* net-snmp configuration tokens of virtmon-agentx.conf */
static void conf_string(const char *token, char *line)
{
    char **slot = strcmp(token, "uri") == 0          ? &cfg.uri
                  : strcmp(token, "stateDir") == 0   ? &cfg.state_dir
                  : strcmp(token, "allowControl") == 0 ? &cfg.allow_control
                                                       : &cfg.listen;
    free(*slot);
    *slot = vm_strdup(line);
}

static void conf_interval(const char *token, char *line)
{
    int v = atoi(line);

    if (v < 1 || v > 86400)
        config_perror("interval must be 1 to 86400 seconds");
    else
        cfg.interval = v;
}

static void on_snapshot(int fd, void *data)
{
    struct ax_snapshot *snap = ax_refresher_take(refresher);

    if (snap)
        ax_mib_install(snap);
}

/* What only the command line says (the rest goes into opt). */
struct settings {
    const char *xsocket, *config;
    bool foreground, logging_set;
};

/* The command line into opt and *st: 0, 1 after --help or --version
 * (exit 0), -1 after saying what is wrong (exit 1). */
static int parse_options(int argc, char **argv, struct settings *st)
{
    static const struct option longopts[] = {
        {"connect", required_argument, NULL, 'c'},
        {"state-dir", required_argument, NULL, 'S'},
        {"config", required_argument, NULL, 'C'},
        {"allow-control", required_argument, NULL, 'A'},
        {"listen", required_argument, NULL, 'l'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    int c;

    memset(st, 0, sizeof(*st));
    while ((c = getopt_long(argc, argv, "c:x:fi:L:D::hV", longopts, NULL)) != -1) {
        switch (c) {
        case 'c': opt.uri = optarg; break;
        case 'x': st->xsocket = optarg; break;
        case 'f': st->foreground = true; break;
        case 'i':
            opt.interval = atoi(optarg);
            if (opt.interval < 1 || opt.interval > 86400) {
                fprintf(stderr, APP ": -i takes 1 to 86400 seconds, not '%s'\n", optarg);
                return -1;
            }
            break;
        case 'S': opt.state_dir = optarg; break;
        case 'C': st->config = optarg; break;
        case 'A': opt.allow_control = optarg; break;
        case 'l': opt.listen = optarg; break;
        case 'L':
            if (snmp_log_options(optarg, argc, argv) < 0) {
                usage(stderr);
                return -1;
            }
            st->logging_set = true;
            break;
        case 'D':
            debug_register_tokens(optarg);
            snmp_set_do_debugging(1);
            break;
        case 'h': usage(stdout); return 1;
        case 'V': printf(APP " %s\n", PACKAGE_VERSION); return 1;
        default: usage(stderr); return -1;
        }
    }
    if (optind < argc) {
        fprintf(stderr, APP ": unexpected argument '%s'\n", argv[optind]);
        return -1;
    }
    return 0;
}

/* Where net-snmp logs, reads its settings (our config dir, not
 * /etc/snmp; no MIB loading) and which role the agent takes: its own
 * master with --listen, else an AgentX subagent.  -1 when the config dir
 * is unknown. */
static int set_up_roles(const struct settings *st)
{
    VM_AUTOFREE char *confdir = NULL;
    VM_AUTOFREE char *dflt = NULL;

    if (!st->logging_set) {
        if (st->foreground)
            snmp_enable_stderrlog();
        else
            snmp_enable_syslog_ident(APP, LOG_DAEMON);
    }
    if (!(confdir = vm_dir_get(VM_DIR_CONFIG, VM_DIR_SCOPE_AUTO))) {
        snmp_log(LOG_ERR, "%s\n", vm_error_message());
        return -1;
    }
    setenv("SNMPCONFPATH", confdir, 1);
    setenv("MIBS", "", 1);
    if (st->config)
        netsnmp_ds_set_string(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_OPTIONALCONFIG, st->config);
    dflt = vm_asprintf("%s/" APP ".conf", confdir);
    read_early_listen(st->config ? st->config : dflt);
    if (!opt.listen)
        opt.listen = early_listen;
    if (opt.listen) {
        /* our own master: net-snmp's transports, access control and trap
         * sinks from the settings file; no AgentX, no SMUX */
        netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE, 0);
        netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_PORTS, opt.listen);
        /* one log line per request is snmpd's default, not ours */
        netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID,
                               NETSNMP_DS_AGENT_DONT_LOG_TCPWRAPPERS_CONNECTS, 1);
    } else {
        netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE, 1);
        if (st->xsocket)
            netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_X_SOCKET,
                                  st->xsocket);
        /* notice a restarted master and register again */
        netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL, 5);
    }
    return 0;
}

/* The agent: its settings tokens, the MIBs a complete agent serves when it
 * is its own master, net-snmp's persistent files under persist_dir (never
 * /var/lib/snmp), and the master's listener.  -1 after logging why. */
static int start_agent(const char *persist_dir)
{
    init_agent(APP);
    /* tokens of virtmon-agentx.conf (init_agent named the application) */
    register_app_config_handler("uri", conf_string, NULL, "URI");
    register_app_config_handler("stateDir", conf_string, NULL, "DIR");
    register_app_config_handler("allowControl", conf_string, NULL, "OPS");
    register_app_config_handler("listen", conf_string, NULL, "ADDR");
    register_app_config_handler("interval", conf_interval, NULL, "SECONDS");
    if (opt.listen) {
        init_vacm_conf();   /* rocommunity, rwuser, view, group, access... */
        /* the system group (sysDescr, sysObjectID, sysUpTime, sysContact,
         * sysName, sysLocation, sysORTable; the syscontact/syslocation/
         * sysname tokens), snmpEngine and the SNMP statistics, as snmpd
         * serves them */
        init_system_mib();
        init_sysORTable();
        init_snmp_mib();
        init_snmpEngine();
        init_snmpMPDStats();
        init_usmStats();
    }
    if (vm_dir_make(persist_dir, 0700) < 0) {
        snmp_log(LOG_ERR, "%s\n", vm_error_message());
        return -1;
    }
    netsnmp_ds_set_string(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_PERSISTENT_DIR, persist_dir);
    init_snmp(APP);
    if (opt.listen) {
        /* a master built on libnetsnmpagent opens SMUX on tcp:199 unless
         * told not to, as snmpd's -I -smux does */
        static char no_smux[] = "-smux";
        add_to_init_list(no_smux);
        if (init_master_agent() != 0) {
            snmp_log(LOG_ERR, "cannot listen on %s\n", opt.listen);
            return -1;
        }
        ax_audit_init(true);
        if (!vacm_is_configured())
            snmp_log(LOG_WARNING, "no access configured (rocommunity, rouser, ...) in the "
                                  "settings: every request is refused\n");
    }
    return 0;
}

/* The refresher on the URI, interval, state dir and control the options,
 * then the settings file, then the defaults give; its snapshots reach the
 * agent through notify_fd.  -1 after logging why. */
static int start_refresher(const char *default_state, int *notify_fd)
{
    VM_AUTOFREE char *default_uri = NULL;
    const char *uri, *state_dir;
    unsigned int allowed = 0;
    int interval;

    state_dir = opt.state_dir ? opt.state_dir : cfg.state_dir ? cfg.state_dir : default_state;
    if (vm_dir_make(state_dir, 0755) < 0 ||
        (!opt.uri && !cfg.uri && !(default_uri = vm_uri_default())) ||
        ax_control_parse(opt.allow_control ? opt.allow_control : cfg.allow_control,
                         &allowed) < 0) {
        snmp_log(LOG_ERR, "%s\n", vm_error_message());
        return -1;
    }
    uri = opt.uri ? opt.uri : cfg.uri ? cfg.uri : default_uri;
    interval = opt.interval ? opt.interval : cfg.interval ? cfg.interval : 5;
    if (!(refresher = ax_refresher_start(uri, interval, state_dir, allowed != 0, notify_fd))) {
        snmp_log(LOG_ERR, "%s\n", vm_error_message());
        return -1;
    }
    ax_control_init(allowed, refresher);
    snmp_log(LOG_INFO, APP " serving %s (refresh every %d s, state in %s)\n", uri, interval,
             state_dir);
    return 0;
}

int main(int argc, char **argv)
{
    struct settings st;
    VM_AUTOFREE char *default_state = NULL;
    VM_AUTOFREE char *persist = NULL;
    int notify_fd, r;

    if ((r = parse_options(argc, argv, &st)) != 0)
        return r > 0 ? 0 : 1;
    if (set_up_roles(&st) < 0)
        return 1;
    signal(SIGPIPE, SIG_IGN);
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    vm_log_set_output(log_to_snmp, NULL, VM_LOG_WARN);
    /* a stateDir from the settings file moves the vmIndex map, not
     * net-snmp's files: those are placed before the file is read */
    if (!(default_state = vm_dir_get(VM_DIR_STATE, VM_DIR_SCOPE_AUTO))) {
        snmp_log(LOG_ERR, "%s\n", vm_error_message());
        return 1;
    }
    persist = vm_asprintf("%s/snmp", opt.state_dir ? opt.state_dir : default_state);
    if (start_agent(persist) < 0 || start_refresher(default_state, &notify_fd) < 0)
        return 1;
    register_readfd(notify_fd, on_snapshot, NULL);

    while (keep_running)
        agent_check_and_process(1);

    snmp_log(LOG_INFO, APP " stopping\n");
    unregister_readfd(notify_fd);
    ax_refresher_stop(refresher);
    snmp_shutdown(APP);
    ax_mib_shutdown();
    shutdown_agent();
    free(cfg.uri);
    free(cfg.state_dir);
    free(cfg.allow_control);
    free(cfg.listen);
    free(early_listen);
    return 0;
}
