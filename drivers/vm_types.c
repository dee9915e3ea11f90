/*
 * vm_types.c: the plain public types: state and reason names, UUID text,
 * and the *_free() of the records handed to callers.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>

#include "virtmon.h"

const char *vm_domain_state_name(int state)
{
    static const char *const names[VM_DOMAIN_STATE_LAST] = {
        "no state", "running", "idle", "paused", "in shutdown", "shut off", "crashed",
        "pmsuspended",
    };

    if (state < 0 || state >= VM_DOMAIN_STATE_LAST)
        return "no state";
    return names[state];
}

bool vm_domain_state_is_running(int state)
{
    return state == VM_DOMAIN_RUNNING || state == VM_DOMAIN_BLOCKED;
}

const char *vm_domain_reason_name(int state, int reason)
{
    static const char *const running[] = {"unknown", "booted", "migrated", "restored",
                                          "from snapshot", "unpaused"};
    static const char *const paused[] = {"unknown", "user"};
    static const char *const shutoff[] = {"unknown", "shutdown", "destroyed", "crashed",
                                          "migrated", "saved", "failed", "from snapshot"};
#define PICK(arr) (reason >= 0 && (size_t)reason < sizeof(arr) / sizeof(arr[0]) ? arr[reason] \
                                                                                : "unknown")
    switch (state) {
    case VM_DOMAIN_RUNNING: return PICK(running);
    case VM_DOMAIN_PAUSED: return PICK(paused);
    case VM_DOMAIN_SHUTOFF: return PICK(shutoff);
    default: return "unknown";
    }
#undef PICK
}

int vm_uuid_parse(const char *str, unsigned char uuid[VM_UUID_BUFLEN])
{
    size_t n = 0;

    if (!str)
        return -1;
    while (isspace((unsigned char)*str))
        str++;
    for (; *str && n < VM_UUID_BUFLEN * 2; str++) {
        int v;
        if (*str == '-')
            continue;
        if (!isxdigit((unsigned char)*str))
            return -1;
        v = isdigit((unsigned char)*str) ? *str - '0' : tolower((unsigned char)*str) - 'a' + 10;
        if (n % 2 == 0)
            uuid[n / 2] = (unsigned char)(v << 4);
        else
            uuid[n / 2] |= (unsigned char)v;
        n++;
    }
    while (isspace((unsigned char)*str))
        str++;
    return n == VM_UUID_BUFLEN * 2 && *str == '\0' ? 0 : -1;
}

void vm_uuid_format(const unsigned char uuid[VM_UUID_BUFLEN], char buf[VM_UUID_STRING_BUFLEN])
{
    snprintf(buf, VM_UUID_STRING_BUFLEN,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", uuid[0],
             uuid[1], uuid[2], uuid[3], uuid[4], uuid[5], uuid[6], uuid[7], uuid[8], uuid[9],
             uuid[10], uuid[11], uuid[12], uuid[13], uuid[14], uuid[15]);
}

void vm_domain_stats_free(struct vm_domain_stats *stats)
{
    if (!stats)
        return;
    free(stats->name);
    free(stats->type);
    free(stats->os_type);
    free(stats->vcpu_time_ns);
    for (size_t i = 0; i < stats->nblock; i++) {
        free(stats->block[i].name);
        free(stats->block[i].source);
        free(stats->block[i].format);
        free(stats->block[i].bus);
    }
    free(stats->block);
    for (size_t i = 0; i < stats->nnet; i++) {
        free(stats->net[i].name);
        free(stats->net[i].mac);
        free(stats->net[i].model);
    }
    free(stats->net);
    vm_guest_info_free(stats->guest);
    free(stats);
}

void vm_guest_info_free(struct vm_guest_info *info)
{
    if (!info)
        return;
    free(info->os_id);
    free(info->os_version_id);
    free(info->hostname);
    for (size_t i = 0; i < info->nfs; i++) {
        free(info->fs[i].mountpoint);
        free(info->fs[i].fstype);
    }
    free(info->fs);
    for (size_t i = 0; i < info->nifs; i++) {
        free(info->ifs[i].name);
        free(info->ifs[i].hwaddr);
        for (size_t k = 0; k < info->ifs[i].naddrs; k++) {
            free(info->ifs[i].addrs[k]);
            free(info->ifs[i].addr_types[k]);
        }
        free(info->ifs[i].addrs);
        free(info->ifs[i].addr_types);
    }
    free(info->ifs);
    free(info);
}

void vm_domain_stats_list_free(struct vm_domain_stats **stats, size_t n)
{
    if (!stats)
        return;
    for (size_t i = 0; i < n; i++)
        vm_domain_stats_free(stats[i]);
    free(stats);
}

void vm_node_info_clear(struct vm_node_info *info)
{
    if (!info)
        return;
    free(info->cpu_model);
    info->cpu_model = NULL;
}

void vm_vcpu_list_free(struct vm_vcpu_list *list)
{
    if (!list)
        return;
    for (size_t i = 0; i < list->n; i++)
        free(list->vcpus[i].cpumap);
    free(list->vcpus);
    free(list);
}

const char *vm_memory_stat_name(int tag)
{
    static const char *const names[VM_MEMORY_STAT_NR] = {
        [VM_MEMORY_STAT_SWAP_IN] = "swap_in",
        [VM_MEMORY_STAT_SWAP_OUT] = "swap_out",
        [VM_MEMORY_STAT_MAJOR_FAULT] = "major_fault",
        [VM_MEMORY_STAT_MINOR_FAULT] = "minor_fault",
        [VM_MEMORY_STAT_UNUSED] = "unused",
        [VM_MEMORY_STAT_AVAILABLE] = "available",
        [VM_MEMORY_STAT_ACTUAL_BALLOON] = "actual",
        [VM_MEMORY_STAT_RSS] = "rss",
        [VM_MEMORY_STAT_USABLE] = "usable",
        [VM_MEMORY_STAT_LAST_UPDATE] = "last_update",
        [VM_MEMORY_STAT_DISK_CACHES] = "disk_caches",
        [VM_MEMORY_STAT_HUGETLB_PGALLOC] = "hugetlb_pgalloc",
        [VM_MEMORY_STAT_HUGETLB_PGFAIL] = "hugetlb_pgfail",
    };

    return tag >= 0 && tag < VM_MEMORY_STAT_NR ? names[tag] : NULL;
}
