/*
 * agentx_snapshot.h: what the subagent answers from.  A background thread
 * builds a snapshot with one bulk stats call (plus node info) every
 * interval, already in the MIB's terms (vmIndex, states, units), and hands it
 * to the agent's loop, which swaps it in whole.  No SNMP request ever waits
 * on the hypervisor.
 */
#ifndef AGENTX_SNAPSHOT_H
#define AGENTX_SNAPSHOT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "virtmon.h"

struct ax_disk {
    int index;                  /* vmStorageIndex (1-based, definition order) */
    char *name, *source, *format, *bus;
    int source_type, access, media;     /* VM-MIB / IANA enumerations */
    int32_t defined_mib, allocated_mib; /* -1 unknown */
    uint64_t rd_reqs, wr_reqs, rd_bytes, wr_bytes;
};

struct ax_nic {
    int index;                  /* vmNetworkIndex (1-based) */
    int ifindex;                /* host tap's ifIndex, 0 when none */
    char *model;
    unsigned char mac[6];
    bool has_mac;
    uint64_t rx_bytes, rx_pkts, rx_errs, rx_drop;       /* the guest's view; */
    uint64_t tx_bytes, tx_pkts, tx_errs, tx_drop;       /* VM_STAT_UNKNOWN: none */
};

struct ax_vm {
    int index;                  /* vmIndex */
    char *name;
    unsigned char uuid[VM_UUID_BUFLEN];
    char *os_type, *type;
    int id;
    int admin, oper, autostart, persistent;   /* VM-MIB enumerations */
    bool running;               /* for vmCpuAffinityTable */
    int32_t vcpus;
    int32_t mem_unit, cur_mem, min_mem, max_mem;
    uint64_t cur_kib, max_kib;
    uint32_t uptime_cs;         /* vmUpTime */
    uint64_t cpu_us;
    uint64_t *vcpu_us;          /* vcpus of them */
    struct ax_disk *disks;
    size_t ndisks;
    struct ax_nic *nics;
    size_t nnics;
    char *xml;                  /* its dumpxml (no secrets), or NULL */
};

struct ax_snapshot {
    bool connected;             /* false: the rest is not filled */
    char *error;                /* why not, when not connected */
    time_t taken;
    char *hv_software, *hv_version;
    uint32_t hv_uptime_cs;      /* vmHvUpTime when taken */
    char *uri;
    uint64_t mem_total_kib, mem_free_kib;
    int32_t cpus;
    struct ax_vm *vms;          /* sorted by index */
    size_t nvms;
    int next_free_index;        /* virtmonVmConfigNextIndex */
};

void ax_snapshot_free(struct ax_snapshot *snap);

/* The per-row memory unit: 1024 when every value fits an
 * Integer32 in KiB, else the smallest power-of-two multiple of 1024 that
 * makes them fit; values rounded down. */
int32_t ax_mem_unit(uint64_t cur_kib, uint64_t max_kib, int32_t *cur, int32_t *max);

/* vmIndex per UUID, persisted in the state dir, never reused. */
struct ax_index_map;

/* Loads (or starts) the map in state_dir/vmindex.  NULL with an error. */
struct ax_index_map *ax_index_map_open(const char *state_dir);
void ax_index_map_free(struct ax_index_map *map);

/* The index of uuid, assigning the next one (and saving) when new; -1 when
 * the map cannot be saved. */
int ax_index_map_get(struct ax_index_map *map, const unsigned char *uuid);

/* The index the next new UUID would get (not reserved). */
int ax_index_map_peek(const struct ax_index_map *map);

/* Whether a domain has or had index. */
bool ax_index_map_taken(const struct ax_index_map *map, int index);

/* Gives uuid the free index (a row created through virtmonVmConfigTable)
 * and saves; -1 with an error when taken or not saved. */
int ax_index_map_assign(struct ax_index_map *map, const unsigned char *uuid, int index);

/* Takes back what ax_index_map_assign gave uuid, for a create that failed
 * (a failed create leaves its index free), and sets the next free
 * index back to next when it is not below it.  -1 with an error when the
 * map cannot be saved. */
int ax_index_map_release(struct ax_index_map *map, const unsigned char *uuid, int next);

/* The refresher: a thread that builds snapshots. */
struct ax_refresher;

/* Starts the thread; each new snapshot is announced by a byte on the fd
 * returned in *notify_fd (read it, then take the snapshot).  read_write
 * opens the connection for control SETs too. */
struct ax_refresher *ax_refresher_start(const char *uri, int interval, const char *state_dir,
                                        bool read_write, int *notify_fd);

/* The refresher's connection for the agent's own calls (SETs), opened if
 * needed (NULL with an error); hold it only between lock and unlock. */
struct vm_connect *ax_refresher_conn_lock(struct ax_refresher *r);
void ax_refresher_conn_unlock(struct ax_refresher *r);

/* The vmIndex map; only while holding the connection lock.  NULL with an
 * error when the state dir cannot be read. */
struct ax_index_map *ax_refresher_index_map(struct ax_refresher *r);

/* The host's uptime in hundredths of a second (vmHvUpTime of local
 * hypervisors). */
uint32_t ax_host_uptime_cs(void);

/* libvirt's state of st -> VM-MIB's admin and oper states. */
void ax_map_state(const struct vm_domain_stats *st, int *admin, int *oper);

/* The newest snapshot not yet taken (the caller owns it), or NULL. */
struct ax_snapshot *ax_refresher_take(struct ax_refresher *r);

/* Asks for a refresh now (after a change the agent made). */
void ax_refresher_poke(struct ax_refresher *r);

/* Drops the snapshot waiting for the agent: a SET that changed a domain
 * calls it (holding the connection) since that snapshot was taken before
 * the change and would undo it, with notifications of a change back and
 * forth. */
void ax_refresher_drop_pending(struct ax_refresher *r);

/* Stops and joins the thread. */
void ax_refresher_stop(struct ax_refresher *r);

/* Definitions kept between snapshots (see agentx_snapshot.c); free with
 * ax_xml_cache_free().  Invalidating a NULL uuid marks every entry. */
struct ax_xml_cache;
struct ax_xml_cache *ax_xml_cache_new(void);
void ax_xml_cache_free(struct ax_xml_cache *cache);
void ax_xml_cache_invalidate(struct ax_xml_cache *cache, const unsigned char *uuid);

/* Builds one snapshot on conn (exposed for the benchmark and tests);
 * cache may be NULL (every definition fetched). */
struct ax_snapshot *ax_snapshot_build(struct vm_connect *conn, struct ax_index_map *map,
                                      const char *uri, struct ax_xml_cache *cache);

#endif /* AGENTX_SNAPSHOT_H */
