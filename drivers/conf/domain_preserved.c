/*
 * domain_preserved.c: what a definition holds beyond what drivers use.
 *
 * After the reader has marked what it consumed, the rest of the document
 * is checked against libvirt's vocabulary (domain_vocab.c) and kept as a
 * copy of the document with three kinds of node: consumed (interpreted),
 * preserved, and below preserved ones.  Formatting writes the interpreted
 * part canonically, then grafts each preserved element under the output
 * counterpart of its parent, after the counterpart of the interpreted
 * sibling it followed (interpreted siblings of one name correspond in
 * order: the reader keeps every disk, interface and boot it read, in
 * document order).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "domain_preserved.h"
#include "domain_vocab.h"
#include "util/vm_alloc.h"
#include "util/vm_buf.h"
#include "util/vm_error.h"

/* The mark of a kept element or attribute (consumed ones carry vm_xml's). */
static char kept_mark;
#define KEPT ((void *)&kept_mark)

struct vm_preserved {
    xmlDocPtr doc;          /* the document, consumed/kept marks on its nodes */
    char **items;
    size_t nitems;
};

void vm_preserved_free(struct vm_preserved *p)
{
    if (!p)
        return;
    xmlFreeDoc(p->doc);
    for (size_t i = 0; i < p->nitems; i++)
        free(p->items[i]);
    free(p->items);
    free(p);
}

/* An element's name as the vocabulary has it: "URI name" outside the
 * default namespace.  Caller frees. */
static char *key_of(xmlNodePtr n)
{
    if (n->ns && n->ns->href)
        return vm_asprintf("%s %s", (const char *)n->ns->href, (const char *)n->name);
    return vm_strdup((const char *)n->name);
}

/* The name as written (prefix:name), for messages.  Caller frees. */
static char *shown(const xmlChar *name, xmlNsPtr ns)
{
    if (ns && ns->prefix)
        return vm_asprintf("%s:%s", (const char *)ns->prefix, (const char *)name);
    return vm_strdup((const char *)name);
}

static void add_item(struct vm_preserved *p, char *item)
{
    vm_realloc_n(&p->items, p->nitems + 1, sizeof(*p->items));
    p->items[p->nitems++] = item;
}

/* The children the reader takes once, per interpreted parent: a second
 * one is a mistake, not content to keep. */
static bool once_only(xmlNodePtr parent, xmlNodePtr child)
{
    static const struct {
        const char *parent;
        const char *const children[12];
    } once[] = {
        {"domain", {"name", "uuid", "description", "memory", "currentMemory", "vcpu", "os",
                    "on_poweroff", "on_reboot", "on_crash", "devices", NULL}},
        {"os", {"type", "kernel", "initrd", "cmdline", NULL}},
        {"devices", {"emulator", NULL}},
        {"disk", {"driver", "source", "target", "readonly", NULL}},
        {"interface", {"mac", "source", "target", "model", NULL}},
        {"serial", {"target", NULL}},
        {"console", {"target", NULL}},
    };

    if (parent->ns || child->ns)
        return false;
    for (size_t i = 0; i < sizeof(once) / sizeof(once[0]); i++) {
        if (strcmp(once[i].parent, (const char *)parent->name) != 0)
            continue;
        for (const char *const *c = once[i].children; *c; c++) {
            if (strcmp(*c, (const char *)child->name) == 0)
                return true;
        }
    }
    return false;
}

/* Checks node's unconsumed content against the vocabulary: kept (marked)
 * or noted.  inside: node itself is kept (its content is not listed). */
static void walk(struct vm_preserved *p, xmlNodePtr node, bool inside,
                 struct vm_xml_problems *ps)
{
    VM_AUTOFREE char *key = key_of(node);
    const struct vm_vocab *v = vm_vocab_find(key);

    for (xmlAttrPtr a = node->properties; a; a = a->next) {
        VM_AUTOFREE char *aname = shown(a->name, a->ns);
        if (vm_xml_attr_consumed(a))
            continue;
        if (!vm_vocab_has_attr(v, aname)) {
            VM_AUTOFREE char *ename = shown(node->name, node->ns);
            vm_xml_problem(ps, xmlGetLineNo(node),
                           "unsupported attribute '%s' of element '%s' (not in libvirt's "
                           "domain XML)",
                           aname, ename);
            continue;
        }
        a->_private = KEPT;
        if (!inside)
            add_item(p, vm_asprintf("<%s %s=...> (line %ld)", (const char *)node->name, aname,
                                    xmlGetLineNo(node)));
    }
    for (xmlNodePtr c = node->children; c; c = c->next) {
        VM_AUTOFREE char *ckey = NULL;
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (vm_xml_consumed(c)) {
            walk(p, c, false, ps);
            continue;
        }
        if (!inside && once_only(node, c)) {
            VM_AUTOFREE char *cname = shown(c->name, c->ns);
            vm_xml_problem(ps, xmlGetLineNo(c), "element '%s' appears more than once in '%s'",
                           cname, (const char *)node->name);
            continue;
        }
        ckey = key_of(c);
        if (!vm_vocab_has_child(v, ckey)) {
            VM_AUTOFREE char *cname = shown(c->name, c->ns);
            VM_AUTOFREE char *pname = shown(node->name, node->ns);
            vm_xml_problem(ps, xmlGetLineNo(c),
                           "unsupported element '%s' in '%s' (not in libvirt's domain XML)",
                           cname, pname);
            continue;
        }
        c->_private = KEPT;
        if (!inside) {
            VM_AUTOFREE char *cname = shown(c->name, c->ns);
            add_item(p, vm_asprintf("<%s> (line %ld)", cname, xmlGetLineNo(c)));
        }
        /* metadata's content is anyone's: not checked, kept whole */
        if (!v || !v->any_child)
            walk(p, c, true, ps);
    }
}

/* A copy of src's subtree into doc with the marks. */
static xmlNodePtr copy_marked(xmlNodePtr src, xmlDocPtr doc)
{
    xmlNodePtr dst = xmlDocCopyNode(src, doc, 2);
    xmlAttrPtr sa = src->properties, da = dst ? dst->properties : NULL;

    if (!dst)
        vm_oom();
    dst->_private = src->_private;
    for (; sa && da; sa = sa->next, da = da->next)
        da->_private = sa->_private;
    for (xmlNodePtr c = src->children; c; c = c->next) {
        xmlNodePtr cc;
        if (c->type == XML_ELEMENT_NODE)
            cc = copy_marked(c, doc);
        else if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE)
            cc = xmlDocCopyNode(c, doc, 1);
        else
            continue;   /* comments and processing instructions are not kept */
        if (!cc)
            vm_oom();
        xmlAddChild(dst, cc);
    }
    return dst;
}

static struct vm_preserved *with_doc(xmlNodePtr root)
{
    struct vm_preserved *p;

    VM_NEW(p);
    if (!(p->doc = xmlNewDoc((const xmlChar *)"1.0")))
        vm_oom();
    xmlDocSetRootElement(p->doc, copy_marked(root, p->doc));
    return p;
}

struct vm_preserved *vm_preserved_take(xmlNodePtr root, struct vm_xml_problems *ps)
{
    struct vm_preserved scan = {0}, *p;

    walk(&scan, root, false, ps);
    if (!scan.nitems)
        return NULL;
    p = with_doc(root);
    p->items = scan.items;
    p->nitems = scan.nitems;
    return p;
}

struct vm_preserved *vm_preserved_copy(const struct vm_preserved *src)
{
    struct vm_preserved *p;

    if (!src)
        return NULL;
    p = with_doc(xmlDocGetRootElement(src->doc));
    VM_NEW_N(p->items, src->nitems);
    for (size_t i = 0; i < src->nitems; i++)
        p->items[i] = vm_strdup(src->items[i]);
    p->nitems = src->nitems;
    return p;
}

/* Removes what is kept from node's subtree. */
void vm_preserved_strip(xmlNodePtr node)
{
    xmlAttrPtr a = node->properties;
    xmlNodePtr c = node->children;

    while (a) {
        xmlAttrPtr next = a->next;
        if (a->_private == KEPT)
            xmlRemoveProp(a);
        a = next;
    }
    while (c) {
        xmlNodePtr next = c->next;
        if (c->type == XML_ELEMENT_NODE) {
            if (c->_private == KEPT) {
                xmlUnlinkNode(c);
                xmlFreeNode(c);
            } else {
                vm_preserved_strip(c);
            }
        }
        c = next;
    }
}

size_t vm_preserved_items(const struct vm_preserved *p, const char *const **items)
{
    *items = p ? (const char *const *)p->items : NULL;
    return p ? p->nitems : 0;
}

char *vm_preserved_describe(const struct vm_preserved *p)
{
    struct vm_buf b = VM_BUF_INIT;

    if (!p || !p->nitems)
        return NULL;
    for (size_t i = 0; i < p->nitems && i < 5; i++)
        vm_buf_addf(&b, "%s%s", i ? ", " : "", p->items[i]);
    if (p->nitems > 5)
        vm_buf_addf(&b, " and %zu more", p->nitems - 5);
    return vm_buf_steal(&b);
}

/* ------------------------------------------------------------- merging */

static bool same_name(xmlNodePtr a, xmlNodePtr b)
{
    const char *ha = a->ns && a->ns->href ? (const char *)a->ns->href : "";
    const char *hb = b->ns && b->ns->href ? (const char *)b->ns->href : "";

    return strcmp((const char *)a->name, (const char *)b->name) == 0 && strcmp(ha, hb) == 0;
}

/* The nth element child of out named like like (0-based), or NULL. */
static xmlNodePtr nth_named(xmlNodePtr out, xmlNodePtr like, int nth)
{
    for (xmlNodePtr c = out->children; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE && same_name(c, like) && nth-- == 0)
            return c;
    }
    return NULL;
}

static bool has_kept(xmlNodePtr n)
{
    for (xmlAttrPtr a = n->properties; a; a = a->next) {
        if (a->_private == KEPT)
            return true;
    }
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE && (c->_private == KEPT || has_kept(c)))
            return true;
    }
    return false;
}

/* Secrets stay out of what is shown unless asked for (libvirt's rule). */
static void drop_secrets(xmlNodePtr n)
{
    xmlAttrPtr a = n->properties;

    while (a) {
        xmlAttrPtr next = a->next;
        if (strcmp((const char *)a->name, "passwd") == 0)
            xmlRemoveProp(a);
        a = next;
    }
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE)
            drop_secrets(c);
    }
}

static void insert_after(xmlNodePtr parent, xmlNodePtr *cursor, xmlNodePtr node)
{
    if (*cursor) {
        xmlAddNextSibling(*cursor, node);
    } else {
        xmlNodePtr first = parent->children;
        while (first && first->type != XML_ELEMENT_NODE)
            first = first->next;
        if (first)
            xmlAddPrevSibling(first, node);
        else
            xmlAddChild(parent, node);
    }
    *cursor = node;
}

static void merge(xmlNodePtr src, xmlNodePtr out, bool secure)
{
    xmlNodePtr cursor = NULL;

    for (xmlAttrPtr a = src->properties; a; a = a->next) {
        xmlChar *value;
        if (a->_private != KEPT || (!secure && strcmp((const char *)a->name, "passwd") == 0))
            continue;
        value = xmlNodeGetContent((xmlNodePtr)a);
        xmlSetNsProp(out, a->ns ? xmlSearchNsByHref(out->doc, out, a->ns->href) : NULL, a->name,
                     value);
        xmlFree(value);
    }
    for (xmlNodePtr c = src->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (c->_private == KEPT) {
            xmlNodePtr copy = xmlDocCopyNode(c, out->doc, 1);
            if (!copy)
                vm_oom();
            if (!secure)
                drop_secrets(copy);
            insert_after(out, &cursor, copy);
            continue;
        }
        /* an interpreted element: its counterpart is the one of the same
         * name and rank among interpreted siblings */
        {
            int nth = 0;
            xmlNodePtr oc;
            for (xmlNodePtr s = src->children; s != c; s = s->next) {
                if (s->type == XML_ELEMENT_NODE && s->_private != KEPT && same_name(s, c))
                    nth++;
            }
            oc = nth_named(out, c, nth);
            if (!oc && has_kept(c)) {
                /* the formatter leaves out an element whose interpreted
                 * content is all default (<driver discard='unmap'/>): it
                 * comes back for what it keeps */
                oc = xmlNewDocNode(out->doc, NULL, c->name, NULL);
                insert_after(out, &cursor, oc);
            }
            if (oc) {
                merge(c, oc, secure);
                cursor = oc;
            }
        }
    }
}

/* ---------------------------------------------------------- serialising */

static void add_name(struct vm_buf *b, const xmlChar *name, xmlNsPtr ns)
{
    if (ns && ns->prefix)
        vm_buf_addf(b, "%s:", (const char *)ns->prefix);
    vm_buf_add(b, (const char *)name);
}

static bool blank(const xmlChar *s)
{
    for (; s && *s; s++) {
        if (!strchr(" \t\r\n", *s))
            return false;
    }
    return true;
}

/* libvirt's style, as the formatter writes it: two-space indentation,
 * single-quoted attributes, text elements on one line. */
static void serialise(struct vm_buf *b, xmlNodePtr n, int depth)
{
    bool elements = false, text = false;

    for (xmlNodePtr c = n->children; c; c = c->next) {
        elements |= c->type == XML_ELEMENT_NODE;
        text |= (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) &&
                !blank(c->content);
    }
    vm_buf_addf(b, "%*s<", 2 * depth, "");
    add_name(b, n->name, n->ns);
    for (xmlNsPtr d = n->nsDef; d; d = d->next) {
        /* a copy declares again what an ancestor already does: once is enough */
        xmlNsPtr up = n->parent && n->parent->type == XML_ELEMENT_NODE
                          ? xmlSearchNs(n->doc, n->parent, d->prefix)
                          : NULL;
        if (up && xmlStrEqual(up->href, d->href))
            continue;
        vm_buf_add(b, d->prefix ? " xmlns:" : " xmlns");
        if (d->prefix)
            vm_buf_add(b, (const char *)d->prefix);
        vm_buf_add(b, "='");
        vm_buf_add_xml_escaped(b, (const char *)d->href);
        vm_buf_add_char(b, '\'');
    }
    for (xmlAttrPtr a = n->properties; a; a = a->next) {
        xmlChar *value = xmlNodeGetContent((xmlNodePtr)a);
        vm_buf_add_char(b, ' ');
        add_name(b, a->name, a->ns);
        vm_buf_add(b, "='");
        vm_buf_add_xml_escaped(b, value ? (const char *)value : "");
        vm_buf_add_char(b, '\'');
        xmlFree(value);
    }
    if (!elements && !text) {
        vm_buf_add(b, "/>\n");
        return;
    }
    if (!elements) {
        xmlChar *value = xmlNodeGetContent(n);
        vm_buf_add_char(b, '>');
        vm_buf_add_xml_escaped(b, value ? (const char *)value : "");
        xmlFree(value);
    } else {
        vm_buf_add(b, ">\n");
        for (xmlNodePtr c = n->children; c; c = c->next) {
            if (c->type == XML_ELEMENT_NODE) {
                serialise(b, c, depth + 1);
            } else if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) &&
                       !blank(c->content)) {
                /* mixed content (metadata of other tools): its text on a
                 * line of its own, the white space around it the layout's */
                const char *t = (const char *)c->content;
                size_t len;
                while (strchr(" \t\r\n", *t))
                    t++;
                len = strlen(t);
                while (len && strchr(" \t\r\n", t[len - 1]))
                    len--;
                vm_buf_addf(b, "%*s", 2 * (depth + 1), "");
                {
                    VM_AUTOFREE char *trimmed = vm_strndup(t, len);
                    vm_buf_add_xml_escaped(b, trimmed);
                }
                vm_buf_add_char(b, '\n');
            }
        }
        vm_buf_addf(b, "%*s", 2 * depth, "");
    }
    vm_buf_add(b, "</");
    add_name(b, n->name, n->ns);
    vm_buf_add(b, ">\n");
}

char *vm_preserved_merge(const struct vm_preserved *p, const char *canonical, bool secure)
{
    xmlDocPtr out;
    xmlNodePtr src, root;
    struct vm_buf b = VM_BUF_INIT;

    if (!p)
        return vm_strdup(canonical);
    out = xmlReadMemory(canonical, (int)strlen(canonical), NULL, NULL,
                        XML_PARSE_NONET | XML_PARSE_NOBLANKS);
    if (!out)
        vm_oom();   /* the formatter's own output always parses */
    src = xmlDocGetRootElement(p->doc);
    root = xmlDocGetRootElement(out);
    /* the document's namespace declarations (qemu:, test:) on the root */
    for (xmlNsPtr d = src->nsDef; d; d = d->next) {
        if (!xmlSearchNsByHref(out, root, d->href))
            xmlNewNs(root, d->href, d->prefix);
    }
    merge(src, root, secure);
    serialise(&b, root, 0);
    xmlFreeDoc(out);
    return vm_buf_steal(&b);
}
