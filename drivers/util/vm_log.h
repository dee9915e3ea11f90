/*
 * vm_log.h: the library's logging.  The library never prints: messages go to
 * the output a tool installs (none by default).
 */
#ifndef VM_LOG_H
#define VM_LOG_H

#include <stdarg.h>

enum vm_log_priority {
    VM_LOG_DEBUG = 1,
    VM_LOG_INFO,
    VM_LOG_WARN,
    VM_LOG_ERROR,
};

typedef void (*vm_log_output_fn)(enum vm_log_priority prio, const char *file, int line,
                                 const char *msg, void *opaque);

/* Installs the output (NULL: none) and the lowest priority passed to it. */
void vm_log_set_output(vm_log_output_fn fn, void *opaque, enum vm_log_priority min);

/* Outputs for daemons: "APP: level: message" on standard error (opaque
 * is the program's name), or syslog (openlog() first; opaque unused). */
void vm_log_to_stderr(enum vm_log_priority prio, const char *file, int line, const char *msg,
                      void *opaque);
void vm_log_to_syslog(enum vm_log_priority prio, const char *file, int line, const char *msg,
                      void *opaque);

/* Parses "debug", "info", "warning"/"warn", "error" or 1-4; -1 when unknown. */
int vm_log_priority_parse(const char *s);

/* "debug", "info", "warning", "error". */
const char *vm_log_priority_name(enum vm_log_priority prio);

void vm_log_message(enum vm_log_priority prio, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#define VM_DEBUG(...) vm_log_message(VM_LOG_DEBUG, __FILE__, __LINE__, __VA_ARGS__)
#define VM_INFO(...) vm_log_message(VM_LOG_INFO, __FILE__, __LINE__, __VA_ARGS__)
#define VM_WARN(...) vm_log_message(VM_LOG_WARN, __FILE__, __LINE__, __VA_ARGS__)
#define VM_ERROR(...) vm_log_message(VM_LOG_ERROR, __FILE__, __LINE__, __VA_ARGS__)

#endif /* VM_LOG_H */
