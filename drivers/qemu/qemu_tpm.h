/*
 * qemu_tpm.h: a domain's emulated TPM: swtpm, started before QEMU and
 * stopped after it (with --terminate it also ends when QEMU's connection
 * does), its state in STATE/qemu/NAME.tpm, its control socket named by the
 * domain's UUID, as libvirt runs it.
 */
#ifndef QEMU_TPM_H
#define QEMU_TPM_H

#include <stdbool.h>

#include "qemu_state.h"

/* Starts swtpm for the domain called name and waits for its socket.  -1
 * with an error (its log's end when it stopped). */
int qemu_tpm_start(const struct qemu_dirs *dirs, const char *name, const unsigned char *uuid,
                   bool tpm2);

/* Whether the domain's swtpm runs (its pidfile names a live swtpm of
 * that socket). */
bool qemu_tpm_alive(const struct qemu_dirs *dirs, const char *name, const unsigned char *uuid);

/* Whether the domain was started with a TPM (its pidfile is there). */
bool qemu_tpm_expected(const struct qemu_dirs *dirs, const char *name);

/* Stops the domain's swtpm if it runs, and removes its socket and pidfile. */
void qemu_tpm_stop(const struct qemu_dirs *dirs, const char *name, const unsigned char *uuid);

/* Removes the TPM's state (undefine).  -1 with an error. */
int qemu_tpm_remove_state(const struct qemu_dirs *dirs, const char *name);

#endif /* QEMU_TPM_H */
