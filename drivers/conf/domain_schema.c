/*
 * domain_schema.c: validation against drivers/conf/schemas/domain.rng.  The
 * schema text is compiled into the library (domain_rng.c is generated from
 * the .rng at build time), so validation never depends on where, or whether,
 * the installed copy is.
 */
#include "config.h"

#include <pthread.h>
#include <string.h>

#include <libxml/relaxng.h>

#include "domain_conf.h"
#include "util/vm_alloc.h"
#include "util/vm_error.h"

extern const char vm_domain_rng_text[];

static pthread_once_t schema_once = PTHREAD_ONCE_INIT;
static xmlRelaxNGPtr schema;

static void schema_load(void)
{
    xmlRelaxNGParserCtxtPtr ctxt =
        xmlRelaxNGNewMemParserCtxt(vm_domain_rng_text, (int)strlen(vm_domain_rng_text));

    if (ctxt) {
        schema = xmlRelaxNGParse(ctxt);
        xmlRelaxNGFreeParserCtxt(ctxt);
    }
}

/* The first validity error: libxml2 reports several, the first is the cause. */
struct first_error {
    bool set;
    long line;
    char *element;
    char *message;
};

static void collect(void *data, xmlErrorPtr err)
{
    struct first_error *fe = data;
    size_t n;

    if (fe->set || !err)
        return;
    fe->set = true;
    fe->line = err->node ? xmlGetLineNo((xmlNodePtr)err->node) : err->line;
    if (err->node && ((xmlNodePtr)err->node)->name)
        fe->element = vm_strdup((const char *)((xmlNodePtr)err->node)->name);
    fe->message = vm_strdup(err->message ? err->message : "invalid");
    n = strlen(fe->message);
    while (n > 0 && (fe->message[n - 1] == '\n' || fe->message[n - 1] == ' '))
        fe->message[--n] = '\0';
}

int vm_domain_schema_validate(xmlDocPtr doc, const char *what)
{
    xmlRelaxNGValidCtxtPtr vctxt;
    struct first_error fe = {0};
    int r;

    pthread_once(&schema_once, schema_load);
    if (!schema) {
        vm_report_error(VM_ERR_INTERNAL, "the built-in domain schema does not compile");
        return -1;
    }
    if (!(vctxt = xmlRelaxNGNewValidCtxt(schema))) {
        vm_report_error(VM_ERR_INTERNAL, "cannot create a RelaxNG validation context");
        return -1;
    }
    xmlRelaxNGSetValidStructuredErrors(vctxt, collect, &fe);
    r = xmlRelaxNGValidateDoc(vctxt, doc);
    xmlRelaxNGFreeValidCtxt(vctxt);
    if (r != 0) {
        if (fe.set)
            vm_report_error(VM_ERR_XML, "%s: line %ld: element '%s' does not match the schema: %s",
                            what, fe.line, fe.element ? fe.element : "?", fe.message);
        else
            vm_report_error(VM_ERR_XML, "%s: does not match the domain schema", what);
    }
    free(fe.element);
    free(fe.message);
    return r == 0 ? 0 : -1;
}
