/*
 * xen_rrd.c: reading /rrd_updates.  Rows come newest first; a source keeps
 * the first value of its column that is a number.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/vm_alloc.h"
#include "util/vm_error.h"
#include "util/vm_xml.h"
#include "xen_rrd.h"
#include "xen_xmlrpc.h"

void xen_rrd_free(struct xen_rrd *rrd)
{
    if (!rrd)
        return;
    for (size_t i = 0; i < rrd->n; i++) {
        free(rrd->e[i].uuid);
        free(rrd->e[i].source);
    }
    free(rrd->e);
    free(rrd);
}

static struct xen_rrd *bad(struct xen_rrd *rrd, xmlNodePtr at, const char *what)
{
    vm_report_error(VM_ERR_PROTOCOL, "malformed /rrd_updates reply: line %ld: %s",
                    at ? xmlGetLineNo(at) : 0L, what);
    xen_rrd_free(rrd);
    return NULL;
}

static xmlNodePtr child(xmlNodePtr n, const char *name)
{
    for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
            return c;
    }
    return NULL;
}

static bool number(xmlNodePtr n, double *v)
{
    xmlChar *t = xmlNodeGetContent(n);
    char *end;
    bool ok;

    errno = 0;
    *v = t ? strtod((const char *)t, &end) : 0;
    ok = t && end != (char *)t && *end == '\0' && errno != ERANGE;
    xmlFree(t);
    return ok;
}

/* "CF:OWNER:UUID:SOURCE" into e; false when it is not that. */
static bool legend(const char *text, struct xen_rrd_entry *e)
{
    const char *o = strchr(text, ':'), *u, *s;

    if (!o || !(u = strchr(o + 1, ':')) || !(s = strchr(u + 1, ':')) || !s[1])
        return false;
    if ((size_t)(u - o - 1) == 4 && strncmp(o + 1, "host", 4) == 0)
        e->host = true;
    else if ((size_t)(u - o - 1) == 2 && strncmp(o + 1, "vm", 2) == 0)
        e->host = false;
    else
        return false;
    e->uuid = vm_strndup(u + 1, (size_t)(s - u - 1));
    e->source = vm_strdup(s + 1);
    e->value = NAN;
    return true;
}

static int cmp_entry(const void *a, const void *b)
{
    const struct xen_rrd_entry *x = a, *y = b;
    int c = (int)y->host - (int)x->host;

    if (c)
        return c;
    if ((c = strcmp(x->uuid, y->uuid)))
        return c;
    return strcmp(x->source, y->source);
}

struct xen_rrd *xen_rrd_parse(const char *body, size_t len)
{
    xmlDocPtr doc = vm_xml_read_max(body, len, "/rrd_updates reply", XEN_XMLRPC_MAX);
    xmlNodePtr root, meta, leg, data, n;
    struct xen_rrd *rrd;
    double v;
    size_t cols = 0;

    if (!doc) {
        VM_AUTOFREE char *msg = vm_strdup(vm_error_message());
        vm_report_error(VM_ERR_PROTOCOL, "malformed %s", msg);
        return NULL;
    }
    VM_NEW(rrd);
    root = xmlDocGetRootElement(doc);
    if (strcmp((const char *)root->name, "xport") != 0 || !(meta = child(root, "meta")) ||
        !(leg = child(meta, "legend")) || !(data = child(root, "data"))) {
        bad(rrd, root, "not an <xport> with <meta>, <legend> and <data>");
        xmlFreeDoc(doc);
        return NULL;
    }
    if ((n = child(meta, "step")) && number(n, &v) && v > 0 && v < 1e9)
        rrd->step = (long)v;
    if ((n = child(meta, "end")) && number(n, &v) && v >= 0 && v < 1e12)
        rrd->end = (time_t)v;
    for (n = leg->children; n; n = n->next)
        cols += n->type == XML_ELEMENT_NODE;
    VM_NEW_N(rrd->e, cols ? cols : 1);
    for (n = leg->children; n; n = n->next) {
        xmlChar *t;
        bool ok;
        if (n->type != XML_ELEMENT_NODE)
            continue;
        t = xmlNodeGetContent(n);
        ok = strcmp((const char *)n->name, "entry") == 0 && t &&
             legend((const char *)t, &rrd->e[rrd->n]);
        xmlFree(t);
        if (!ok) {
            bad(rrd, n, "a legend entry that is not CF:OWNER:UUID:SOURCE");
            xmlFreeDoc(doc);
            return NULL;
        }
        rrd->n++;
    }
    /* newest row first: the first number in a column wins */
    for (xmlNodePtr row = data->children; row; row = row->next) {
        size_t col = 0;
        if (row->type != XML_ELEMENT_NODE)
            continue;
        if (strcmp((const char *)row->name, "row") != 0) {
            bad(rrd, row, "a <data> child that is not a <row>");
            xmlFreeDoc(doc);
            return NULL;
        }
        for (xmlNodePtr c = row->children; c; c = c->next) {
            if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, "v") != 0)
                continue;
            if (col >= rrd->n) {
                bad(rrd, c, "a row with more values than the legend has entries");
                xmlFreeDoc(doc);
                return NULL;
            }
            if (isnan(rrd->e[col].value) && number(c, &v) && !isnan(v))
                rrd->e[col].value = v;
            col++;
        }
        if (col != rrd->n) {
            bad(rrd, row, "a row with fewer values than the legend has entries");
            xmlFreeDoc(doc);
            return NULL;
        }
    }
    xmlFreeDoc(doc);
    qsort(rrd->e, rrd->n, sizeof(*rrd->e), cmp_entry);
    return rrd;
}

size_t xen_rrd_find(const struct xen_rrd *rrd, bool host, const char *uuid,
                    const struct xen_rrd_entry **first)
{
    size_t lo = 0, hi = rrd ? rrd->n : 0, end;
    struct xen_rrd_entry key = {.host = host, .uuid = (char *)uuid, .source = ""};

    /* the first entry not before (owner, uuid, "") */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (cmp_entry(&rrd->e[mid], &key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (end = lo; rrd && end < rrd->n && rrd->e[end].host == host &&
                   strcmp(rrd->e[end].uuid, uuid) == 0;
         end++)
        ;
    *first = rrd && lo < rrd->n ? &rrd->e[lo] : NULL;
    return end - lo;
}
