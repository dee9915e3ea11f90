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

static void log_to_stderr(enum vm_log_priority prio, const char *file, int line,
                          const char *msg, void *opaque)
{
    (void)file, (void)line, (void)opaque;
    fprintf(stderr, APP ": %s: %s\n", vm_log_priority_name(prio), msg);
}

static void log_to_syslog(enum vm_log_priority prio, const char *file, int line,
                          const char *msg, void *opaque)
{
    static const int level[] = {LOG_DEBUG, LOG_DEBUG, LOG_INFO, LOG_WARNING, LOG_ERR};

    (void)file, (void)line, (void)opaque;
    syslog(level[prio], "%s", msg);
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

int main(int argc, char **argv)
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
    struct collector_opts o = {.step = 60, .daemon = getenv("RRDCACHED_ADDRESS")};
    struct sigaction sa = {.sa_handler = on_stop};
    bool once = false, foreground = false, verbose = false;
    struct collector *col;
    time_t next;
    int c, rc = 0;

    while ((c = getopt_long(argc, argv, "c:d:fvhV", longopts, NULL)) != -1) {
        char *end;
        unsigned long v;
        switch (c) {
        case 'c': o.uri = optarg; break;
        case 'd': o.dir = optarg; break;
        case 's':
            v = strtoul(optarg, &end, 10);
            if (end == optarg || *end || v < 1 || v > 86400) {
                fprintf(stderr, APP ": --step takes SECONDS, 1 to 86400\n");
                return 2;
            }
            o.step = (unsigned int)v;
            break;
        case 'D': o.daemon = optarg; break;
        case 'o': once = true; break;
        case 'f': foreground = true; break;
        case 'v': verbose = true; break;
        case 'h': usage(stdout); return 0;
        case 'V': printf(APP " %s\n", PACKAGE_VERSION); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind < argc || !o.dir) {
        if (optind < argc)
            fprintf(stderr, APP ": unexpected argument '%s'\n", argv[optind]);
        else
            fprintf(stderr, APP ": -d RRD_DIR is required\n");
        usage(stderr);
        return 2;
    }
    /* until it has detached, what goes wrong is said on stderr */
    vm_log_set_output(log_to_stderr, NULL, verbose ? VM_LOG_DEBUG : VM_LOG_INFO);
    if (!(col = collector_new(&o))) {
        fprintf(stderr, APP ": %s\n", vm_error_message());
        return 1;
    }
    if (once) {
        rc = collector_cycle(col, time(NULL));
        collector_free(col);
        return rc == 0 ? 0 : 1;
    }
    if (!foreground) {
        if (daemon(0, 0) < 0) {
            fprintf(stderr, APP ": cannot detach: %s\n", strerror(errno));
            collector_free(col);
            return 1;
        }
        openlog(APP, LOG_PID, LOG_DAEMON);
        vm_log_set_output(log_to_syslog, NULL, verbose ? VM_LOG_DEBUG : VM_LOG_INFO);
    }
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    VM_INFO("collecting from %s into %s every %u s%s%s", o.uri ? o.uri : "the default URI", o.dir,
            o.step, o.daemon && *o.daemon ? " through rrdcached at " : "",
            o.daemon && *o.daemon ? o.daemon : "");

    /* the first cycle at once, on the current step's boundary; then one on
     * each boundary, so every file's samples line up with the RRD step */
    next = time(NULL) / o.step * o.step;
    while (!stopping) {
        time_t now;
        struct timespec t0, t1;
        struct rusage r0, r1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        getrusage(RUSAGE_SELF, &r0);
        rc = collector_cycle(col, next);
        getrusage(RUSAGE_SELF, &r1);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        VM_DEBUG("cycle at %lld: %s in %.3f s, %.3f s CPU", (long long)next,
                 rc == 0 ? "all written" : rc > 0 ? "some files failed" : "nothing collected",
                 seconds(t1.tv_sec - t0.tv_sec, t1.tv_nsec - t0.tv_nsec),
                 seconds(r1.ru_utime.tv_sec + r1.ru_stime.tv_sec - r0.ru_utime.tv_sec -
                             r0.ru_stime.tv_sec,
                         (r1.ru_utime.tv_usec + r1.ru_stime.tv_usec - r0.ru_utime.tv_usec -
                          r0.ru_stime.tv_usec) * 1000L));
        now = time(NULL);
        next += o.step;
        if (next <= now) {
            /* the cycle overran: skip the boundaries it covered */
            VM_WARN("a cycle took longer than the step (%u s); skipping to the next boundary",
                    o.step);
            next = (now / o.step + 1) * o.step;
        }
        if (!sleep_until(next))
            break;
    }
    VM_INFO("stopping");
    collector_free(col);
    return 0;
}
