/*
 * virtmon_collector.c: virtmon-collector, which records one hypervisor's
 * domains and host into RRD files every step, directly or
 * through rrdcached.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "collector.h"
#include "util/vm_error.h"
#include "util/vm_log.h"

#define APP "virtmon-collector"

static volatile sig_atomic_t stopping;

static void on_stop(int sig)
{
    (void)sig;
    stopping = 1;
}

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: " APP " -c URI -d RRD_DIR [--step SECONDS] [--daemon ADDRESS] [--once] [-f]\n"
            "  -c, --connect URI     the hypervisor (default: the default URI)\n"
            "  -d, --dir RRD_DIR     where the RRD files live (one directory per host)\n"
            "      --step SECONDS    between samples, aligned to the wall clock (default 60)\n"
            "      --daemon ADDRESS  write through rrdcached (unix:PATH, HOST[:PORT]);\n"
            "                        default $RRDCACHED_ADDRESS, else the files directly\n"
            "      --once            one cycle now, then exit (0: all written)\n"
            "  -f, --foreground      stay in the foreground and log to stderr\n"
            "  -v, --verbose         log each cycle\n"
            "  -h, --help, -V, --version\n");
}

static double seconds(long s, long ns)
{
    return (double)s + (double)ns / 1e9;
}

/* Sleeps until the wall clock reaches t; false when asked to stop. */
static bool sleep_until(time_t t)
{
    struct timespec ts = {.tv_sec = t};

    while (!stopping) {
        int rc = clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &ts, NULL);
        if (rc == 0)
            return !stopping;
        if (rc != EINTR)
            return false;
    }
    return false;
}

struct settings {
    struct collector_opts o;
    bool once, foreground, verbose;
};

/* The command line into *st: 0, 1 after --help or --version (exit 0), or
 * the exit status of a usage error (2, said). */
static int parse_options(int argc, char **argv, struct settings *st)
{
    static const struct option longopts[] = {
        {"connect", required_argument, NULL, 'c'},
        {"dir", required_argument, NULL, 'd'},
        {"step", required_argument, NULL, 's'},
        {"daemon", required_argument, NULL, 'D'},
        {"once", no_argument, NULL, 'o'},
        {"foreground", no_argument, NULL, 'f'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    int c;

    *st = (struct settings){.o = {.step = 60, .daemon = getenv("RRDCACHED_ADDRESS")}};
    while ((c = getopt_long(argc, argv, "c:d:fvhV", longopts, NULL)) != -1) {
        char *end;
        unsigned long v;
        switch (c) {
        case 'c': st->o.uri = optarg; break;
        case 'd': st->o.dir = optarg; break;
        case 's':
            v = strtoul(optarg, &end, 10);
            if (end == optarg || *end || v < 1 || v > 86400) {
                fprintf(stderr, APP ": --step takes SECONDS, 1 to 86400\n");
                return 2;
            }
            st->o.step = (unsigned int)v;
            break;
        case 'D': st->o.daemon = optarg; break;
        case 'o': st->once = true; break;
        case 'f': st->foreground = true; break;
        case 'v': st->verbose = true; break;
        case 'h': usage(stdout); return 1;
        case 'V': printf(APP " %s\n", PACKAGE_VERSION); return 1;
        default: usage(stderr); return 2;
        }
    }
    if (optind < argc || !st->o.dir) {
        if (optind < argc)
            fprintf(stderr, APP ": unexpected argument '%s'\n", argv[optind]);
        else
            fprintf(stderr, APP ": -d RRD_DIR is required\n");
        usage(stderr);
        return 2;
    }
    return 0;
}

/* Detaches (unless in the foreground) and logs to syslog from then on;
 * SIGTERM and SIGINT stop the loop.  -1 after saying why. */
static int become_daemon(const struct settings *st)
{
    struct sigaction sa = {.sa_handler = on_stop};

    if (!st->foreground) {
        if (daemon(0, 0) < 0) {
            fprintf(stderr, APP ": cannot detach: %s\n", strerror(errno));
            return -1;
        }
        openlog(APP, LOG_PID, LOG_DAEMON);
        vm_log_set_output(vm_log_to_syslog, NULL, st->verbose ? VM_LOG_DEBUG : VM_LOG_INFO);
    }
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    return 0;
}

/* One cycle for the boundary at, logged with its wall and CPU time. */
static void timed_cycle(struct collector *col, time_t at)
{
    struct timespec t0, t1;
    struct rusage r0, r1;
    int rc;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    getrusage(RUSAGE_SELF, &r0);
    rc = collector_cycle(col, at);
    getrusage(RUSAGE_SELF, &r1);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    VM_DEBUG("cycle at %lld: %s in %.3f s, %.3f s CPU", (long long)at,
             rc == 0 ? "all written" : rc > 0 ? "some files failed" : "nothing collected",
             seconds(t1.tv_sec - t0.tv_sec, t1.tv_nsec - t0.tv_nsec),
             seconds(r1.ru_utime.tv_sec + r1.ru_stime.tv_sec - r0.ru_utime.tv_sec -
                         r0.ru_stime.tv_sec,
                     (r1.ru_utime.tv_usec + r1.ru_stime.tv_usec - r0.ru_utime.tv_usec -
                      r0.ru_stime.tv_usec) * 1000L));
}

/* Cycles until stopped: the first at once, on the current step's
 * boundary; then one on each boundary, so every file's samples line up
 * with the RRD step. */
static void run(struct collector *col, unsigned int step)
{
    time_t next = time(NULL) / step * step;

    while (!stopping) {
        time_t now;
        timed_cycle(col, next);
        now = time(NULL);
        next += step;
        if (next <= now) {
            /* the cycle overran: skip the boundaries it covered */
            VM_WARN("a cycle took longer than the step (%u s); skipping to the next boundary",
                    step);
            next = (now / step + 1) * step;
        }
        if (!sleep_until(next))
            break;
    }
}

int main(int argc, char **argv)
{
    struct settings st;
    struct collector *col;
    int rc;

    if ((rc = parse_options(argc, argv, &st)) != 0)
        return rc == 1 ? 0 : rc;
    /* until it has detached, what goes wrong is said on stderr */
    vm_log_set_output(vm_log_to_stderr, (void *)APP, st.verbose ? VM_LOG_DEBUG : VM_LOG_INFO);
    if (!(col = collector_new(&st.o))) {
        fprintf(stderr, APP ": %s\n", vm_error_message());
        return 1;
    }
    if (st.once) {
        rc = collector_cycle(col, time(NULL));
        collector_free(col);
        return rc == 0 ? 0 : 1;
    }
    if (become_daemon(&st) < 0) {
        collector_free(col);
        return 1;
    }
    VM_INFO("collecting from %s into %s every %u s%s%s", st.o.uri ? st.o.uri : "the default URI",
            st.o.dir, st.o.step, st.o.daemon && *st.o.daemon ? " through rrdcached at " : "",
            st.o.daemon && *st.o.daemon ? st.o.daemon : "");
    run(col, st.o.step);
    VM_INFO("stopping");
    collector_free(col);
    return 0;
}
