#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "vm_error.h"
#include "vm_units.h"

/* KiB per unit as the exact fraction num/den, so decimal units convert
 * without floating point: 1 MB = 10^6 B = 15625/16 KiB. */
struct unit_ratio {
    uint64_t num, den;
};

static int unit_lookup(const char *unit, struct unit_ratio *r)
{
    static const struct unit_ratio binary[] = {
        {1, 1},           {1024, 1},          {1048576, 1},
        {1073741824, 1},  {1099511627776, 1}, {1125899906842624, 1}};
    static const struct unit_ratio decimal[] = {
        {125, 128},       {15625, 16},           {1953125, 2},
        {976562500, 1},   {976562500000, 1},     {976562500000000, 1}};
    static const char prefixes[] = "kmgtpe";
    const char *p;

    if (!unit || !*unit) {
        *r = (struct unit_ratio){1, 1};
        return 0;
    }
    if (strcasecmp(unit, "b") == 0 || strcasecmp(unit, "byte") == 0 ||
        strcasecmp(unit, "bytes") == 0) {
        *r = (struct unit_ratio){1, 1024};
        return 0;
    }
    p = strchr(prefixes, tolower((unsigned char)unit[0]));
    if (!p || !*p)
        return -1;
    if (unit[1] == '\0' || strcasecmp(unit + 1, "iB") == 0) {
        *r = binary[p - prefixes];
        return 0;
    }
    if (strcasecmp(unit + 1, "B") == 0) {
        *r = decimal[p - prefixes];
        return 0;
    }
    return -1;
}

int vm_units_to_kib(uint64_t value, const char *unit, uint64_t *kib)
{
    struct unit_ratio r;
    uint64_t scaled;

    if (unit_lookup(unit, &r) < 0) {
        vm_report_error(VM_ERR_INVALID_ARG,
                        "unknown memory unit '%s' (expected one of b, bytes, KB, k, KiB, MB, "
                        "M, MiB, GB, G, GiB, TB, T, TiB, PB, P, PiB, EB, E, EiB)",
                        unit);
        return -1;
    }
    if (r.num > 1 && value > UINT64_MAX / r.num) {
        vm_report_error(VM_ERR_OVERFLOW, "memory size %llu %s does not fit in 64 bits of KiB",
                        (unsigned long long)value, unit);
        return -1;
    }
    scaled = value * r.num;
    *kib = scaled / r.den + (scaled % r.den != 0);
    return 0;
}

uint64_t vm_bytes_to_kib(uint64_t bytes)
{
    return bytes / 1024 + (bytes % 1024 != 0);
}

int vm_kib_to_bytes(uint64_t kib, uint64_t *bytes)
{
    if (kib > UINT64_MAX / 1024) {
        vm_report_error(VM_ERR_OVERFLOW, "%llu KiB does not fit in 64 bits of bytes",
                        (unsigned long long)kib);
        return -1;
    }
    *bytes = kib * 1024;
    return 0;
}

int vm_parse_u64(const char *s, uint64_t *out)
{
    char *end;
    unsigned long long v;

    if (!s || !isdigit((unsigned char)*s))
        return -1;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0')
        return -1;
    *out = v;
    return 0;
}

int vm_parse_int(const char *s, int *out)
{
    char *end;
    long v;

    if (!s || !(isdigit((unsigned char)*s) || (*s == '-' && isdigit((unsigned char)s[1]))))
        return -1;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < INT_MIN || v > INT_MAX)
        return -1;
    *out = (int)v;
    return 0;
}
