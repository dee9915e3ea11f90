/*
 * qemu_tap.h: the tap of a bridge or network interface, made by the
 * starter and handed to QEMU as a descriptor, as libvirt does: QEMU's own
 * way (qemu-bridge-helper) spawns a process, which its sandbox forbids.
 */
#ifndef QEMU_TAP_H
#define QEMU_TAP_H

#include <net/if.h>

/* Creates a tap (called name when given, else the kernel's next vmtapN),
 * gives it the guest's MAC with the first byte 0xfe (so that the bridge
 * never takes the guest's address as its own), attaches it to bridge and
 * brings it up.  The descriptor (close-on-exec; the caller hands it to
 * QEMU), with the tap's name in name_out; -1 with an error naming the tap
 * and the bridge.  The tap goes when its last descriptor is closed. */
int qemu_tap_open(const char *name, const char *bridge, const unsigned char mac[6],
                  char name_out[IFNAMSIZ]);

#endif /* QEMU_TAP_H */
