/*
 * mode_node.c: check_virt --mode=node: the host's free memory (what new or
 * growing guests can still get) and how many domains run on it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "check_virt.h"
#include "util/vm_alloc.h"
#include "util/vm_error.h"

_Noreturn void cv_mode_node(const struct cv_opts *o)
{
    struct vm_connect *conn = cv_connect(o);
    struct vm_node_info info = {0};
    struct vm_domain_stats **st = NULL;
    struct cv_result r = {.mode = o->mode, .status = CV_UNKNOWN};
    static const char *const labels[3] = {"mem_free", "mem_total", "mem_free_pct"};
    struct cv_memory_figure fig;
    double running = 0;
    int n;

    if (vm_node_get_info(conn, &info, 0) < 0 ||
        (n = vm_connect_get_all_domain_stats(conn, &st, 0)) < 0) {
        r.text = vm_strdup(vm_error_message());
        vm_node_info_clear(&info);
        cv_finish(&r, NULL, conn);
    }
    for (int i = 0; i < n; i++)
        running += vm_domain_state_is_running(st[i]->state);
    vm_domain_stats_list_free(st, (size_t)n);

    r.status = cv_memory_figure(o, labels, info.free_memory_kib, info.memory_kib, &fig);
    struct cv_perf perf[] = {
        fig.perf[0], fig.perf[1], fig.perf[2],
        {.label = "running", .value = running, .uom = "", .has_min = true},
    };
    r.text = vm_asprintf("%s of %s free (%s%%), %.0f of %d domains running", fig.kib,
                         fig.total, fig.pct, running, n);
    if (o->verbose)
        r.long_output = vm_asprintf("%s: %u CPUs (%s, %u MHz), %llu KiB of %llu KiB free",
                                    vm_connect_get_uri(conn), info.cpus,
                                    info.cpu_model ? info.cpu_model : "unknown model", info.mhz,
                                    (unsigned long long)info.free_memory_kib,
                                    (unsigned long long)info.memory_kib);
    r.perf = perf;
    r.nperf = 4;
    vm_node_info_clear(&info);
    cv_finish(&r, NULL, conn);
}
