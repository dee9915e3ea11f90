/*
 * vm_host.h: facts about the machine we run on (for local drivers).
 */
#ifndef VM_HOST_H
#define VM_HOST_H

#include "virtmon.h"

/* Fills *info from /proc/cpuinfo, /proc/meminfo and sysfs. */
int vm_host_node_info(struct vm_node_info *info);

/* CPU times of one CPU or of all (VM_NODE_ALL) from /proc/stat: user
 * (with nice), system (with interrupts), idle, iowait, in ns. */
int vm_host_cpu_stats(int cpu, struct vm_node_cpu_stats *st);

/* Memory of the host (/proc/meminfo) or of one NUMA cell (its sysfs
 * meminfo): total, free, buffers, cached (KiB), those it gives. */
int vm_host_memory_stats(int cell, struct vm_node_memory_stats *st);

/* This machine's host name (caller frees). */
char *vm_host_name(void);

#endif /* VM_HOST_H */
