/*
 * vm_xml.h: libxml2 helpers shared by every XML reader (domain XML,
 * fixtures, XML-RPC): safe parsing with located errors, and a record of the
 * elements and attributes a reader consumed, so that anything it did not
 * understand is refused by name and line instead of dropped.
 */
#ifndef VM_XML_H
#define VM_XML_H

#include <stdbool.h>
#include <stddef.h>

#include <libxml/tree.h>

/* Largest document parsed (definitions and fixtures). */
#define VM_XML_MAX (10 * 1024 * 1024)

/* Parses XML text with network access, DTD loading and entity expansion off;
 * a document over VM_XML_MAX bytes, or with a document type declaration
 * (and so entity declarations), is refused.  NULL with an xml error "WHAT:
 * line N: ..." .  Free with xmlFreeDoc(). */
xmlDocPtr vm_xml_read(const char *xml, size_t len, const char *what);

/* The same with another size limit (replies from a peer). */
xmlDocPtr vm_xml_read_max(const char *xml, size_t len, const char *what, size_t max);

/* The first child element called name (NULL: none), marked consumed. */
xmlNodePtr vm_xml_child(xmlNodePtr node, const char *name);

/* The next sibling element after prev called name, marked consumed. */
xmlNodePtr vm_xml_next(xmlNodePtr prev, const char *name);

/* The value of attribute name (a new string, free with free()), or NULL;
 * marks the attribute consumed. */
char *vm_xml_prop(xmlNodePtr node, const char *name);

/* The text of node (a new string, free with free()), stripped of leading
 * and trailing white space. */
char *vm_xml_text(xmlNodePtr node);

/* Marks node consumed (for elements read by other means). */
void vm_xml_consume(xmlNodePtr node);

/* Marks node, its attributes and everything below consumed. */
void vm_xml_consume_all(xmlNodePtr node);

/* Takes the mark back: a node found and then left for others to keep. */
void vm_xml_unconsume(xmlNodePtr node);

/* Fails (xml error naming each element or attribute and its line, in
 * document order) when the subtree under node has one nothing consumed. */
int vm_xml_check_consumed(xmlNodePtr node, const char *what);

/* Problems of one document, reported together in document order. */
#define VM_XML_PROBLEMS_MAX 20

struct vm_xml_problems {
    const char *what;           /* the document, for messages */
    struct vm_xml_problem {
        long line;
        size_t seq;             /* the order of noting */
        char *message;          /* without "WHAT: line N: " */
    } *p;
    size_t n;
    size_t dropped;             /* past VM_XML_PROBLEMS_MAX */
};

/* Notes a problem at line. */
void vm_xml_problem(struct vm_xml_problems *ps, long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Whether the reader consumed an element or an attribute. */
bool vm_xml_consumed(xmlNodePtr node);
bool vm_xml_attr_consumed(xmlAttrPtr attr);

/* 0 when there is none; else -1 with one xml error holding them all in
 * document order ("WHAT: line N: first" and a line per other), freeing
 * them. */
int vm_xml_problems_report(struct vm_xml_problems *ps);

/* The same with another error code (a driver refusing what it cannot
 * apply: VM_ERR_NOT_SUPPORTED). */
int vm_xml_problems_report_as(struct vm_xml_problems *ps, int code);

/* Notes in ps each element and attribute under node nothing consumed. */
void vm_xml_note_unconsumed(struct vm_xml_problems *ps, xmlNodePtr node);

/* Frees what was noted without reporting. */
void vm_xml_problems_clear(struct vm_xml_problems *ps);

/* Clears the consumed marks of a subtree. */
void vm_xml_clear_marks(xmlNodePtr node);

#endif /* VM_XML_H */
