/*
 * qemu_conf.h: what virtmon.conf says to the QEMU driver, and the rule that
 * follows from it for which binary may run as a domain's QEMU.
 */
#ifndef QEMU_CONF_H
#define QEMU_CONF_H

#include <stdbool.h>
#include <stddef.h>

#include "conf/domain_conf.h"

struct vm_conf;

struct qemu_conf {
    char **emulators;       /* shell patterns over absolute paths */
    size_t nemulators;
    struct vm_conf *file;   /* virtmon.conf as read (network_NAME settings) */
    int agent_timeout_ms;   /* agent_timeout: the most a guest agent may take */
};

/* Reads virtmon.conf of the scope's config dir (system: root's column).  A
 * missing file gives the defaults.  -1 with a config error naming the file
 * and line. */
int qemu_conf_load(struct qemu_conf *conf, bool system);
void qemu_conf_clear(struct qemu_conf *conf);

/* The absolute path of the binary that runs def (<emulator>, else
 * qemu-system-ARCH found on PATH), when it exists and the emulators list
 * allows it (caller frees).  NULL with an error naming the binary: whoever
 * may define a domain must not choose what root executes. */
char *qemu_conf_emulator(const struct qemu_conf *conf, const struct vm_domain_def *def);

/* The bridge virtmon.conf maps a libvirt network to (network_NAME =
 * "BRIDGE"), or NULL with an error naming the setting it lacks.  Owned by
 * conf. */
const char *qemu_conf_network_bridge(const struct qemu_conf *conf, const char *network);

/* The KVM device, /dev/kvm (VIRTMON_TEST_KVM_DEVICE overrides it, for the
 * test of the refusal when KVM is not usable). */
const char *qemu_kvm_device(void);

#endif /* QEMU_CONF_H */
