#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "vm_alloc.h"
#include "vm_log.h"

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static vm_log_output_fn log_output;
static void *log_opaque;
static enum vm_log_priority log_min = VM_LOG_WARN;

void vm_log_set_output(vm_log_output_fn fn, void *opaque, enum vm_log_priority min)
{
    pthread_mutex_lock(&log_lock);
    log_output = fn;
    log_opaque = opaque;
    log_min = min;
    pthread_mutex_unlock(&log_lock);
}

int vm_log_priority_parse(const char *s)
{
    static const struct {
        const char *name;
        enum vm_log_priority prio;
    } names[] = {
        {"debug", VM_LOG_DEBUG}, {"1", VM_LOG_DEBUG}, {"info", VM_LOG_INFO},
        {"2", VM_LOG_INFO},      {"warning", VM_LOG_WARN}, {"warn", VM_LOG_WARN},
        {"3", VM_LOG_WARN},      {"error", VM_LOG_ERROR}, {"4", VM_LOG_ERROR},
    };

    for (size_t i = 0; s && i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcasecmp(s, names[i].name) == 0)
            return names[i].prio;
    }
    return -1;
}

const char *vm_log_priority_name(enum vm_log_priority prio)
{
    switch (prio) {
    case VM_LOG_DEBUG: return "debug";
    case VM_LOG_INFO: return "info";
    case VM_LOG_WARN: return "warning";
    case VM_LOG_ERROR: return "error";
    }
    return "unknown";
}

void vm_log_message(enum vm_log_priority prio, const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    char *msg;
    vm_log_output_fn fn;
    void *opaque;

    pthread_mutex_lock(&log_lock);
    fn = log_output;
    opaque = log_opaque;
    if (prio < log_min)
        fn = NULL;
    pthread_mutex_unlock(&log_lock);
    if (!fn)
        return;
    va_start(ap, fmt);
    msg = vm_vasprintf(fmt, ap);
    va_end(ap);
    fn(prio, file, line, msg, opaque);
    free(msg);
}

void vm_log_to_stderr(enum vm_log_priority prio, const char *file, int line, const char *msg,
                      void *opaque)
{
    (void)file, (void)line;
    fprintf(stderr, "%s: %s: %s\n", (const char *)opaque, vm_log_priority_name(prio), msg);
}

void vm_log_to_syslog(enum vm_log_priority prio, const char *file, int line, const char *msg,
                      void *opaque)
{
    static const int level[] = {LOG_DEBUG, LOG_DEBUG, LOG_INFO, LOG_WARNING, LOG_ERR};

    (void)file, (void)line, (void)opaque;
    syslog(level[prio], "%s", msg);
}
