#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vm_alloc.h"
#include "vm_error.h"
#include "vm_host.h"

char *vm_host_name(void)
{
    char buf[256];

    if (gethostname(buf, sizeof(buf)) < 0) {
        vm_report_system_error(errno, "cannot get the host name");
        return NULL;
    }
    buf[sizeof(buf) - 1] = '\0';
    return vm_strdup(buf);
}

/* The value after "key<spaces>:" in a /proc file, or NULL (caller frees). */
static char *proc_value(const char *path, const char *key)
{
    FILE *f = fopen(path, "r");
    char line[512];
    size_t klen = strlen(key);
    char *result = NULL;

    if (!f)
        return NULL;
    while (!result && fgets(line, sizeof(line), f)) {
        char *p = line + klen;
        if (strncmp(line, key, klen) != 0)
            continue;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p != ':')
            continue;
        p++;
        while (*p == ' ' || *p == '\t')
            p++;
        p[strcspn(p, "\n")] = '\0';
        result = vm_strdup(p);
    }
    fclose(f);
    return result;
}

static long read_long(const char *path)
{
    FILE *f = fopen(path, "r");
    long v = -1;

    if (f) {
        if (fscanf(f, "%ld", &v) != 1)
            v = -1;
        fclose(f);
    }
    return v;
}

static unsigned int count_dirs(const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    unsigned int n = 0;
    size_t plen = strlen(prefix);

    while (d && (e = readdir(d))) {
        if (strncmp(e->d_name, prefix, plen) == 0 && e->d_name[plen] >= '0' &&
            e->d_name[plen] <= '9')
            n++;
    }
    if (d)
        closedir(d);
    return n;
}

int vm_host_node_info(struct vm_node_info *info)
{
    char *model = proc_value("/proc/cpuinfo", "model name");
    char *mhz = proc_value("/proc/cpuinfo", "cpu MHz");
    char *total = proc_value("/proc/meminfo", "MemTotal");
    char *avail = proc_value("/proc/meminfo", "MemAvailable");
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned long long sockets_mask = 0;
    unsigned int sockets = 0;
    long threads = 0;

    if (!total) {
        free(model);
        free(mhz);
        free(avail);
        vm_report_error(VM_ERR_SYSTEM, "cannot read the memory size from /proc/meminfo");
        return -1;
    }
    info->cpu_model = model ? model : vm_strdup("unknown");
    info->cpus = cpus > 0 ? (unsigned int)cpus : 1;
    info->mhz = mhz ? (unsigned int)strtod(mhz, NULL) : 0;
    info->memory_kib = strtoull(total, NULL, 10);         /* "N kB" */
    info->free_memory_kib = avail ? strtoull(avail, NULL, 10) : 0;
    info->numa_cells = count_dirs("/sys/devices/system/node", "node");
    if (info->numa_cells == 0)
        info->numa_cells = 1;
    /* topology of the online CPUs */
    for (unsigned int i = 0; i < info->cpus; i++) {
        char path[128];
        long pkg;
        snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%u/topology/physical_package_id", i);
        pkg = read_long(path);
        if (pkg >= 0 && pkg < 64 && !(sockets_mask & (1ULL << pkg))) {
            sockets_mask |= 1ULL << pkg;
            sockets++;
        }
        if (i == 0) {
            FILE *f;
            char list[256];
            snprintf(path, sizeof(path),
                     "/sys/devices/system/cpu/cpu0/topology/thread_siblings_list");
            if ((f = fopen(path, "r"))) {
                /* "0" or "0,8" or "0-1": count the members */
                if (fgets(list, sizeof(list), f)) {
                    char *save = NULL;
                    for (char *t = strtok_r(list, ",\n", &save); t;
                         t = strtok_r(NULL, ",\n", &save)) {
                        long a, b;
                        if (sscanf(t, "%ld-%ld", &a, &b) == 2)
                            threads += b - a + 1;
                        else
                            threads++;
                    }
                }
                fclose(f);
            }
        }
    }
    info->sockets = sockets ? sockets : 1;
    info->threads = threads > 0 ? (unsigned int)threads : 1;
    info->cores = info->cpus / info->sockets / info->threads;
    if (info->cores == 0)
        info->cores = 1;
    /* virsh's CPU socket(s) is per NUMA cell */
    if (info->numa_cells > 1 && info->sockets % info->numa_cells == 0)
        info->sockets /= info->numa_cells;
    free(mhz);
    free(total);
    free(avail);
    return 0;
}

int vm_host_cpu_stats(int cpu, struct vm_node_cpu_stats *st)
{
    FILE *f = fopen("/proc/stat", "r");
    char line[512], want[32];
    long hz = sysconf(_SC_CLK_TCK);
    int found = 0;

    if (!f) {
        vm_report_system_error(errno, "cannot read /proc/stat");
        return -1;
    }
    if (cpu == VM_NODE_ALL)
        snprintf(want, sizeof(want), "cpu ");
    else
        snprintf(want, sizeof(want), "cpu%d ", cpu);
    while (!found && fgets(line, sizeof(line), f)) {
        unsigned long long usr, nice, sys, idle, iowait, irq, softirq;
        uint64_t tick;
        if (strncmp(line, want, strlen(want)) != 0)
            continue;
        found = -1;
        if (hz <= 0 || sscanf(line + strlen(want), "%llu %llu %llu %llu %llu %llu %llu", &usr,
                              &nice, &sys, &idle, &iowait, &irq, &softirq) != 7)
            break;
        /* libvirt's grouping: nice time is user time, interrupts are the
         * kernel's */
        tick = 1000000000ULL / (uint64_t)hz;
        st->user_ns = (usr + nice) * tick;
        st->kernel_ns = (sys + irq + softirq) * tick;
        st->idle_ns = idle * tick;
        st->iowait_ns = iowait * tick;
        found = 1;
    }
    fclose(f);
    if (found == 1)
        return 0;
    if (found == 0)
        vm_report_error(VM_ERR_INVALID_ARG, "this host has no CPU %d", cpu);
    else
        vm_report_error(VM_ERR_SYSTEM, "cannot parse /proc/stat");
    return -1;
}

int vm_host_memory_stats(int cell, struct vm_node_memory_stats *st)
{
    static const char *const keys[] = {"MemTotal", "MemFree", "Buffers", "Cached"};
    uint64_t *dst[] = {&st->total_kib, &st->free_kib, &st->buffers_kib, &st->cached_kib};
    char path[96], line[256];
    FILE *f;
    bool any = false;

    if (cell == VM_NODE_ALL)
        snprintf(path, sizeof(path), "/proc/meminfo");
    else
        snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/meminfo", cell);
    if (!(f = fopen(path, "r"))) {
        if (cell != VM_NODE_ALL && errno == ENOENT)
            vm_report_error(VM_ERR_INVALID_ARG, "this host has no NUMA cell %d", cell);
        else
            vm_report_system_error(errno, "cannot read %s", path);
        return -1;
    }
    while (fgets(line, sizeof(line), f)) {
        /* a cell's lines begin "Node N " */
        char *p = line;
        if (cell != VM_NODE_ALL && strncmp(p, "Node ", 5) == 0) {
            p += 5;
            while (*p >= '0' && *p <= '9')
                p++;
            while (*p == ' ')
                p++;
        }
        for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
            size_t n = strlen(keys[i]);
            unsigned long long kib;
            if (strncmp(p, keys[i], n) == 0 && p[n] == ':' &&
                sscanf(p + n + 1, "%llu kB", &kib) == 1) {
                *dst[i] = kib;
                any = true;
            }
        }
    }
    fclose(f);
    if (!any) {
        vm_report_error(VM_ERR_SYSTEM, "%s has no memory figures", path);
        return -1;
    }
    return 0;
}
