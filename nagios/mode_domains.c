/*
 * mode_domains.c: check_virt --mode=domains: how many domains run, and
 * whether the ones that must run do.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "check_virt.h"
#include "util/vm_alloc.h"
#include "util/vm_buf.h"

static int by_name(const void *a, const void *b)
{
    const struct vm_domain_stats *const *x = a, *const *y = b;

    return strcmp((*x)->name, (*y)->name);
}

_Noreturn void cv_mode_domains(const struct cv_opts *o)
{
    struct vm_connect *conn = cv_connect(o);
    struct vm_domain_stats **st = NULL;
    int n = vm_connect_get_all_domain_stats(conn, &st, 0);
    double running = 0, paused = 0, shutoff = 0, other = 0, counted;
    struct vm_buf text = VM_BUF_INIT, missing = VM_BUF_INIT, others = VM_BUF_INIT;
    struct cv_result r = {.mode = o->mode};

    if (n < 0) {
        r.status = CV_UNKNOWN;
        r.text = vm_strdup(vm_error_message());
        cv_finish(&r, NULL, conn);
    }
    /* sorted, so -v lists the domains in the same order every run */
    qsort(st, (size_t)n, sizeof(*st), by_name);
    for (int i = 0; i < n; i++) {
        if (st[i]->control != VM_DOMAIN_CONTROL_OK) {
            /* a QEMU that does not answer is not known to run */
            other++;
            if (o->verbose)
                vm_buf_addf(&others, "%s: monitor not responding (last known state: %s)\n",
                            st[i]->name, vm_domain_state_name(st[i]->state));
            continue;
        }
        switch (st[i]->state) {
        case VM_DOMAIN_RUNNING:
        case VM_DOMAIN_BLOCKED: running++; continue;
        case VM_DOMAIN_PAUSED: paused++; break;
        case VM_DOMAIN_SHUTOFF: shutoff++; break;
        default: other++; break;
        }
        if (o->verbose)
            vm_buf_addf(&others, "%s is %s\n", st[i]->name, vm_domain_state_name(st[i]->state));
    }
    counted = o->not_running ? n - running : running;
    r.status = cv_status_of(counted, &o->warn, &o->crit);
    vm_buf_addf(&text, "%.0f running, %.0f paused, %.0f shut off, %.0f other, %d in all",
                running, paused, shutoff, other, n);
    if (o->expect_running) {
        VM_AUTOFREE char *list = vm_strdup(o->expect_running);
        char *save = NULL;
        for (char *name = strtok_r(list, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
            int i;
            for (i = 0; i < n && strcmp(st[i]->name, name) != 0; i++) {
            }
            if (i < n && st[i]->control == VM_DOMAIN_CONTROL_OK &&
                vm_domain_state_is_running(st[i]->state))
                continue;
            vm_buf_addf(&missing, "%s%s (%s)", missing.len ? ", " : "", name,
                        i >= n                                  ? "not defined"
                        : st[i]->control != VM_DOMAIN_CONTROL_OK ? "monitor not responding"
                                                                 : vm_domain_state_name(st[i]->state));
        }
        if (missing.len) {
            vm_buf_addf(&text, ", not running: %s", vm_buf_str(&missing));
            r.status = CV_CRITICAL;
        }
    }
    struct cv_perf perf[] = {
        {.label = "running", .value = running, .uom = "", .warn = o->not_running ? NULL : &o->warn,
         .crit = o->not_running ? NULL : &o->crit, .has_min = true},
        {.label = "paused", .value = paused, .uom = "", .has_min = true},
        {.label = "shutoff", .value = shutoff, .uom = "", .has_min = true},
        {.label = "other", .value = other, .uom = "", .has_min = true},
        {.label = "total", .value = n, .uom = "", .has_min = true},
    };
    r.text = vm_buf_steal(&text);
    r.long_output = others.len ? vm_buf_steal(&others) : NULL;
    r.perf = perf;
    r.nperf = 5;
    vm_buf_clear(&missing);
    vm_domain_stats_list_free(st, (size_t)n);
    cv_finish(&r, NULL, conn);
}
