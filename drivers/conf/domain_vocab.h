/*
 * domain_vocab.h: libvirt's domain vocabulary (element and attribute names
 * per element), so that a definition keeps what libvirt knows and refuses
 * what it does not (a typo) without libvirt installed.  The table is
 * generated (gen-vocab.py) from libvirt's schemas.
 */
#ifndef DOMAIN_VOCAB_H
#define DOMAIN_VOCAB_H

#include <stdbool.h>
#include <stddef.h>

struct vm_vocab {
    const char *name;
    const char *const *children;    /* sorted */
    size_t nchildren;
    const char *const *attrs;       /* sorted */
    size_t nattrs;
    bool any_child, any_attr;       /* any name allowed (metadata's content) */
};

/* Sorted by name. */
extern const struct vm_vocab vm_vocab[];
extern const size_t vm_vocab_count;

/* The entry of element name, NULL when libvirt has none. */
const struct vm_vocab *vm_vocab_find(const char *name);

/* Whether child may appear directly inside parent (an entry), and whether
 * attr may be set on it. */
bool vm_vocab_has_child(const struct vm_vocab *parent, const char *child);
bool vm_vocab_has_attr(const struct vm_vocab *elem, const char *attr);

#endif /* DOMAIN_VOCAB_H */
