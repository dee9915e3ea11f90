/*
 * check_virt.h: what check_virt's modes share: the parsed options and the
 * connection.  Each mode is a function that ends the process through
 * cv_finish().
 */
#ifndef CHECK_VIRT_H
#define CHECK_VIRT_H

#include <stdbool.h>

#include "check_output.h"
#include "check_range.h"
#include "virtmon.h"

struct cv_opts {
    const char *mode;           /* "STATE", "DOMAINS", ... */
    const char *uri;            /* NULL: the default URI */
    const char *domain;         /* -d: name, UUID or id */
    struct cv_range warn, crit;
    bool expect_shutoff;        /* --expect=shutoff */
    enum cv_status state_map[VM_DOMAIN_STATE_LAST];   /* after --expect and --state-map */
    enum cv_status missing;     /* --missing */
    bool not_running;
    const char *expect_running; /* "a,b" */
    bool units_kb;              /* --units=KB: thresholds on KB, not % */
    double interval;            /* --interval: seconds between cpu samples */
    const char *state_dir;      /* --state-dir; NULL: the default */
    bool raw;                   /* --raw: cpu % of one host core */
    int verbose;
};

/* The usage line, for UNKNOWN answers to bad options. */
extern const char cv_usage[];

/* The connection for a mode; on failure exits UNKNOWN ("an unreachable
 * hypervisor is UNKNOWN"). */
struct vm_connect *cv_connect(const struct cv_opts *o);

/* The domain of -d on conn; when there is none (or the lookup fails) closes
 * conn and exits UNKNOWN, as every mode but state answers a missing domain. */
struct vm_domain *cv_domain(struct vm_connect *conn, const struct cv_opts *o);

/* Formats r and exits with its status.  r->text and r->long_output must be
 * NULL or malloc'ed: they are freed here, with dom and conn, so that
 * LeakSanitizer (which checks at exit) finds nothing. */
_Noreturn void cv_finish(const struct cv_result *r, struct vm_domain *dom,
                         struct vm_connect *conn);

/* A memory figure of kib out of total_kib, as the mem and node modes give
 * it: perf[0] the KB (max total_kib), perf[1] the total, perf[2] the
 * percentage, with -w/-c on the KB or the % as --units says.  labels name
 * the three.  Returns the status; the text's pieces in *fig. */
struct cv_memory_figure {
    struct cv_perf perf[3];
    char kib[32], total[32], pct[32];    /* "2.0 GiB", "8.0 GiB", "25" */
};
enum cv_status cv_memory_figure(const struct cv_opts *o, const char *const labels[3],
                                unsigned long long kib, unsigned long long total_kib,
                                struct cv_memory_figure *fig);

/* The modes. */
_Noreturn void cv_mode_state(const struct cv_opts *o);
_Noreturn void cv_mode_domains(const struct cv_opts *o);
_Noreturn void cv_mode_mem(const struct cv_opts *o);
_Noreturn void cv_mode_cpu(const struct cv_opts *o);
_Noreturn void cv_mode_node(const struct cv_opts *o);

#endif /* CHECK_VIRT_H */
