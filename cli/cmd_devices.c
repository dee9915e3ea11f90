/*
 * cmd_devices.c: the device lists of a domain (virsh's domiflist and
 * domblklist), read from its XML as virsh reads them, so that every driver
 * that gives its XML serves them.
 */
#include "config.h"

#include <string.h>

#include <libxml/tree.h>

#include "cli.h"
#include "cli_handlers.h"
#include "util/vm_alloc.h"
#include "util/vm_handles.h"
#include "util/vm_error.h"
#include "util/vm_xml.h"
#include "virtmon.h"

/* The domain's live XML parsed; NULL after printing the error. */
static xmlDocPtr domain_doc(struct cli_ctx *ctx, const char *what, char **name_out)
{
    VM_AUTOPTR(vm_domain) dom = cli_arg_domain(ctx, what);
    char *xml;
    xmlDocPtr doc = NULL;

    if (!dom)
        return NULL;
    *name_out = vm_strdup(vm_domain_get_name(dom));
    if (!(xml = vm_domain_get_xml(dom, 0)) ||
        !(doc = vm_xml_read(xml, strlen(xml), "the domain's XML")))
        cli_lib_error("failed to get the XML of domain '%s'", *name_out);
    free(xml);
    return doc;
}

/* An attribute of the first child called child (or of node itself when
 * child is NULL), "-" when absent, as virsh prints it.  Caller frees. */
static char *attr_or_dash(xmlNodePtr node, const char *child, const char *attr)
{
    xmlNodePtr n = node;
    xmlChar *v;
    char *r;

    if (child) {
        for (n = node->children; n; n = n->next) {
            if (n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, child) == 0)
                break;
        }
    }
    if (!n || !(v = xmlGetProp(n, (const xmlChar *)attr)))
        return vm_strdup("-");
    r = vm_strdup((const char *)v);
    xmlFree(v);
    return r;
}

/* The first of attrs present on node's <source>, "-" when none is. */
static char *source_of(xmlNodePtr node, const char *const *attrs)
{
    for (const char *const *a = attrs; *a; a++) {
        char *v = attr_or_dash(node, "source", *a);
        if (strcmp(v, "-") != 0)
            return v;
        free(v);
    }
    return vm_strdup("-");
}

/* Every <devices>/<element> of doc, in order, to each(). */
static void each_device(xmlDocPtr doc, const char *element,
                        void (*each)(xmlNodePtr, struct cli_table *), struct cli_table *t)
{
    for (xmlNodePtr d = xmlDocGetRootElement(doc)->children; d; d = d->next) {
        if (d->type != XML_ELEMENT_NODE || strcmp((const char *)d->name, "devices") != 0)
            continue;
        for (xmlNodePtr n = d->children; n; n = n->next) {
            if (n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, element) == 0)
                each(n, t);
        }
    }
}

static void interface_row(xmlNodePtr n, struct cli_table *t)
{
    static const char *const sources[] = {"bridge", "dev", "network", NULL};
    char *cells[5] = {attr_or_dash(n, "target", "dev"), attr_or_dash(n, NULL, "type"),
                      source_of(n, sources), attr_or_dash(n, "model", "type"),
                      attr_or_dash(n, "mac", "address")};

    cli_table_add_row(t, (const char *const *)cells);
    for (int i = 0; i < 5; i++)
        free(cells[i]);
}

int cli_cmd_domiflist(struct cli_ctx *ctx, const struct cli_args *args)
{
    static const char *const header[] = {"Interface", "Type", "Source", "Model", "MAC"};
    VM_AUTOFREE char *name = NULL;
    xmlDocPtr doc = domain_doc(ctx, args->pos[0], &name);
    struct cli_table *t;

    if (!doc)
        return 1;
    t = cli_table_new(5, header);
    each_device(doc, "interface", interface_row, t);
    cli_table_print(t, ctx->out, true);
    cli_table_free(t);
    xmlFreeDoc(doc);
    return 0;
}

static void disk_row(xmlNodePtr n, struct cli_table *t)
{
    static const char *const sources[] = {"file", "dev", "dir", "name", "volume", NULL};
    char *cells[4] = {attr_or_dash(n, NULL, "type"), attr_or_dash(n, NULL, "device"),
                      attr_or_dash(n, "target", "dev"), source_of(n, sources)};

    cli_table_add_row(t, (const char *const *)cells);
    for (int i = 0; i < 4; i++)
        free(cells[i]);
}

static void disk_row_short(xmlNodePtr n, struct cli_table *t)
{
    static const char *const sources[] = {"file", "dev", "dir", "name", "volume", NULL};
    char *cells[2] = {attr_or_dash(n, "target", "dev"), source_of(n, sources)};

    cli_table_add_row(t, (const char *const *)cells);
    free(cells[0]);
    free(cells[1]);
}

int cli_cmd_domblklist(struct cli_ctx *ctx, const struct cli_args *args)
{
    static const char *const details[] = {"Type", "Device", "Target", "Source"};
    static const char *const plain[] = {"Target", "Source"};
    bool detailed = cli_flag(args, "details");
    VM_AUTOFREE char *name = NULL;
    xmlDocPtr doc = domain_doc(ctx, args->pos[0], &name);
    struct cli_table *t;

    if (!doc)
        return 1;
    t = cli_table_new(detailed ? 4 : 2, detailed ? details : plain);
    each_device(doc, "disk", detailed ? disk_row : disk_row_short, t);
    cli_table_print(t, ctx->out, true);
    cli_table_free(t);
    xmlFreeDoc(doc);
    return 0;
}
