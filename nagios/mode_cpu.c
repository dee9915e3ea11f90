/*
 * mode_cpu.c: check_virt --mode=cpu: how busy one domain's vCPUs are.
 * CPU time is a counter, so a percentage needs two readings: the previous
 * run's, kept in the state directory, or, when there is no usable one, two
 * taken --interval apart now.  A source that reports utilisation itself
 * (XenAPI) is used as is.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check_virt.h"
#include "cpu_sample.h"
#include "util/vm_alloc.h"
#include "util/vm_buf.h"
#include "util/vm_error.h"

/* An older sample would average over too long to mean "now". */
#define SAMPLE_MAX_AGE_NS (600ULL * 1000000000ULL)

static uint64_t realtime_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* The domain's stats and when they were read (the middle of the call, so
 * the call's own length does not skew the interval). */
static struct vm_domain_stats *read_sample(struct vm_domain *dom, struct cv_cpu_sample *s)
{
    uint64_t before = realtime_ns();
    struct vm_domain_stats *st = vm_domain_get_stats(dom, 0);

    if (st) {
        s->time_ns = before + (realtime_ns() - before) / 2;
        s->cpu_time_ns = st->cpu_time_ns;
        s->id = st->id;
        /* "100 % = all its vCPUs busy" is about the vCPU threads: QEMU's
         * own (I/O, the main loop) would push a busy guest past 100 % */
        if (st->vcpu_time_ns && st->nvcpu_times) {
            s->cpu_time_ns = 0;
            for (size_t i = 0; i < st->nvcpu_times; i++)
                s->cpu_time_ns += st->vcpu_time_ns[i];
        }
    }
    return st;
}

/* Whether then..now is a usable measurement of one run of the domain. */
static bool usable(const struct cv_cpu_sample *then, const struct cv_cpu_sample *now,
                   uint64_t min_age_ns)
{
    return then->id == now->id && then->cpu_time_ns <= now->cpu_time_ns &&
           now->time_ns > then->time_ns && now->time_ns - then->time_ns >= min_age_ns &&
           now->time_ns - then->time_ns <= SAMPLE_MAX_AGE_NS;
}

static void sleep_s(double seconds)
{
    struct timespec ts = {.tv_sec = (time_t)seconds,
                          .tv_nsec = (long)((seconds - (double)(time_t)seconds) * 1e9)};

    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
    }
}

_Noreturn void cv_mode_cpu(const struct cv_opts *o)
{
    struct vm_connect *conn = cv_connect(o);
    struct vm_domain *dom = cv_domain(conn, o);
    struct cv_result r = {.mode = o->mode, .status = CV_UNKNOWN};
    struct cv_cpu_sample then = {0}, now = {0};
    struct vm_domain_stats *st = read_sample(dom, &now);
    struct vm_buf details = VM_BUF_INIT;
    /* not VM_AUTOFREE: cv_finish() exits, and exit() runs no cleanups */
    char *dir = NULL, *path = NULL, *over = NULL;
    char uuid[VM_UUID_STRING_BUFLEN], pcts[32];
    const char *uri = vm_connect_get_uri(conn);
    double pct, exact, vcpus;
    /* a sample younger than this says more about timer jitter than the guest */
    uint64_t min_age_ns = (uint64_t)(fmin(o->interval, 1.0) * 1e9);

    if (!st) {
        r.text = vm_strdup(vm_error_message());
        cv_finish(&r, dom, conn);
    }
    vcpus = st->vcpus ? st->vcpus : 1;
    vm_uuid_format(st->uuid, uuid);
    if (!isnan(st->cpu_util_pct)) {
        pct = st->cpu_util_pct;
        over = vm_strdup(" as the hypervisor reports it");
    } else if (st->id < 0) {
        /* nothing runs, so nothing to sample: honestly 0 */
        pct = 0;
        over = vm_strdup("");
    } else {
        dir = o->state_dir ? vm_strdup(o->state_dir) : cv_cpu_sample_dir();
        path = dir ? cv_cpu_sample_path(dir, uri, uuid) : NULL;
        if (path && cv_cpu_sample_load(path, uri, uuid, &then) == 0 &&
            usable(&then, &now, min_age_ns)) {
            over = vm_asprintf(" since the check %.0f s ago", (double)(now.time_ns - then.time_ns) / 1e9);
        } else {
            then = now;
            vm_domain_stats_free(st);
            sleep_s(o->interval);
            if (!(st = read_sample(dom, &now)) || !usable(&then, &now, 0)) {
                r.text = st ? vm_asprintf("%s stopped or restarted while being measured",
                                          vm_domain_get_name(dom))
                            : vm_strdup(vm_error_message());
                vm_domain_stats_free(st);
                free(dir);
                free(path);
                vm_buf_clear(&details);
                cv_finish(&r, dom, conn);
            }
            over = vm_asprintf(" over %.1f s", (double)(now.time_ns - then.time_ns) / 1e9);
        }
        pct = 100.0 * (double)(now.cpu_time_ns - then.cpu_time_ns) /
              (double)(now.time_ns - then.time_ns) / vcpus;
        if (o->verbose)
            vm_buf_addf(&details, "cpu time %llu ns to %llu ns in %.3f s\n",
                        (unsigned long long)then.cpu_time_ns, (unsigned long long)now.cpu_time_ns,
                        (double)(now.time_ns - then.time_ns) / 1e9);
        if (!path || cv_cpu_sample_save(path, uri, uuid, &now) < 0)
            vm_buf_addf(&details, "sample not saved, so the next check measures for %g s: %s\n",
                        o->interval, vm_error_message());
        else if (o->verbose)
            vm_buf_addf(&details, "sample saved in %s\n", path);
    }
    /* Busy vCPUs cannot do more than 100 %: a reading above it is the
     * clocks' jitter (the two readings are not taken at exactly the times
     * measured), not load.  normalised: 100 % = every vCPU busy; raw:
     * 100 % = one host core. */
    pct = fmin(pct, 100);
    exact = o->raw ? pct * vcpus : pct;
    /* thresholds see the exact value; the output shows it rounded */
    pct = cv_round(exact, 2);
    struct cv_perf perf = {.label = "cpu_pct", .value = pct, .uom = "%", .warn = &o->warn,
                           .crit = &o->crit, .has_min = true, .has_max = true,
                           .max = o->raw ? 100 * vcpus : 100};
    r.status = cv_status_of(exact, &o->warn, &o->crit);
    cv_format_number(pcts, sizeof(pcts), pct);
    r.text = vm_asprintf(o->raw ? "%s%s%s%s uses %s%% of a host core (%.0f vCPU%s)%s"
                                : "%s%s%s%s uses %s%% of its %.0f vCPU%s%s",
                         vm_domain_get_name(dom), st->state == VM_DOMAIN_RUNNING ? "" : " (",
                         st->state == VM_DOMAIN_RUNNING ? "" : vm_domain_state_name(st->state),
                         st->state == VM_DOMAIN_RUNNING ? "" : ")", pcts, vcpus,
                         vcpus == 1 ? "" : "s", over);
    free(dir);
    free(path);
    free(over);
    r.long_output = details.len ? vm_buf_steal(&details) : NULL;
    r.perf = &perf;
    r.nperf = 1;
    vm_domain_stats_free(st);
    cv_finish(&r, dom, conn);
}
