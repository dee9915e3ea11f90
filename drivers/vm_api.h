/*
 * vm_api.h: what the public wrappers share (internal to libvirtmon).
 */
#ifndef VM_API_H
#define VM_API_H

#include <stdbool.h>

#include "virtmon.h"

/* Clears the error, then fails (reported) when conn is NULL, when a mutating
 * op meets a read-only connection, or when the driver lacks the op. */
int vm_api_check_conn(struct vm_connect *conn, const char *op, bool mutating, bool supported);

void vm_connect_ref(struct vm_connect *conn);
void vm_connect_unref(struct vm_connect *conn);

#endif /* VM_API_H */
