#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>

#include <libxml/parser.h>

#include "vm_alloc.h"
#include "vm_buf.h"
#include "vm_error.h"
#include "vm_xml.h"

/* libxml2 leaves _private to the application: a non-NULL value marks an
 * element or attribute the reader consumed. */
static char consumed_mark;
#define MARK ((void *)&consumed_mark)

xmlDocPtr vm_xml_read(const char *xml, size_t len, const char *what)
{
    return vm_xml_read_max(xml, len, what, VM_XML_MAX);
}

xmlDocPtr vm_xml_read_max(const char *xml, size_t len, const char *what, size_t max)
{
    xmlParserCtxtPtr ctxt;
    xmlDocPtr doc;

    if (len > max || len > INT_MAX) {
        vm_report_error(VM_ERR_XML, "%s: a document of %zu bytes is larger than %zu MiB", what,
                        len, max / (1024 * 1024));
        return NULL;
    }
    if (!(ctxt = xmlNewParserCtxt())) {
        vm_report_error(VM_ERR_INTERNAL, "%s: cannot create an XML parser", what);
        return NULL;
    }
    doc = xmlCtxtReadMemory(ctxt, xml, (int)len, NULL, NULL,
                            XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES);
    if (!doc || !ctxt->wellFormed) {
        const xmlError *err = xmlCtxtGetLastError(ctxt);
        if (err && err->message) {
            size_t n = strlen(err->message);
            while (n > 0 && isspace((unsigned char)err->message[n - 1]))
                n--;
            vm_report_error(VM_ERR_XML, "%s: line %d: %.*s", what, err->line, (int)n,
                            err->message);
        } else {
            vm_report_error(VM_ERR_XML, "%s: not well-formed XML", what);
        }
        xmlFreeDoc(doc);
        xmlFreeParserCtxt(ctxt);
        return NULL;
    }
    xmlFreeParserCtxt(ctxt);
    if (doc->intSubset || doc->extSubset) {
        /* a DTD can declare entities (expansion bombs, external files): no
         * document of ours needs one */
        const char *at = strstr(xml, "<!DOCTYPE");
        long line = 1;
        for (const char *p = xml; at && p < at; p++)
            line += *p == '\n';
        vm_report_error(VM_ERR_XML,
                        "%s: line %ld: a document type declaration (<!DOCTYPE>, entity "
                        "declarations) is not accepted",
                        what, line);
        xmlFreeDoc(doc);
        return NULL;
    }
    if (!xmlDocGetRootElement(doc)) {
        vm_report_error(VM_ERR_XML, "%s: empty document", what);
        xmlFreeDoc(doc);
        return NULL;
    }
    return doc;
}

void vm_xml_consume(xmlNodePtr node)
{
    if (node)
        node->_private = MARK;
}

/* Sets the mark of a subtree's elements and attributes. */
static void mark_all(xmlNodePtr node, void *mark)
{
    node->_private = mark;
    for (xmlAttrPtr a = node->properties; a; a = a->next)
        a->_private = mark;
    for (xmlNodePtr c = node->children; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE)
            mark_all(c, mark);
    }
}

void vm_xml_consume_all(xmlNodePtr node)
{
    mark_all(node, MARK);
}

void vm_xml_unconsume(xmlNodePtr node)
{
    if (node)
        node->_private = NULL;
}

static bool name_is(xmlNodePtr n, const char *name)
{
    /* Elements of another namespace (test:runstate) are found by their own
     * helpers, never by plain names. */
    return n->type == XML_ELEMENT_NODE && n->ns == NULL &&
           strcmp((const char *)n->name, name) == 0;
}

xmlNodePtr vm_xml_child(xmlNodePtr node, const char *name)
{
    for (xmlNodePtr c = node ? node->children : NULL; c; c = c->next) {
        if (name_is(c, name)) {
            vm_xml_consume(c);
            return c;
        }
    }
    return NULL;
}

xmlNodePtr vm_xml_next(xmlNodePtr prev, const char *name)
{
    for (xmlNodePtr c = prev ? prev->next : NULL; c; c = c->next) {
        if (name_is(c, name)) {
            vm_xml_consume(c);
            return c;
        }
    }
    return NULL;
}

char *vm_xml_prop(xmlNodePtr node, const char *name)
{
    xmlAttrPtr attr = xmlHasNsProp(node, (const xmlChar *)name, NULL);
    xmlChar *value;
    char *result;

    if (!attr || attr->ns)
        return NULL;
    attr->_private = MARK;
    value = xmlNodeGetContent((xmlNodePtr)attr);
    result = vm_strdup(value ? (const char *)value : "");
    xmlFree(value);
    return result;
}

char *vm_xml_text(xmlNodePtr node)
{
    xmlChar *value = xmlNodeGetContent(node);
    const char *s = value ? (const char *)value : "";
    size_t len;
    char *result;

    while (isspace((unsigned char)*s))
        s++;
    len = strlen(s);
    while (len > 0 && isspace((unsigned char)s[len - 1]))
        len--;
    result = vm_strndup(s, len);
    xmlFree(value);
    return result;
}

static char *qualified(xmlNodePtr n, const xmlChar *name, xmlNsPtr ns)
{
    if (ns && ns->prefix)
        return vm_asprintf("%s:%s", (const char *)ns->prefix, (const char *)name);
    return vm_strdup((const char *)name);
}

void vm_xml_clear_marks(xmlNodePtr node)
{
    mark_all(node, NULL);
}

/* ------------------------------------------------------------- problems */

static void add_problem(struct vm_xml_problems *ps, long line, char *message)
{
    if (ps->n >= VM_XML_PROBLEMS_MAX) {
        ps->dropped++;
        free(message);
        return;
    }
    vm_realloc_n(&ps->p, ps->n + 1, sizeof(*ps->p));
    ps->p[ps->n].line = line;
    ps->p[ps->n].seq = ps->n;
    ps->p[ps->n++].message = message;
}

void vm_xml_problem(struct vm_xml_problems *ps, long line, const char *fmt, ...)
{
    va_list ap;
    char *m;

    va_start(ap, fmt);
    m = vm_vasprintf(fmt, ap);
    va_end(ap);
    add_problem(ps, line, m);
}

bool vm_xml_consumed(xmlNodePtr node)
{
    return node->_private == MARK;
}

bool vm_xml_attr_consumed(xmlAttrPtr attr)
{
    return attr->_private == MARK;
}

static void unconsumed(struct vm_xml_problems *ps, xmlNodePtr node)
{
    for (xmlAttrPtr a = node->properties; a; a = a->next) {
        if (a->_private != MARK) {
            VM_AUTOFREE char *aname = qualified(node, a->name, a->ns);
            VM_AUTOFREE char *ename = qualified(node, node->name, node->ns);
            vm_xml_problem(ps, xmlGetLineNo(node), "unsupported attribute '%s' of element '%s'",
                           aname, ename);
        }
    }
    for (xmlNodePtr c = node->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (c->_private != MARK) {
            VM_AUTOFREE char *cname = qualified(c, c->name, c->ns);
            VM_AUTOFREE char *pname = qualified(node, node->name, node->ns);
            vm_xml_problem(ps, xmlGetLineNo(c), "unsupported element '%s' in '%s'", cname, pname);
            continue;
        }
        unconsumed(ps, c);
    }
}

int vm_xml_check_consumed(xmlNodePtr node, const char *what)
{
    struct vm_xml_problems ps = {what, NULL, 0, 0};

    unconsumed(&ps, node);
    return vm_xml_problems_report(&ps);
}

void vm_xml_note_unconsumed(struct vm_xml_problems *ps, xmlNodePtr node)
{
    unconsumed(ps, node);
}

static int cmp_problem(const void *a, const void *b)
{
    const struct vm_xml_problem *x = a, *y = b;

    if (x->line != y->line)
        return (x->line > y->line) - (x->line < y->line);
    /* the order they were noted in, for problems of one line */
    return (x->seq > y->seq) - (x->seq < y->seq);
}

void vm_xml_problems_clear(struct vm_xml_problems *ps)
{
    for (size_t i = 0; i < ps->n; i++)
        free(ps->p[i].message);
    free(ps->p);
    ps->p = NULL;
    ps->n = ps->dropped = 0;
}

int vm_xml_problems_report(struct vm_xml_problems *ps)
{
    return vm_xml_problems_report_as(ps, VM_ERR_XML);
}

int vm_xml_problems_report_as(struct vm_xml_problems *ps, int code)
{
    struct vm_buf b = VM_BUF_INIT;

    if (!ps->n)
        return 0;
    /* qsort is not stable: the order of noting breaks ties */
    qsort(ps->p, ps->n, sizeof(*ps->p), cmp_problem);
    for (size_t i = 0; i < ps->n; i++) {
        if (i == 0)
            vm_buf_addf(&b, "%s: ", ps->what);
        else
            vm_buf_add(&b, "\n  ");
        if (ps->p[i].line > 0)
            vm_buf_addf(&b, "line %ld: ", ps->p[i].line);
        vm_buf_add(&b, ps->p[i].message);
    }
    if (ps->dropped)
        vm_buf_addf(&b, "\n  (and %zu more)", ps->dropped);
    vm_report_error(code, "%s", vm_buf_str(&b));
    vm_buf_clear(&b);
    vm_xml_problems_clear(ps);
    return -1;
}
