/*
 * vm_error.h: reporting into the per-thread error of virtmon.h.
 *
 * Report once, where the failure happens, then return -1/NULL; callers
 * propagate without reporting again.
 */
#ifndef VM_ERROR_H
#define VM_ERROR_H

#include "virtmon.h"

void vm_report_error_full(const char *file, const char *func, int line, enum vm_error_code code,
                          const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void vm_report_system_error_full(const char *file, const char *func, int line, int errnum,
                                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Records code and a formatted message (a whole sentence, values quoted). */
#define vm_report_error(code, ...) \
    vm_report_error_full(__FILE__, __func__, __LINE__, (code), __VA_ARGS__)

/* As vm_report_error with code VM_ERR_SYSTEM and ": strerror(errnum)" added. */
#define vm_report_system_error(errnum, ...) \
    vm_report_system_error_full(__FILE__, __func__, __LINE__, (errnum), __VA_ARGS__)

/* Reports invalid-arg and returns retval when flags has bits outside
 * supported: every operation takes flags from day one and refuses unknown
 * ones rather than ignoring them. */
#define VM_CHECK_FLAGS(flags, supported, retval)                                       \
    do {                                                                               \
        unsigned int vm_unknown_flags_ = (flags) & ~(unsigned int)(supported);         \
        if (vm_unknown_flags_) {                                                       \
            vm_report_error(VM_ERR_INVALID_ARG, "%s: unsupported flags 0x%x", __func__, \
                            vm_unknown_flags_);                                        \
            return retval;                                                             \
        }                                                                              \
    } while (0)

/* For a call whose failure is no error where it is made (a guest agent
 * that does not answer, a driver without events): its result passed
 * through, its error dropped (logged at debug, prefixed with what). */
int vm_optional_int(int result, const char *what);
void *vm_optional_ptr(void *result, const char *what);

/* The thread's error message, taken: the caller owns it (free()) and the
 * error is cleared.  For a caller that says the same thing in its own words
 * ("<memory>: ..." at its line).  Never NULL. */
char *vm_error_take(void);

/* Saves the thread's error (to survive cleanup calls that may reset it) and
 * puts it back.  The saved copy is owned by the caller until restored. */
struct vm_error *vm_error_save(void);
void vm_error_restore(struct vm_error *saved);

#endif /* VM_ERROR_H */
