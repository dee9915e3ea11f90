/*
 * check_virt.h: what check_virt's modes share: the parsed options and the
 * connection.  Each mode is a function that ends the process through
 * cv_exit().
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
    int verbose;
};

/* The usage line, for UNKNOWN answers to bad options. */
extern const char cv_usage[];

/* The connection for a mode; on failure exits UNKNOWN ("an unreachable
 * hypervisor is UNKNOWN"). */
struct vm_connect *cv_connect(const struct cv_opts *o);

/* The modes. */
_Noreturn void cv_mode_state(const struct cv_opts *o);
_Noreturn void cv_mode_domains(const struct cv_opts *o);

#endif /* CHECK_VIRT_H */
