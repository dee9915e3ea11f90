/*
 * xen_xmlrpc.c: XML-RPC requests and XenAPI replies (libxml2 reads, a
 * buffer writes), values as json-c objects.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/vm_alloc.h"
#include "util/vm_buf.h"
#include "util/vm_error.h"
#include "util/vm_xml.h"
#include "xen_xmlrpc.h"

/* Nesting deeper than any XenAPI record (a map of sets of structs is 4). */
#define DEPTH_MAX 32

/* ------------------------------------------------------------- requests */

/* text, escaped for XML; false when it holds a character XML 1.0 cannot
 * carry (controls other than tab, newline and return). */
static bool add_escaped(struct vm_buf *b, const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
            return false;
    }
    vm_buf_add_xml_escaped(b, text);
    return true;
}

static bool add_value(struct vm_buf *b, json_object *v, int depth)
{
    bool ok = true;

    if (depth > DEPTH_MAX)
        return false;
    vm_buf_add(b, "<value>");
    switch (json_object_get_type(v)) {
    case json_type_boolean:
        vm_buf_addf(b, "<boolean>%d</boolean>", json_object_get_boolean(v) ? 1 : 0);
        break;
    case json_type_double:
        vm_buf_addf(b, "<double>%.17g</double>", json_object_get_double(v));
        break;
    case json_type_int:
        /* XenAPI's ints are digit strings on the wire */
        vm_buf_addf(b, "<string>%" PRId64 "</string>", json_object_get_int64(v));
        break;
    case json_type_object:
        vm_buf_add(b, "<struct>");
        json_object_object_foreach(v, key, member) {
            vm_buf_add(b, "<member><name>");
            ok = ok && add_escaped(b, key);
            vm_buf_add(b, "</name>");
            ok = ok && add_value(b, member, depth + 1);
            vm_buf_add(b, "</member>");
        }
        vm_buf_add(b, "</struct>");
        break;
    case json_type_array:
        vm_buf_add(b, "<array><data>");
        for (size_t i = 0; ok && i < json_object_array_length(v); i++)
            ok = add_value(b, json_object_array_get_idx(v, i), depth + 1);
        vm_buf_add(b, "</data></array>");
        break;
    case json_type_string:
        vm_buf_add(b, "<string>");
        ok = add_escaped(b, json_object_get_string(v));
        vm_buf_add(b, "</string>");
        break;
    case json_type_null:
        vm_buf_add(b, "<string></string>");
        break;
    }
    vm_buf_add(b, "</value>");
    return ok;
}

char *xen_xmlrpc_call(const char *method, json_object *params)
{
    struct vm_buf b = VM_BUF_INIT;
    bool ok = true;

    vm_buf_add(&b, "<?xml version=\"1.0\"?>\n<methodCall><methodName>");
    ok = add_escaped(&b, method);
    vm_buf_add(&b, "</methodName><params>");
    for (size_t i = 0; ok && params && i < json_object_array_length(params); i++) {
        vm_buf_add(&b, "<param>");
        ok = add_value(&b, json_object_array_get_idx(params, i), 0);
        vm_buf_add(&b, "</param>");
    }
    vm_buf_add(&b, "</params></methodCall>\n");
    if (!ok) {
        vm_buf_clear(&b);
        vm_report_error(VM_ERR_INVALID_ARG,
                        "%s: an argument holds a control character XML cannot carry", method);
        return NULL;
    }
    return vm_buf_steal(&b);
}

/* -------------------------------------------------------------- replies */

/* Reports what is wrong (what, then arg, may be "") at a node; -1. */
static int bad(xmlNodePtr at, const char *what, const char *arg)
{
    vm_report_error(VM_ERR_PROTOCOL, "malformed XenAPI reply: line %ld: %s%.60s",
                    at ? xmlGetLineNo(at) : 0L, what, arg);
    return -1;
}

/* The only element child of node (text and comments aside); NULL when it
 * has none; an error when it has more than one. */
static int only_child(xmlNodePtr node, xmlNodePtr *child)
{
    *child = NULL;
    for (xmlNodePtr c = node->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (*child)
            return bad(c, "two elements where one was expected: ", (const char *)c->name);
        *child = c;
    }
    return 0;
}

static bool is(xmlNodePtr n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* The raw text of node (not trimmed: a string's spaces are its own). */
static char *text_of(xmlNodePtr node)
{
    xmlChar *t = xmlNodeGetContent(node);
    char *r = vm_strdup(t ? (const char *)t : "");

    xmlFree(t);
    return r;
}

static int value_of(xmlNodePtr value, json_object **out, int depth);

static int struct_of(xmlNodePtr node, json_object **out, int depth)
{
    json_object *obj = json_object_new_object();

    for (xmlNodePtr m = node->children; m; m = m->next) {
        xmlNodePtr name = NULL, value = NULL;
        json_object *v;
        if (m->type != XML_ELEMENT_NODE)
            continue;
        if (!is(m, "member"))
            goto bad_member;
        for (xmlNodePtr c = m->children; c; c = c->next) {
            if (is(c, "name") && !name)
                name = c;
            else if (is(c, "value") && !value)
                value = c;
            else if (c->type == XML_ELEMENT_NODE)
                goto bad_member;
        }
        if (!name || !value)
            goto bad_member;
        if (value_of(value, &v, depth + 1) < 0) {
            json_object_put(obj);
            return -1;
        }
        {
            VM_AUTOFREE char *key = text_of(name);
            json_object_object_add(obj, key, v);
        }
        continue;
    bad_member:
        json_object_put(obj);
        return bad(m, "a struct member that is not one <name> and one <value>: ",
                   (const char *)m->name);
    }
    *out = obj;
    return 0;
}

static int array_of(xmlNodePtr node, json_object **out, int depth)
{
    xmlNodePtr data;
    json_object *arr;

    if (only_child(node, &data) < 0)
        return -1;
    if (!is(data, "data"))
        return bad(node, "an <array> without its <data>", "");
    arr = json_object_new_array();
    for (xmlNodePtr c = data->children; c; c = c->next) {
        json_object *v;
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (!is(c, "value")) {
            json_object_put(arr);
            return bad(c, "not a <value> in an array's <data>: ", (const char *)c->name);
        }
        if (value_of(c, &v, depth + 1) < 0) {
            json_object_put(arr);
            return -1;
        }
        json_object_array_add(arr, v);
    }
    *out = arr;
    return 0;
}

static int int_of(xmlNodePtr node, json_object **out)
{
    VM_AUTOFREE char *t = vm_xml_text(node);
    char *end;
    long long v;

    errno = 0;
    v = strtoll(t, &end, 10);
    if (!*t || *end || errno)
        return bad(node, "an integer that is not one: ", t);
    *out = json_object_new_int64(v);
    return 0;
}

static int double_of(xmlNodePtr node, json_object **out)
{
    VM_AUTOFREE char *t = vm_xml_text(node);
    char *end;
    double v;

    errno = 0;
    v = strtod(t, &end);
    if (!*t || *end || errno == ERANGE)
        return bad(node, "a double that is not one: ", t);
    *out = json_object_new_double(v);
    return 0;
}

static int bool_of(xmlNodePtr node, json_object **out)
{
    VM_AUTOFREE char *t = vm_xml_text(node);

    if (strcmp(t, "0") != 0 && strcmp(t, "1") != 0)
        return bad(node, "a boolean that is not 0 or 1: ", t);
    *out = json_object_new_boolean(t[0] == '1');
    return 0;
}

static int value_of(xmlNodePtr value, json_object **out, int depth)
{
    xmlNodePtr t;
    const char *name;

    *out = NULL;
    if (depth > DEPTH_MAX)
        return bad(value, "values nested deeper than 32 levels", "");
    if (only_child(value, &t) < 0)
        return -1;
    if (!t) {
        /* an untyped value is a string (XenAPI's own examples send them) */
        VM_AUTOFREE char *s = text_of(value);
        *out = json_object_new_string(s);
        return 0;
    }
    name = (const char *)t->name;
    if (strcmp(name, "string") == 0 || strcmp(name, "dateTime.iso8601") == 0 ||
        strcmp(name, "base64") == 0) {
        VM_AUTOFREE char *s = text_of(t);
        *out = json_object_new_string(s);
        return 0;
    }
    if (strcmp(name, "int") == 0 || strcmp(name, "i4") == 0 || strcmp(name, "i8") == 0)
        return int_of(t, out);
    if (strcmp(name, "double") == 0)
        return double_of(t, out);
    if (strcmp(name, "boolean") == 0)
        return bool_of(t, out);
    if (strcmp(name, "struct") == 0)
        return struct_of(t, out, depth);
    if (strcmp(name, "array") == 0)
        return array_of(t, out, depth);
    if (strcmp(name, "nil") == 0) {
        *out = NULL;
        return 0;
    }
    return bad(t, "a value of unknown type: ", name);
}

/* A <fault>'s faultString, for the message. */
static int fault(xmlNodePtr f)
{
    xmlNodePtr v;
    json_object *obj = NULL, *s;
    int r;

    if (only_child(f, &v) < 0 || !is(v, "value") || value_of(v, &obj, 0) < 0)
        return bad(f, "a <fault> without a value", "");
    r = bad(f, "an XML-RPC fault where XenAPI answers with a Status: ",
            json_object_object_get_ex(obj, "faultString", &s) ? json_object_get_string(s)
                                                                : "(no faultString)");
    json_object_put(obj);
    return r;
}

int xen_xmlrpc_parse(const char *body, size_t len, json_object **result)
{
    xmlDocPtr doc;
    xmlNodePtr root, n;
    json_object *reply = NULL, *status, *v;
    int r = -1;

    *result = NULL;
    if (!(doc = vm_xml_read_max(body, len, "XenAPI reply", XEN_XMLRPC_MAX))) {
        /* a reply that is not XML is the peer's fault, not an input's */
        VM_AUTOFREE char *msg = vm_error_take();
        vm_report_error(VM_ERR_PROTOCOL, "malformed %s", msg);
        return -1;
    }
    root = xmlDocGetRootElement(doc);
    if (!is(root, "methodResponse")) {
        bad(root, "not a <methodResponse>: ", (const char *)root->name);
        goto out;
    }
    if (only_child(root, &n) < 0)
        goto out;
    if (is(n, "fault")) {
        fault(n);
        goto out;
    }
    if (!is(n, "params") || only_child(n, &n) < 0 || !is(n, "param") || only_child(n, &n) < 0 ||
        !is(n, "value")) {
        bad(root, "a <methodResponse> without one <params><param><value>", "");
        goto out;
    }
    if (value_of(n, &reply, 0) < 0)
        goto out;
    if (!json_object_is_type(reply, json_type_object) ||
        !json_object_object_get_ex(reply, "Status", &status) ||
        !json_object_is_type(status, json_type_string)) {
        bad(n, "a reply without a Status", "");
        goto out;
    }
    if (strcmp(json_object_get_string(status), "Success") == 0) {
        /* a void result is "" or absent */
        *result = json_object_object_get_ex(reply, "Value", &v) ? json_object_get(v) : NULL;
        r = 0;
    } else if (strcmp(json_object_get_string(status), "Failure") == 0) {
        if (!json_object_object_get_ex(reply, "ErrorDescription", &v) ||
            !json_object_is_type(v, json_type_array) || json_object_array_length(v) == 0) {
            bad(n, "a Failure without an ErrorDescription", "");
            goto out;
        }
        *result = json_object_get(v);
        r = 1;
    } else {
        bad(n, "a Status neither Success nor Failure: ", json_object_get_string(status));
    }
out:
    json_object_put(reply);
    xmlFreeDoc(doc);
    return r;
}
