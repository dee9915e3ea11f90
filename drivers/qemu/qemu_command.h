/*
 * qemu_command.h: a domain definition -> QEMU's argv.
 */
#ifndef QEMU_COMMAND_H
#define QEMU_COMMAND_H

#include "conf/domain_conf.h"

/* Where a running domain's files go (the runtime dir's qemu/NAME.*). */
struct qemu_paths {
    const char *qmp;        /* QMP UNIX socket */
    const char *pidfile;
    const char *incoming;   /* a save image to restore, or NULL */
    const char *channels;   /* RUNTIME/qemu/UUID: unix channels without a path are
                             * its .channelN sockets */
    int spice_port;         /* the port of a SPICE display with autoport */
    const char *firmware;   /* UEFI: the firmware image the starter chose, or NULL */
    const char *nvram;      /* and the domain's variables (made from the template) */
    bool firmware_smm;      /* the firmware needs SMM */
    const char *tpm_socket; /* the TPM: swtpm's control socket the starter opened */
    const int *tap_fds;     /* per interface: the descriptor of the tap the starter
                             * made and attached for a bridge or network
                             * interface, -1 for the others */
    size_t ntap_fds;
    bool paused;            /* -S: the vCPUs wait for cont */
};

/* The argv (NULL-terminated; free with qemu_argv_free()) that starts def
 * (what the model of qemu_devices.h holds).  argv[0] is the emulator as named (<emulator>, else
 * qemu-system-ARCH), resolved through PATH at exec time.  NULL with an
 * error naming what the QEMU driver cannot apply. */
char **qemu_build_argv(const struct vm_domain_def *def, const struct qemu_paths *paths);

/* The same from the model qemu_devices_read() made of def (the starter
 * reads it once, for the taps, firmware and TPM too). */
struct qemu_devices;
char **qemu_build_argv_from(const struct vm_domain_def *def, const struct qemu_devices *m,
                            const struct qemu_paths *paths);

void qemu_argv_free(char **argv);

/* The emulator binary name for def (caller frees). */
char *qemu_emulator(const struct vm_domain_def *def);

#endif /* QEMU_COMMAND_H */
