/*
 * vm_host.h: facts about the machine we run on (for local drivers).
 */
#ifndef VM_HOST_H
#define VM_HOST_H

#include "virtmon.h"

/* Fills *info from /proc/cpuinfo, /proc/meminfo and sysfs. */
int vm_host_node_info(struct vm_node_info *info);

/* This machine's host name (caller frees). */
char *vm_host_name(void);

#endif /* VM_HOST_H */
