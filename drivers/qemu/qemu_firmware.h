/*
 * qemu_firmware.h: UEFI firmware for a guest, chosen as libvirt chooses it:
 * through QEMU's firmware descriptors (docs/interop/firmware.json;
 * Debian's ovmf installs them in /usr/share/qemu/firmware).
 */
#ifndef QEMU_FIRMWARE_H
#define QEMU_FIRMWARE_H

#include <stdbool.h>

struct qemu_firmware {
    char *code;             /* the executable, e.g. /usr/share/OVMF/OVMF_CODE_4M.fd */
    char *vars_template;    /* its variables template, NULL when it has none */
    bool requires_smm;
    bool secure_boot;
};

/* The first descriptor (by file name; one in /etc/qemu/firmware hides one
 * of the same name in /usr/share/qemu/firmware) of a UEFI flash firmware
 * for x86_64 and machine (q35 and pc count as pc-q35-* and pc-i440fx-*),
 * with secure boot when secure_boot is 1, without it when 0, either way
 * when -1 (then one without is preferred).  -1 with an error saying what
 * was looked for.  Free with qemu_firmware_clear(). */
int qemu_firmware_select(const char *machine, int secure_boot, struct qemu_firmware *fw);

/* The descriptor whose executable is code (for a <loader> path): its
 * template and needs.  -1 (no error set) when none describes it. */
int qemu_firmware_for_code(const char *code, struct qemu_firmware *fw);

void qemu_firmware_clear(struct qemu_firmware *fw);

#endif /* QEMU_FIRMWARE_H */
