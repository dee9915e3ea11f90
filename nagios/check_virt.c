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
    "Usage: check_virt --mode=state|domains|mem|cpu|node [-U URI] [-d DOMAIN]\n"
    "       [-w RANGE] [-c RANGE] [-t SECONDS[:STATE]] [--expect=running|shutoff]\n"
    "       [--state-map=STATE=SEVERITY,...] [--missing=SEVERITY] [--not-running]\n"
    "       [--expect-running=a,b] [--units=%|KB] [--interval SECONDS]\n"
    "       [--state-dir DIR] [--raw] [-v] [-V] [-h]\n";

/* Options that belong to some modes only: given to another, they are a
 * mistake in the Nagios command definition, and said so. */
enum {
    OPT_DOMAIN = 1 << 0,        /* -d */
    OPT_THRESHOLDS = 1 << 1,    /* -w, -c */
    OPT_STATE = 1 << 2,         /* --expect, --state-map, --missing */
    OPT_DOMAINS = 1 << 3,       /* --not-running, --expect-running */
    OPT_UNITS = 1 << 4,         /* --units */
    OPT_CPU = 1 << 5,           /* --interval, --state-dir, --raw */
};

static const struct {
    const char *name;
    void (*run)(const struct cv_opts *o);   /* never returns */
    unsigned int opts;                      /* the OPT_ it takes */
} modes[] = {
    {"STATE", cv_mode_state, OPT_DOMAIN | OPT_STATE},
    {"DOMAINS", cv_mode_domains, OPT_THRESHOLDS | OPT_DOMAINS},
    {"MEM", cv_mode_mem, OPT_DOMAIN | OPT_THRESHOLDS | OPT_UNITS},
    {"CPU", cv_mode_cpu, OPT_DOMAIN | OPT_THRESHOLDS | OPT_CPU},
    {"NODE", cv_mode_node, OPT_THRESHOLDS | OPT_UNITS},
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

struct vm_domain *cv_domain(struct vm_connect *conn, const struct cv_opts *o)
{
    struct vm_domain *dom = vm_domain_lookup(conn, o->domain);
    struct cv_result r = {.mode = o->mode, .status = CV_UNKNOWN};

    if (dom)
        return dom;
    if (vm_error_code() == VM_ERR_NO_DOMAIN)
        r.text = vm_asprintf("domain '%s' not found", o->domain);
    else
        r.text = vm_strdup(vm_error_message());
    cv_finish(&r, NULL, conn);
}

_Noreturn void cv_finish(const struct cv_result *r, struct vm_domain *dom,
                         struct vm_connect *conn)
{
    char *out = cv_format(r);

    /* the one place the result's strings are owned */
    free((char *)r->text);
    free((char *)r->long_output);
    vm_domain_free(dom);
    vm_connect_close(conn);
    cv_exit_with(out, r->status);
}

enum cv_status cv_memory_figure(const struct cv_opts *o, const char *const labels[3],
                                unsigned long long kib, unsigned long long total_kib,
                                struct cv_memory_figure *fig)
{
    /* thresholds see the exact value (30.0001 is above 30); people and
     * graphs see it rounded */
    double exact = total_kib ? 100.0 * (double)kib / (double)total_kib : 0;
    double pct = cv_round(exact, 2);
    const struct cv_range *on_kb_w = o->units_kb ? &o->warn : NULL;
    const struct cv_range *on_kb_c = o->units_kb ? &o->crit : NULL;

    fig->perf[0] = (struct cv_perf){.label = labels[0], .value = (double)kib, .uom = "KB",
                                    .warn = on_kb_w, .crit = on_kb_c, .has_min = true,
                                    .has_max = true, .max = (double)total_kib};
    fig->perf[1] = (struct cv_perf){.label = labels[1], .value = (double)total_kib, .uom = "KB",
                                    .has_min = true};
    fig->perf[2] = (struct cv_perf){.label = labels[2], .value = pct, .uom = "%",
                                    .warn = on_kb_w ? NULL : &o->warn,
                                    .crit = on_kb_c ? NULL : &o->crit, .has_min = true,
                                    .has_max = true, .max = 100};
    cv_format_kib(fig->kib, sizeof(fig->kib), kib);
    cv_format_kib(fig->total, sizeof(fig->total), total_kib);
    cv_format_number(fig->pct, sizeof(fig->pct), pct);
    return cv_status_of(o->units_kb ? (double)kib : exact, &o->warn, &o->crit);
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

/* The monitoring-plugins' print_revision: "NAME vX.Y.Z (PACKAGE X.Y.Z)". */
static void version(const char *progname)
{
    printf("%s v%s (virtmon %s)\n", progname, PACKAGE_VERSION, PACKAGE_VERSION);
}

/* Every option and mode; no line over 80 columns (tests/integration
 * check-virt.sh holds it to that). */
static void help(const char *progname)
{
    version(progname);
    printf("Nagios/Icinga checks of virtual machines and their host, through virtmon.\n\n"
           "%s\n"
           "Modes (--mode, or the name of a link: check_virt_state, check_virt_domains,\n"
           "check_virt_mem, check_virt_cpu, check_virt_node):\n"
           "  state    one domain's state against what is expected of it\n"
           "  domains  how many domains run; -w/-c on that number\n"
           "  mem      one domain's memory: -w/-c on mem_pct (or mem_used, --units=KB)\n"
           "  cpu      one domain's vCPU use: -w/-c on cpu_pct (100%% = all its vCPUs)\n"
           "  node     the host's free memory: -w/-c on mem_free_pct\n"
           "\n"
           "Options:\n"
           " -m, --mode=MODE          state, domains, mem, cpu or node\n"
           " -U, --uri=URI            hypervisor (default: virtmon's default URI)\n"
           " -d, --domain=DOMAIN      name, UUID or id (state, mem, cpu)\n"
           " -w, --warning=RANGE      warning range\n"
           " -c, --critical=RANGE     critical range\n"
           " -t, --timeout=SECONDS[:STATE]\n"
           "                          give up after SECONDS (default 10) with STATE\n"
           "                          (default UNKNOWN)\n"
           "     --expect=running|shutoff\n"
           "                          state: what is OK (default running)\n"
           "     --state-map=STATE=SEVERITY,...\n"
           "                          state: override single states (shutoff=warning)\n"
           "     --missing=SEVERITY   state: a domain that does not exist (CRITICAL)\n"
           "     --not-running        domains: -w/-c on the domains not running\n"
           "     --expect-running=a,b domains: CRITICAL naming each one not running\n"
           "     --units=%%|KB         mem: thresholds on mem_pct (%%) or mem_used (KB)\n"
           "     --interval=SECONDS   cpu: between two readings without a sample (1)\n"
           "     --state-dir=DIR      cpu: where the samples are kept\n"
           "     --raw                cpu: 100%% = one host core\n"
           " -v, --verbose            long output with details\n"
           " -V, --version            print the version and exit 3\n"
           " -h, --help               print this help and exit 3\n"
           "\n"
           "Ranges follow the monitoring-plugins guidelines: N (alert outside 0..N),\n"
           "N: (below N), ~:N (above N), N:M (outside N..M), @N:M (inside N..M);\n"
           "decimals and negatives allowed.  Values are compared exact and printed\n"
           "rounded.  Severities: OK, WARNING, CRITICAL, UNKNOWN, in any case.\n",
           cv_usage);
}

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

/* What the command line says, before it is checked as a whole. */
struct settings {
    struct cv_opts o;
    const char *base;               /* the program's name */
    const char *mode_arg, *warn, *crit, *state_map;
    size_t m;                       /* modes[m]: the mode (when o.mode is set) */
    int misplaced;                  /* the first option the mode does not take */
    long timeout;
};

/* The mode, before the options: from the name check_virt_MODE or
 * --mode, so that errors about the options can name it. */
static void find_mode(int argc, char **argv, struct settings *st)
{
    st->base = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
    if (strncmp(st->base, "check_virt_", 11) == 0)
        st->mode_arg = st->base + 11;
    for (int i = 1; i < argc; i++) {
        if (strncmp(argv[i], "--mode=", 7) == 0)
            st->mode_arg = argv[i] + 7;
        else if (strcmp(argv[i], "--mode") == 0 && i + 1 < argc)
            st->mode_arg = argv[i + 1];
    }
    for (st->m = 0; st->mode_arg && st->m < sizeof(modes) / sizeof(modes[0]); st->m++) {
        if (strcasecmp(modes[st->m].name, st->mode_arg) == 0) {
            st->o.mode = modes[st->m].name;
            break;
        }
    }
}

/* One option with a value to check (exits UNKNOWN on a bad one); the
 * OPT_ group it belongs to. */
static unsigned int value_option(int c, struct settings *st)
{
    struct cv_opts *o = &st->o;
    char *end;

    switch (c) {
    case 't': {
        enum cv_status status = CV_UNKNOWN;
        st->timeout = strtol(optarg, &end, 10);
        if (end == optarg || st->timeout < 1 || st->timeout > 3600 ||
            (*end && (*end != ':' || cv_status_parse(end + 1, &status) < 0)))
            cv_exit_unknown(o->mode, "-t takes SECONDS (1-3600) or SECONDS:STATE", cv_usage);
        timeout_status = (int)status;
        return 0;
    }
    case 'E':
        if (strcasecmp(optarg, "running") != 0 && strcasecmp(optarg, "shutoff") != 0)
            cv_exit_unknown(o->mode, "--expect takes running or shutoff", cv_usage);
        o->expect_shutoff = strcasecmp(optarg, "shutoff") == 0;
        return OPT_STATE;
    case 'X':
        if (cv_status_parse(optarg, &o->missing) < 0)
            cv_exit_unknown(o->mode, "--missing takes OK, WARNING, CRITICAL or UNKNOWN", cv_usage);
        return OPT_STATE;
    case 'u':
        if (strcasecmp(optarg, "KB") != 0 && strcmp(optarg, "%") != 0)
            cv_exit_unknown(o->mode, "--units takes % or KB", cv_usage);
        o->units_kb = strcasecmp(optarg, "KB") == 0;
        return OPT_UNITS;
    default: /* 'i' */
        o->interval = strtod(optarg, &end);
        /* decimals only: no hex, exponents or infinities from strtod */
        if (end == optarg || *end || strspn(optarg, "0123456789.") != strlen(optarg) ||
            o->interval < 0.1 || o->interval > 60)
            cv_exit_unknown(o->mode, "--interval takes SECONDS, 0.1 to 60", cv_usage);
        return OPT_CPU;
    }
}

/* The options into *st (exits UNKNOWN on an error, after --help and
 * --version). */
static void parse_options(int argc, char **argv, struct settings *st)
{
    struct cv_opts *o = &st->o;
    int c;

    opterr = 0;
    while ((c = getopt_long(argc, argv, "m:U:d:w:c:t:vVh", longopts, NULL)) != -1) {
        unsigned int opt = 0;
        switch (c) {
        case 'm': break;
        case 'U': o->uri = optarg; break;
        case 'd': o->domain = optarg; opt = OPT_DOMAIN; break;
        case 'w': st->warn = optarg; opt = OPT_THRESHOLDS; break;
        case 'c': st->crit = optarg; opt = OPT_THRESHOLDS; break;
        case 't': case 'E': case 'X': case 'u': case 'i': opt = value_option(c, st); break;
        case 'M': st->state_map = optarg; opt = OPT_STATE; break;
        case 'N': o->not_running = true; opt = OPT_DOMAINS; break;
        case 'R': o->expect_running = optarg; opt = OPT_DOMAINS; break;
        case 'S': o->state_dir = optarg; opt = OPT_CPU; break;
        case 'r': o->raw = true; opt = OPT_CPU; break;
        case 'v': o->verbose++; break;
        case 'V': version(st->base); exit(CV_UNKNOWN);
        case 'h': help(st->base); exit(CV_UNKNOWN);
        default: {
            VM_AUTOFREE char *msg = vm_asprintf("unknown option or missing argument '%s'",
                                                argv[optind - 1]);
            cv_exit_unknown(o->mode, msg, cv_usage);
        }
        }
        if (opt && !st->misplaced && o->mode && !(modes[st->m].opts & opt))
            st->misplaced = c;
    }
    if (optind < argc) {
        VM_AUTOFREE char *msg = vm_asprintf("unexpected argument '%s'", argv[optind]);
        cv_exit_unknown(o->mode, msg, cv_usage);
    }
}

/* The options as a whole: the mode, the ranges, the state map, what the
 * mode takes (exits UNKNOWN on an error). */
static void check_options(struct settings *st)
{
    struct cv_opts *o = &st->o;

    if (!st->mode_arg)
        cv_exit_unknown(NULL, "no mode: give --mode or run as check_virt_MODE", cv_usage);
    if (!o->mode) {
        VM_AUTOFREE char *msg = vm_asprintf("unknown mode '%s'", st->mode_arg);
        cv_exit_unknown(NULL, msg, cv_usage);
    }
    if (cv_range_parse(st->warn, &o->warn) < 0 || cv_range_parse(st->crit, &o->crit) < 0)
        cv_exit_unknown(o->mode, vm_error_message(), cv_usage);
    if (o->expect_shutoff) {
        o->state_map[VM_DOMAIN_SHUTOFF] = CV_OK;
        o->state_map[VM_DOMAIN_RUNNING] = o->state_map[VM_DOMAIN_BLOCKED] = CV_CRITICAL;
    }
    if (st->state_map && parse_state_map(st->state_map, o->state_map) < 0)
        cv_exit_unknown(o->mode, "--state-map takes STATE=SEVERITY,... (states: running, blocked, "
                                 "paused, shutdown, shutoff, crashed, pmsuspended, nostate)",
                        cv_usage);
    if (st->misplaced) {
        VM_AUTOFREE char *msg = NULL;
        const struct option *lo = longopts;
        while (lo->val != st->misplaced)
            lo++;
        if (strchr("dwc", st->misplaced))
            msg = vm_asprintf("-%c does not apply to the %s mode", st->misplaced, st->mode_arg);
        else
            msg = vm_asprintf("--%s does not apply to the %s mode", lo->name, st->mode_arg);
        cv_exit_unknown(o->mode, msg, cv_usage);
    }
    if (!o->domain && (modes[st->m].opts & OPT_DOMAIN))
        cv_exit_unknown(o->mode, "-d DOMAIN is required in this mode", cv_usage);
    if ((modes[st->m].opts & OPT_CPU) && o->interval >= (double)st->timeout)
        cv_exit_unknown(o->mode, "--interval must be shorter than -t", cv_usage);
}

int main(int argc, char **argv)
{
    struct settings st = {.o = {.missing = CV_CRITICAL, .interval = 1}, .timeout = 10};

    for (int s = 0; s < VM_DOMAIN_STATE_LAST; s++)
        st.o.state_map[s] = CV_WARNING;
    st.o.state_map[VM_DOMAIN_RUNNING] = st.o.state_map[VM_DOMAIN_BLOCKED] = CV_OK;
    st.o.state_map[VM_DOMAIN_SHUTOFF] = st.o.state_map[VM_DOMAIN_CRASHED] = CV_CRITICAL;
    st.o.state_map[VM_DOMAIN_NOSTATE] = CV_UNKNOWN;
    find_mode(argc, argv, &st);
    parse_options(argc, argv, &st);
    check_options(&st);
    /* the deadline: whatever hangs, the plugin answers */
    timeout_len = (size_t)snprintf(timeout_line, sizeof(timeout_line),
                                   "VIRT %s %s - no answer within %ld s\n", st.o.mode,
                                   cv_status_name(timeout_status), st.timeout);
    signal(SIGALRM, on_alarm);
    alarm((unsigned int)st.timeout);
    modes[st.m].run(&st.o);
    return CV_UNKNOWN;
}
