/*
 * qemu_devices.h: what `start` applies (docs/internals.md, "The QEMU driver"), read from a
 * definition's XML into the model the command line is built from.
 *
 * The reader takes the definition as dumpxml gives it (interpreted and
 * kept content together), so that one typed reader sees everything a
 * guest is started with; what it does not consume, or a value it cannot
 * apply, is named and refuses the start.  Strings point into the model's
 * own storage: they live as long as the model.
 */
#ifndef QEMU_DEVICES_H
#define QEMU_DEVICES_H

#include <stdbool.h>
#include <stddef.h>

#include "conf/domain_conf.h"

enum qemu_addr_type { QEMU_ADDR_NONE, QEMU_ADDR_PCI, QEMU_ADDR_DRIVE, QEMU_ADDR_USB,
                      QEMU_ADDR_VSERIAL };

/* A device's <address>: pci (bus, slot, function), drive (controller, bus,
 * target, unit), usb (bus, port "1" or "1.2"), virtio-serial (controller,
 * bus, port). */
struct qemu_addr {
    enum qemu_addr_type type;
    unsigned int controller, bus, slot, function, target, unit, port;
    bool multifunction;
    const char *usb_port;
};

struct qemu_disk {
    bool block;                 /* type='block' */
    const char *device;         /* disk, cdrom, floppy */
    const char *format;         /* raw, qcow2 */
    const char *source;         /* NULL: an empty cdrom or floppy */
    const char *dev, *bus;      /* target; bus as libvirt guesses it when absent */
    const char *cache, *io, *discard, *detect_zeroes, *serial;
    bool readonly;
    unsigned int boot;          /* <boot order>, 0 when none */
    struct qemu_addr addr;
};

struct qemu_net {
    const char *type;           /* user, bridge, ethernet, network */
    const char *source;         /* bridge or network name */
    const char *tap;            /* <target dev> */
    const char *model;          /* virtio, e1000, e1000e, rtl8139 */
    unsigned char mac[6];
    unsigned int boot;
    struct qemu_addr addr;
};

struct qemu_controller {
    const char *type;           /* usb, pci, virtio-serial, sata, scsi, ide */
    const char *model;          /* NULL: the type's default */
    int index;
    unsigned int ports;         /* usb ports, 0: the model's default */
    int chassis, port;          /* pcie-root-port <target>, -1: none */
    int startport;              /* usb companion <master startport>, -1: none */
    struct qemu_addr addr;
};

struct qemu_input {
    const char *type, *bus;     /* tablet/mouse/keyboard on usb/ps2/virtio */
    struct qemu_addr addr;
};

struct qemu_graphics {
    const char *type;           /* vnc, spice */
    const char *listen;         /* address, NULL: 127.0.0.1 */
    const char *passwd;         /* set over QMP after the start */
    int port;                   /* -1: autoport */
    const char *image_compression;
};

struct qemu_video {
    const char *model;          /* vga, cirrus, qxl, virtio, bochs, none */
    unsigned int vram, ram, vgamem, heads;  /* KiB, 0: the model's default */
    struct qemu_addr addr;
};

/* serial, console and channel */
struct qemu_chr {
    const char *element;        /* "serial", "console", "channel" */
    const char *type;           /* pty, file, unix, spicevmc */
    const char *path, *mode;    /* <source>: file or socket; bind or connect */
    const char *target_type;    /* isa-serial, serial, virtio */
    const char *target_name;    /* a channel's port name */
    int port;                   /* <target port>, -1: none */
    struct qemu_addr addr;
};

struct qemu_rng {
    const char *backend;        /* random, egd */
    const char *path;           /* random: the device; egd: the daemon's socket */
    unsigned int rate_bytes, rate_period;
    struct qemu_addr addr;
};

struct qemu_simple {            /* sound, watchdog, panic, redirdev */
    const char *model;          /* sound/watchdog/panic model; redirdev type */
    const char *action;         /* watchdog action */
    struct qemu_addr addr;
};

struct qemu_flag {               /* a cpu flag: hv-relaxed=on, +vmx, ... */
    const char *text;
};

struct qemu_devices {
    bool q35;                   /* machine type pc-q35-* / q35 */
    unsigned int vcpus, vcpus_current;
    unsigned int sockets, dies, cores, threads;  /* 0: no <topology> */
    unsigned long long max_memory_kib;           /* <maxMemory>, 0: none */
    unsigned int memory_slots;
    const char *cpu_mode;       /* NULL, host-passthrough, host-model, custom */
    const char *cpu_model;
    struct qemu_flag *cpu_flags;  /* features, enlightenments, clock timers */
    size_t ncpu_flags, acpu_flags;
    bool acpi;
    int smm, vmport, hpet;      /* -1: the machine's default; 0 off, 1 on */
    int s3, s4;                 /* pm: -1 default, 0 disabled, 1 enabled */
    const char *clock_offset;   /* utc, localtime */
    bool rtc_catchup, pit_delay;
    bool efi;                   /* <os firmware='efi'> */
    const char *loader;         /* <loader>: a firmware image of its own */
    const char *nvram;          /* <nvram>: where its variables are, NULL: the state dir */
    const char *nvram_template; /* <nvram template=...> */
    int secure_boot;            /* <firmware><feature name='secure-boot'>: -1 either */
    bool bootmenu;
    unsigned int bootmenu_timeout;
    struct qemu_disk *disks;
    size_t ndisks;
    struct qemu_net *nets;
    size_t nnets;
    struct qemu_controller *controllers;
    size_t ncontrollers;
    struct qemu_input *inputs;
    size_t ninputs;
    struct qemu_graphics *graphics;
    size_t ngraphics;
    struct qemu_video *videos;
    size_t nvideos;
    struct qemu_chr *chrs;
    size_t nchrs;
    struct qemu_rng *rngs;
    size_t nrngs;
    struct qemu_simple *sounds, *watchdogs, *panics, *redirdevs;
    size_t nsounds, nwatchdogs, npanics, nredirdevs;
    const char *tpm_model;      /* <tpm model>: tpm-crb, tpm-tis; NULL: no TPM */
    bool tpm2;                  /* its backend's version 2.0 (the default) */
    const char *audio_type;     /* <audio type>: none, spice; NULL: none */
    const char *balloon;        /* virtio, none; NULL: not declared (virtio) */
    struct qemu_addr balloon_addr;
    char **strs;                /* storage of every string above */
    size_t nstrs, astrs;
};

/* Reads def (as dumpxml gives it, secrets included) into a model.  NULL
 * with a not-supported error naming every element and attribute the QEMU
 * driver does not apply (up to VM_XML_PROBLEMS_MAX, dumpxml's line
 * numbers).  Free with qemu_devices_free(). */
struct qemu_devices *qemu_devices_read(const struct vm_domain_def *def);

void qemu_devices_free(struct qemu_devices *m);

/* The socket of the guest agent's channel (org.qemu.guest_agent.0 on a
 * unix channel): its <source path>, else channels.channelN as the argv
 * builder names it; NULL when there is none.  Caller frees. */
char *qemu_agent_socket(const struct qemu_devices *m, const char *channels);

/* Whether def's machine type is q35 (pc-q35-*). */
bool qemu_machine_is_q35(const char *machine);

#endif /* QEMU_DEVICES_H */
