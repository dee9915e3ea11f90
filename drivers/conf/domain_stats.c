/*
 * domain_stats.c: the parts of a stats record that come from a definition
 * (device identity, backing and media), shared by the local drivers.
 */
#include "config.h"

#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "domain_conf.h"
#include "util/vm_alloc.h"

/* What stat() said of a disk image, remembered for a moment: the bulk
 * stats of a large host look at every image on every call (and a daemon
 * serving many clients makes many calls), while sizes barely move. */
#define STAT_SLOTS 4096
#define STAT_FRESH_MS 1000

struct stat_slot {
    char *path;
    long long when_ms;
    bool regular;
    uint64_t size, blocks;
};

static struct stat_slot stat_cache[STAT_SLOTS];
static pthread_mutex_t stat_lock = PTHREAD_MUTEX_INITIALIZER;

static long long mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Whether path is a regular file, with its size and 512-byte blocks. */
static bool image_stat(const char *path, uint64_t *size, uint64_t *blocks)
{
    unsigned int h = 5381;
    struct stat_slot *slot;
    struct stat sb;
    long long now = mono_ms();
    bool regular;

    for (const char *p = path; *p; p++)
        h = h * 33 + (unsigned char)*p;
    slot = &stat_cache[h % STAT_SLOTS];
    pthread_mutex_lock(&stat_lock);
    if (slot->path && strcmp(slot->path, path) == 0 && now - slot->when_ms < STAT_FRESH_MS) {
        regular = slot->regular;
        *size = slot->size;
        *blocks = slot->blocks;
        pthread_mutex_unlock(&stat_lock);
        return regular;
    }
    pthread_mutex_unlock(&stat_lock);
    regular = stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
    *size = regular ? (uint64_t)sb.st_size : 0;
    *blocks = regular ? (uint64_t)sb.st_blocks : 0;
    pthread_mutex_lock(&stat_lock);
    if (!slot->path || strcmp(slot->path, path) != 0) {
        free(slot->path);
        slot->path = vm_strdup(path);
    }
    slot->when_ms = now;
    slot->regular = regular;
    slot->size = *size;
    slot->blocks = *blocks;
    pthread_mutex_unlock(&stat_lock);
    return regular;
}

void vm_domain_def_fill_devices(const struct vm_domain_def *def, struct vm_domain_stats *st)
{
    st->nblock = def->ndisks;
    VM_NEW_N(st->block, def->ndisks);
    for (size_t i = 0; i < def->ndisks; i++) {
        const struct vm_disk_def *d = &def->disks[i];
        struct vm_block_stats *b = &st->block[i];
        uint64_t size, blocks;

        b->name = vm_strdup(d->target_dev);
        b->source = vm_strdup(d->source);
        b->format = vm_strdup(d->driver_type ? d->driver_type
                                             : d->type == VM_DISK_TYPE_FILE ? "raw" : NULL);
        b->bus = vm_strdup(d->target_bus);
        b->block_device = d->type == VM_DISK_TYPE_BLOCK;
        b->readonly = d->readonly || d->device == VM_DISK_DEVICE_CDROM;
        b->media = d->device == VM_DISK_DEVICE_CDROM ? VM_BLOCK_MEDIA_CDROM
                   : d->target_bus && strcmp(d->target_bus, "fdc") == 0 ? VM_BLOCK_MEDIA_FLOPPY
                                                                        : VM_BLOCK_MEDIA_DISK;
        b->capacity_bytes = b->allocation_bytes = VM_STAT_UNKNOWN;
        /* a raw file's size is what the guest sees; other formats need the
         * image's header (qemu-img), which we do not read here */
        if (d->source && image_stat(d->source, &size, &blocks)) {
            if (!d->driver_type || strcmp(d->driver_type, "raw") == 0)
                b->capacity_bytes = size;
            b->allocation_bytes = blocks * 512;
        }
        b->rd_bytes_rate = b->wr_bytes_rate = NAN;
        b->errs = b->flush_reqs = b->rd_total_ns = b->wr_total_ns = b->flush_total_ns =
            VM_STAT_UNKNOWN;
    }
    st->nnet = def->nnets;
    VM_NEW_N(st->net, def->nnets);
    for (size_t i = 0; i < def->nnets; i++) {
        const struct vm_net_def *nd = &def->nets[i];
        struct vm_net_stats *n = &st->net[i];

        n->name = vm_strdup(nd->target_dev);
        n->mac = vm_calloc(18, 1);
        vm_mac_format(nd->mac, n->mac);
        n->model = vm_strdup(nd->model);
        n->rx_bytes_rate = n->tx_bytes_rate = NAN;
    }
}
