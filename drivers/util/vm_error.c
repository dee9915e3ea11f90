#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vm_alloc.h"
#include "vm_error.h"
#include "vm_log.h"

static _Thread_local struct vm_error last_error;

/* A thread that exits with an error set would leak its message: a key with
 * a destructor frees it (the key's value is only a marker). */
static pthread_key_t error_key;
static pthread_once_t error_key_once = PTHREAD_ONCE_INIT;

static void error_thread_exit(void *value)
{
    struct vm_error *e = value;

    free(e->message);
    e->message = NULL;
}

static void error_key_init(void)
{
    pthread_key_create(&error_key, error_thread_exit);
}

static const char *const code_names[VM_ERR_LAST] = {
    [VM_ERR_OK] = "ok",
    [VM_ERR_INTERNAL] = "internal",
    [VM_ERR_NO_DOMAIN] = "no-domain",
    [VM_ERR_INVALID_ARG] = "invalid-arg",
    [VM_ERR_XML] = "xml",
    [VM_ERR_OPERATION_INVALID] = "operation-invalid",
    [VM_ERR_OPERATION_FAILED] = "operation-failed",
    [VM_ERR_NOT_SUPPORTED] = "not-supported",
    [VM_ERR_READ_ONLY] = "read-only",
    [VM_ERR_AUTH] = "auth",
    [VM_ERR_TLS] = "tls",
    [VM_ERR_TIMEOUT] = "timeout",
    [VM_ERR_SYSTEM] = "system",
    [VM_ERR_CONNECTION_LOST] = "connection-lost",
    [VM_ERR_INVALID_URI] = "invalid-uri",
    [VM_ERR_NO_DRIVER] = "no-driver",
    [VM_ERR_CONFIG] = "config",
    [VM_ERR_DOMAIN_EXISTS] = "domain-exists",
    [VM_ERR_PROTOCOL] = "protocol",
    [VM_ERR_OVERFLOW] = "overflow",
};

const char *vm_error_code_name(enum vm_error_code code)
{
    if ((int)code < 0 || code >= VM_ERR_LAST)
        return "unknown";
    return code_names[code];
}

const struct vm_error *vm_error_last(void)
{
    return last_error.code == VM_ERR_OK ? NULL : &last_error;
}

const char *vm_error_message(void)
{
    if (last_error.code == VM_ERR_OK || !last_error.message)
        return "an unknown error occurred";
    return last_error.message;
}

enum vm_error_code vm_error_code(void)
{
    return last_error.code;
}

void vm_error_reset(void)
{
    free(last_error.message);
    memset(&last_error, 0, sizeof(last_error));
}

static void vm_error_set(const char *file, const char *func, int line, enum vm_error_code code,
                         char *message)
{
    vm_error_reset();
    pthread_once(&error_key_once, error_key_init);
    if (!pthread_getspecific(error_key))
        pthread_setspecific(error_key, &last_error);
    last_error.code = code;
    last_error.message = message;
    last_error.file = file;
    last_error.func = func;
    last_error.line = line;
}

void vm_report_error_full(const char *file, const char *func, int line, enum vm_error_code code,
                          const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vm_error_set(file, func, line, code, vm_vasprintf(fmt, ap));
    va_end(ap);
}

void vm_report_system_error_full(const char *file, const char *func, int line, int errnum,
                                 const char *fmt, ...)
{
    va_list ap;
    char *msg;
    char *full;
    char ebuf[256];
    const char *etext;

    va_start(ap, fmt);
    msg = vm_vasprintf(fmt, ap);
    va_end(ap);
    /* GNU strerror_r: net-snmp's headers force _GNU_SOURCE on us anyway. */
    etext = strerror_r(errnum, ebuf, sizeof(ebuf));
    full = vm_asprintf("%s: %s", msg, etext);
    free(msg);
    vm_error_set(file, func, line, VM_ERR_SYSTEM, full);
}

struct vm_error *vm_error_save(void)
{
    struct vm_error *saved;

    VM_NEW(saved);
    *saved = last_error;
    memset(&last_error, 0, sizeof(last_error));
    return saved;
}

void vm_error_restore(struct vm_error *saved)
{
    if (!saved)
        return;
    vm_error_reset();
    last_error = *saved;
    free(saved);
}

/* Drops the error of an optional call, saying so at debug. */
static void drop_optional(const char *what)
{
    if (vm_error_code() != VM_ERR_OK)
        VM_DEBUG("%s: %s (optional: going on)", what, vm_error_message());
    vm_error_reset();
}

int vm_optional_int(int result, const char *what)
{
    drop_optional(what);
    return result;
}

void *vm_optional_ptr(void *result, const char *what)
{
    drop_optional(what);
    return result;
}

char *vm_error_take(void)
{
    char *message = vm_strdup(vm_error_message());

    vm_error_reset();
    return message;
}
