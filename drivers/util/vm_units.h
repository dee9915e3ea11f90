/*
 * vm_units.h: memory units.  Memory is KiB everywhere in virtmon; every source
 * unit (libvirt's XML units, bytes from QMP and XenAPI, pages) is converted
 * once, here, with overflow detected rather than wrapped.
 */
#ifndef VM_UNITS_H
#define VM_UNITS_H

#include <stdint.h>

/* value in unit (libvirt's names: b, bytes, KB, k, KiB, MB, M, MiB, GB, G,
 * GiB, TB, T, TiB, case-insensitive; NULL or "" is KiB) to KiB, rounded up
 * as libvirt does.  -1 with invalid-arg for an unknown unit, overflow when the
 * result does not fit in 64 bits. */
int vm_units_to_kib(uint64_t value, const char *unit, uint64_t *kib);

/* Bytes to KiB, rounded up (never overflows). */
uint64_t vm_bytes_to_kib(uint64_t bytes);

/* KiB to bytes; -1 with overflow when it does not fit in 64 bits. */
int vm_kib_to_bytes(uint64_t kib, uint64_t *bytes);

/* Parses a whole decimal unsigned 64-bit number (no sign, no spaces, no
 * trailing text); -1 without reporting when s is not one. */
int vm_parse_u64(const char *s, uint64_t *out);

/* Parses a whole decimal int (optional '-'); -1 without reporting otherwise. */
int vm_parse_int(const char *s, int *out);

#endif /* VM_UNITS_H */
