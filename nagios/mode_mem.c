/*
 * mode_mem.c: check_virt --mode=mem: one domain's memory against its
 * maximum.  "Used" is the memory the domain holds now (the balloon's
 * current size), as `virtmon dominfo` shows it: what the host gives the
 * guest, not what the guest's own processes use.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "check_virt.h"
#include "util/vm_alloc.h"
#include "util/vm_error.h"

_Noreturn void cv_mode_mem(const struct cv_opts *o)
{
    struct vm_connect *conn = cv_connect(o);
    struct vm_domain *dom = cv_domain(conn, o);
    struct vm_domain_info info;
    struct cv_result r = {.mode = o->mode, .status = CV_UNKNOWN};
    static const char *const labels[3] = {"mem_used", "mem_max", "mem_pct"};
    struct cv_memory_figure fig;

    if (vm_domain_get_info(dom, &info, 0) < 0) {
        r.text = vm_strdup(vm_error_message());
        cv_finish(&r, dom, conn);
    }
    r.status = cv_memory_figure(o, labels, info.cur_mem_kib, info.max_mem_kib, &fig);
    r.text = vm_asprintf("%s %s %s of its %s maximum (%s%%)", vm_domain_get_name(dom),
                         info.state == VM_DOMAIN_SHUTOFF ? "is shut off and would start with"
                                                         : "has",
                         fig.kib, fig.total, fig.pct);
    if (o->verbose)
        r.long_output = vm_asprintf("current %llu KiB, maximum %llu KiB, %u vCPU%s, %s",
                                    (unsigned long long)info.cur_mem_kib,
                                    (unsigned long long)info.max_mem_kib, info.vcpus,
                                    info.vcpus == 1 ? "" : "s",
                                    vm_domain_state_name(info.state));
    r.perf = fig.perf;
    r.nperf = 3;
    cv_finish(&r, dom, conn);
}
