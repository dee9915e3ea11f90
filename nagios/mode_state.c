/*
 * mode_state.c: check_virt --mode=state: one domain's state against what
 * is expected of it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_virt.h"
#include "util/vm_alloc.h"
#include "util/vm_error.h"

_Noreturn void cv_mode_state(const struct cv_opts *o)
{
    struct vm_connect *conn = cv_connect(o);
    struct vm_domain *dom = vm_domain_lookup(conn, o->domain);
    int state = VM_DOMAIN_NOSTATE, reason = 0;
    struct cv_perf perf = {.label = "state", .uom = "", .has_min = true, .min = 0,
                           .has_max = true, .max = VM_DOMAIN_STATE_LAST - 1};
    struct cv_result r = {.mode = o->mode, .status = CV_UNKNOWN};
    struct vm_domain_stats *st = NULL;

    if (!dom && vm_error_code() == VM_ERR_NO_DOMAIN) {
        r.text = vm_asprintf("domain '%s' not found", o->domain);
        r.status = o->missing;
    } else if (!dom || !(st = vm_domain_get_stats(dom, 0))) {
        r.text = vm_strdup(vm_error_message());
    } else if (st->control != VM_DOMAIN_CONTROL_OK) {
        /* its last known state is no answer: the check cannot tell */
        state = st->state;
        r.text = vm_asprintf("%s: monitor not responding (last known state: %s)",
                             vm_domain_get_name(dom), vm_domain_state_name(state));
        r.status = CV_UNKNOWN;
    } else {
        /* the reason when the driver knows one ("shut off (destroyed)") */
        const char *why;
        state = st->state;
        reason = st->reason;
        why = vm_domain_reason_name(state, reason);
        if (why && strcmp(why, "unknown") != 0)
            r.text = vm_asprintf("%s is %s (%s)", vm_domain_get_name(dom),
                                 vm_domain_state_name(state), why);
        else
            r.text = vm_asprintf("%s is %s", vm_domain_get_name(dom), vm_domain_state_name(state));
        perf.value = state;
        r.status = state >= 0 && state < VM_DOMAIN_STATE_LAST ? o->state_map[state] : CV_UNKNOWN;
        r.perf = &perf;
        r.nperf = 1;
        if (o->verbose) {
            char uuid[VM_UUID_STRING_BUFLEN] = "";
            vm_domain_get_uuid_string(dom, uuid);
            r.long_output = vm_asprintf("uuid %s, id %d, on %s", uuid, vm_domain_get_id(dom),
                                        vm_connect_get_uri(conn));
        }
    }
    vm_domain_stats_free(st);
    cv_finish(&r, dom, conn);
}
