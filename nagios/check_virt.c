/*
 * check_virt.c: the Nagios/Icinga plugin: options, the mode (from --mode
 * or the name it runs under), the -t deadline, then one mode's function.
 */
#include "config.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "check_virt.h"
#include "util/vm_alloc.h"
#include "util/vm_error.h"

const char cv_usage[] =
    "Usage: check_virt --mode=state|domains|mem|cpu|node [-U URI] [-d DOMAIN] [-w RANGE]\n"
    "       [-c RANGE] [-t SECONDS[:STATE]] [--expect=running|shutoff]\n"
    "       [--state-map=STATE=SEVERITY,...] [--missing=SEVERITY] [--not-running]\n"
    "       [--expect-running=a,b] [--units=%|KB] [--interval SECONDS] [--state-dir DIR]\n"
    "       [--raw] [-v] [-V] [-h]\n";

static const struct {
    const char *name;
    void (*run)(const struct cv_opts *o);   /* never returns */
} modes[] = {
    {"STATE", cv_mode_state},
    {"DOMAINS", cv_mode_domains},
    {"MEM", NULL},
    {"CPU", NULL},
    {"NODE", NULL},
};

/* The -t line, made before the alarm can ring: a handler may only write. */
static char timeout_line[256];
static size_t timeout_len;
static int timeout_status = CV_UNKNOWN;

static void on_alarm(int sig)
{
    (void)sig;
    if (write(STDOUT_FILENO, timeout_line, timeout_len) < 0) {
        /* nothing else to say it with */
    }
    _exit(timeout_status);
}

struct vm_connect *cv_connect(const struct cv_opts *o)
{
    struct vm_connect *conn = vm_connect_open(o->uri, VM_CONNECT_RO);

    if (!conn)
        cv_exit_unknown(o->mode, vm_error_message(), NULL);
    return conn;
}

static const char *const state_words[VM_DOMAIN_STATE_LAST] = {
    "nostate", "running", "blocked", "paused", "shutdown", "shutoff", "crashed", "pmsuspended",
};

/* "shutoff=warning,paused=ok" over the map */
static int parse_state_map(const char *text, enum cv_status *map)
{
    VM_AUTOFREE char *copy = vm_strdup(text);
    char *save = NULL;

    for (char *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '=');
        int s;
        enum cv_status sev;
        if (!eq)
            return -1;
        *eq = '\0';
        for (s = 0; s < VM_DOMAIN_STATE_LAST && strcasecmp(item, state_words[s]) != 0; s++) {
        }
        if (s == VM_DOMAIN_STATE_LAST || cv_status_parse(eq + 1, &sev) < 0)
            return -1;
        map[s] = sev;
    }
    return 0;
}

static void help(void)
{
    printf("check_virt %s: Nagios/Icinga checks of virtual machines (virtmon)\n\n%s\n"
           "Ranges follow the monitoring-plugins guidelines: N (alert outside 0..N), N:\n"
           "(below N), ~:N (above N), N:M (outside N..M), @N:M (inside N..M); decimals\n"
           "and negatives allowed.  -h and -V exit 3, as the monitoring-plugins do.\n",
           PACKAGE_VERSION, cv_usage);
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"mode", required_argument, NULL, 'm'},
        {"uri", required_argument, NULL, 'U'},
        {"domain", required_argument, NULL, 'd'},
        {"warning", required_argument, NULL, 'w'},
        {"critical", required_argument, NULL, 'c'},
        {"timeout", required_argument, NULL, 't'},
        {"expect", required_argument, NULL, 'E'},
        {"state-map", required_argument, NULL, 'M'},
        {"missing", required_argument, NULL, 'X'},
        {"not-running", no_argument, NULL, 'N'},
        {"expect-running", required_argument, NULL, 'R'},
        {"units", required_argument, NULL, 'u'},
        {"interval", required_argument, NULL, 'i'},
        {"state-dir", required_argument, NULL, 'S'},
        {"raw", no_argument, NULL, 'r'},
        {"verbose", no_argument, NULL, 'v'},
        {"version", no_argument, NULL, 'V'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct cv_opts o = {.missing = CV_CRITICAL};
    const char *mode_arg = NULL, *warn = NULL, *crit = NULL, *state_map = NULL;
    const char *base = strrchr(argv[0], '/');
    long timeout = 10;
    size_t m = 0;
    int c;

    base = base ? base + 1 : argv[0];
    if (strncmp(base, "check_virt_", 11) == 0)
        mode_arg = base + 11;
    /* the mode first: errors name it */
    for (int i = 1; i < argc; i++) {
        if (strncmp(argv[i], "--mode=", 7) == 0)
            mode_arg = argv[i] + 7;
        else if (strcmp(argv[i], "--mode") == 0 && i + 1 < argc)
            mode_arg = argv[i + 1];
    }
    if (mode_arg) {
        for (m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
            if (strcasecmp(modes[m].name, mode_arg) == 0)
                break;
        }
        if (m < sizeof(modes) / sizeof(modes[0]))
            o.mode = modes[m].name;
    }
    for (int s = 0; s < VM_DOMAIN_STATE_LAST; s++)
        o.state_map[s] = CV_WARNING;
    o.state_map[VM_DOMAIN_RUNNING] = o.state_map[VM_DOMAIN_BLOCKED] = CV_OK;
    o.state_map[VM_DOMAIN_SHUTOFF] = o.state_map[VM_DOMAIN_CRASHED] = CV_CRITICAL;
    o.state_map[VM_DOMAIN_NOSTATE] = CV_UNKNOWN;

    opterr = 0;
    while ((c = getopt_long(argc, argv, "m:U:d:w:c:t:vVh", longopts, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'm': break;
        case 'U': o.uri = optarg; break;
        case 'd': o.domain = optarg; break;
        case 'w': warn = optarg; break;
        case 'c': crit = optarg; break;
        case 't': {
            enum cv_status st = CV_UNKNOWN;
            timeout = strtol(optarg, &end, 10);
            if (end == optarg || timeout < 1 || timeout > 3600 ||
                (*end && (*end != ':' || cv_status_parse(end + 1, &st) < 0)))
                cv_exit_unknown(o.mode, "-t takes SECONDS (1-3600) or SECONDS:STATE", cv_usage);
            timeout_status = (int)st;
            break;
        }
        case 'E':
            if (strcasecmp(optarg, "running") == 0)
                o.expect_shutoff = false;
            else if (strcasecmp(optarg, "shutoff") == 0)
                o.expect_shutoff = true;
            else
                cv_exit_unknown(o.mode, "--expect takes running or shutoff", cv_usage);
            break;
        case 'M': state_map = optarg; break;
        case 'X':
            if (cv_status_parse(optarg, &o.missing) < 0)
                cv_exit_unknown(o.mode, "--missing takes OK, WARNING, CRITICAL or UNKNOWN", cv_usage);
            break;
        case 'N': o.not_running = true; break;
        case 'R': o.expect_running = optarg; break;
        case 'u': case 'i': case 'S': case 'r': break;   /* the mem and cpu modes' */
        case 'v': o.verbose++; break;
        case 'V': printf("check_virt %s\n", PACKAGE_VERSION); return CV_UNKNOWN;
        case 'h': help(); return CV_UNKNOWN;
        default: {
            VM_AUTOFREE char *msg = vm_asprintf("unknown option or missing argument '%s'",
                                                argv[optind - 1]);
            cv_exit_unknown(o.mode, msg, cv_usage);
        }
        }
    }
    if (optind < argc) {
        VM_AUTOFREE char *msg = vm_asprintf("unexpected argument '%s'", argv[optind]);
        cv_exit_unknown(o.mode, msg, cv_usage);
    }
    if (!mode_arg)
        cv_exit_unknown(NULL, "no mode: give --mode or run as check_virt_MODE", cv_usage);
    if (!o.mode) {
        VM_AUTOFREE char *msg = vm_asprintf("unknown mode '%s'", mode_arg);
        cv_exit_unknown(NULL, msg, cv_usage);
    }
    if (cv_range_parse(warn, &o.warn) < 0 || cv_range_parse(crit, &o.crit) < 0)
        cv_exit_unknown(o.mode, vm_error_message(), cv_usage);
    if (o.expect_shutoff) {
        o.state_map[VM_DOMAIN_SHUTOFF] = CV_OK;
        o.state_map[VM_DOMAIN_RUNNING] = o.state_map[VM_DOMAIN_BLOCKED] = CV_CRITICAL;
    }
    if (state_map && parse_state_map(state_map, o.state_map) < 0)
        cv_exit_unknown(o.mode, "--state-map takes STATE=SEVERITY,... (states: running, blocked, "
                                "paused, shutdown, shutoff, crashed, pmsuspended, nostate)",
                        cv_usage);
    if (!o.domain && strcmp(o.mode, "STATE") == 0)
        cv_exit_unknown(o.mode, "-d DOMAIN is required in this mode", cv_usage);

    timeout_len = (size_t)snprintf(timeout_line, sizeof(timeout_line),
                                   "VIRT %s %s - no answer within %ld s\n", o.mode,
                                   cv_status_name(timeout_status), timeout);
    signal(SIGALRM, on_alarm);
    alarm((unsigned int)timeout);
    if (!modes[m].run) {
        VM_AUTOFREE char *msg = vm_asprintf("the %s mode is not in this build yet", mode_arg);
        cv_exit_unknown(o.mode, msg, NULL);
    }
    modes[m].run(&o);
    return CV_UNKNOWN;
}
