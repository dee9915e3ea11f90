/*
 * domain_preserved.h: the part of a definition virtmon keeps without
 * interpreting it (docs/internals.md, "Domain XML"): elements and attributes of libvirt's
 * domain vocabulary that no driver uses, kept verbatim under their parent
 * and given back by dumpxml; names libvirt does not know are refused.
 */
#ifndef DOMAIN_PRESERVED_H
#define DOMAIN_PRESERVED_H

#include <stdbool.h>
#include <stddef.h>

#include <libxml/tree.h>

#include "util/vm_xml.h"

struct vm_preserved;

/* Walks root after the reader: every element and attribute it did not
 * consume is kept when libvirt's vocabulary has it under its parent, and
 * noted in ps otherwise.  The kept content (NULL when there is none) is
 * the caller's: free with vm_preserved_free(). */
struct vm_preserved *vm_preserved_take(xmlNodePtr root, struct vm_xml_problems *ps);

/* Removes from the parsed document what take() kept, leaving what the
 * reader interpreted (for the schema's look at it). */
void vm_preserved_strip(xmlNodePtr root);

struct vm_preserved *vm_preserved_copy(const struct vm_preserved *p);
void vm_preserved_free(struct vm_preserved *p);

/* What is kept, outermost elements and attributes of interpreted elements,
 * as "<features> (line 12)" / "<driver discard=...> (line 30)", in
 * document order.  Owned by p. */
size_t vm_preserved_items(const struct vm_preserved *p, const char *const **items);

/* A sentence naming what is kept (up to five items, "and N more"), for a
 * driver that cannot apply it: "<features> (line 12), <clock> (line 15)".
 * NULL when nothing is kept.  Caller frees. */
char *vm_preserved_describe(const struct vm_preserved *p);

/* canonical (a definition's XML as the formatter writes it) with the kept
 * content put back under the same parents, after the same interpreted
 * siblings; secrets (passwd attributes) only when secure.  Caller frees. */
char *vm_preserved_merge(const struct vm_preserved *p, const char *canonical, bool secure);

#endif /* DOMAIN_PRESERVED_H */
