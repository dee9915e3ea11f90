/*
 * domain_vocab_lookup.c: lookups in the generated vocabulary table
 * (domain_vocab.c): every list is sorted, so each is a binary search.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "domain_vocab.h"

static int cmp_entry(const void *key, const void *elem)
{
    return strcmp(key, ((const struct vm_vocab *)elem)->name);
}

static int cmp_name(const void *key, const void *elem)
{
    return strcmp(key, *(const char *const *)elem);
}

const struct vm_vocab *vm_vocab_find(const char *name)
{
    return bsearch(name, vm_vocab, vm_vocab_count, sizeof(*vm_vocab), cmp_entry);
}

bool vm_vocab_has_child(const struct vm_vocab *parent, const char *child)
{
    return parent && (parent->any_child || (parent->nchildren &&
                                            bsearch(child, parent->children, parent->nchildren,
                                                    sizeof(*parent->children), cmp_name)));
}

bool vm_vocab_has_attr(const struct vm_vocab *elem, const char *attr)
{
    return elem && (elem->any_attr || (elem->nattrs && bsearch(attr, elem->attrs, elem->nattrs,
                                                               sizeof(*elem->attrs), cmp_name)));
}
