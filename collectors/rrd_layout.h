/*
 * rrd_layout.h: what virtmon's RRD files are: where each lives
 * under RRD_DIR, its data sources, and its archives.  The collector writes
 * this layout and virtmon-graph reads it; both take it from here.
 */
#ifndef RRD_LAYOUT_H
#define RRD_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

enum rrd_kind {
    RRD_HOST,       /* RRD_DIR/host.rrd */
    RRD_DOMAIN,     /* RRD_DIR/UUID/domain.rrd */
    RRD_DISK,       /* RRD_DIR/UUID/disk-DEV.rrd */
    RRD_IF,         /* RRD_DIR/UUID/if-DEV.rrd */
    RRD_KIND_LAST
};

/* Each kind's data sources, in update order: the index into its table
 * (rrd_kind_ds), by name, so the collector and the graphs never spell a
 * data source or count positions. */
enum rrd_host_ds {
    RRD_HOST_MEM_TOTAL, RRD_HOST_MEM_FREE, RRD_HOST_DOM_RUNNING, RRD_HOST_DOM_DEFINED,
    RRD_HOST_CPUS,
};
enum rrd_domain_ds {
    RRD_DOM_CPU_NS, RRD_DOM_CPU_PCT, RRD_DOM_VCPUS, RRD_DOM_MEM_MAX, RRD_DOM_MEM_CUR,
};
enum rrd_disk_ds { RRD_DISK_RD_REQ, RRD_DISK_RD_BYTES, RRD_DISK_WR_REQ, RRD_DISK_WR_BYTES };
enum rrd_if_ds {
    RRD_IF_RX_BYTES, RRD_IF_RX_PKTS, RRD_IF_RX_ERRS, RRD_IF_RX_DROP,
    RRD_IF_TX_BYTES, RRD_IF_TX_PKTS, RRD_IF_TX_ERRS, RRD_IF_TX_DROP,
};

/* What a host file records, gathered by the collector (the other kinds
 * record a struct of virtmon.h: vm_domain_stats, vm_block_stats,
 * vm_net_stats). */
struct rrd_host_sample {
    uint64_t mem_total_kib, mem_free_kib;
    unsigned int running, defined, cpus;
};

/* When a value is known (else it is written U, never a false 0). */
enum rrd_known {
    RRD_KNOWN_ALWAYS,
    RRD_KNOWN_ACTIVE,   /* the domain runs and answers: its counters */
    RRD_KNOWN_ANSWERS,  /* the domain answers (its current memory) */
    RRD_KNOWN_NODE,     /* the hypervisor gave its node info */
    RRD_KNOWN_LAST
};

/* How the value is stored in the kind's source struct. */
enum rrd_value { RRD_U64, RRD_UINT, RRD_PERCENT /* a double, NaN when unknown */ };

/* One data source: its name in the files, its type, and where the
 * collector takes its value. */
struct rrd_ds {
    const char *name;
    int counter;            /* DERIVE (min 0) when set, GAUGE otherwise */
    size_t offset;          /* in the kind's source struct */
    enum rrd_value value;
    enum rrd_known known;
};
const struct rrd_ds *rrd_kind_ds(enum rrd_kind kind, size_t *n);

/* A data source's name: rrd_ds_name(RRD_DOMAIN, RRD_DOM_CPU_NS). */
const char *rrd_ds_name(enum rrd_kind kind, int ds);

/* The create arguments of a kind at step seconds: "DS:..." then "RRA:...".
 * *argv is a NULL-terminated array of strings; free with rrd_args_free(). */
int rrd_create_args(enum rrd_kind kind, unsigned int step, char ***argv);
void rrd_args_free(char **argv);

/* About how many bytes a file of kind takes at step: its archives' rows
 * times its data sources, 8 bytes each (the header is small beside it). */
unsigned long long rrd_file_bytes(enum rrd_kind kind, unsigned int step);

/* A device name fit for a file name: [A-Za-z0-9_.-] kept, the rest '_'.
 * NULL or "" gives fallback ("net0").  Caller frees. */
char *rrd_dev_name(const char *dev, const char *fallback);

/* "host.rrd", "UUID/domain.rrd", "UUID/disk-vda.rrd": relative to RRD_DIR.
 * dev is rrd_dev_name()'s.  Caller frees. */
char *rrd_file(enum rrd_kind kind, const char *uuid, const char *dev);

/* The name file of a domain, relative to RRD_DIR.  Caller frees. */
char *rrd_name_file(const char *uuid);

#endif /* RRD_LAYOUT_H */
