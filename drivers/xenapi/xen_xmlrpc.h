/*
 * xen_xmlrpc.h: XML-RPC as XenAPI speaks it.  Values are json-c objects
 * both ways (strings, 64-bit ints, doubles, booleans, structs as objects,
 * arrays), so the driver reads records with json-c's accessors.
 *
 * XenAPI's quirks are the rule here: ints travel as strings of digits, an
 * untyped <value>text</value> is a string, and every reply is a struct
 * {Status, Value} or {Status, ErrorDescription} rather than a <fault>.
 */
#ifndef XEN_XMLRPC_H
#define XEN_XMLRPC_H

#include <json-c/json.h>
#include <stddef.h>

/* Largest reply accepted (VM.get_all_records of a big pool is megabytes). */
#define XEN_XMLRPC_MAX (64 * 1024 * 1024)

/* A methodCall document for method with params (a json array, may be
 * NULL).  Strings and ints become <string> (XenAPI sends ints as digit
 * strings), doubles <double>, booleans <boolean>, objects <struct>, arrays
 * <array>.  NULL (invalid-arg) when a string holds a character XML cannot
 * carry.  Caller frees. */
char *xen_xmlrpc_call(const char *method, json_object *params);

/* Parses a XenAPI reply of len bytes: 0 with *result the Value (Success),
 * 1 with *result the ErrorDescription array (Failure), -1 with a protocol
 * error naming what was wrong (not XML, not a methodResponse, a <fault>,
 * a malformed value, no Status).  *result is the caller's (json_object_put). */
int xen_xmlrpc_parse(const char *body, size_t len, json_object **result);

#endif /* XEN_XMLRPC_H */
