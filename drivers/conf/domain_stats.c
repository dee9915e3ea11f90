/*
 * domain_stats.c: the parts of a stats record that come from a definition
 * (device identity, backing and media), shared by the local drivers.
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <sys/stat.h>

#include "domain_conf.h"
#include "util/vm_alloc.h"

void vm_domain_def_fill_devices(const struct vm_domain_def *def, struct vm_domain_stats *st)
{
    st->nblock = def->ndisks;
    VM_NEW_N(st->block, def->ndisks);
    for (size_t i = 0; i < def->ndisks; i++) {
        const struct vm_disk_def *d = &def->disks[i];
        struct vm_block_stats *b = &st->block[i];
        struct stat sb;

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
        if (d->source && stat(d->source, &sb) == 0 && S_ISREG(sb.st_mode)) {
            if (!d->driver_type || strcmp(d->driver_type, "raw") == 0)
                b->capacity_bytes = (uint64_t)sb.st_size;
            b->allocation_bytes = (uint64_t)sb.st_blocks * 512;
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
