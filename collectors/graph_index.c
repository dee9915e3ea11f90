/*
 * graph_index.c: virtmon-graph's index.html: the host on top, then one
 * section per domain, titled by its name.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "graph.h"
#include "util/vm_alloc.h"
#include "util/vm_buf.h"
#include "util/vm_error.h"
#include "util/vm_file.h"

static void images(struct vm_buf *b, const struct graph_image *imgs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        vm_buf_add(b, "<figure>");
        if (imgs[i].error) {
            vm_buf_add(b, "<figcaption>");
            vm_buf_add_xml_escaped(b, imgs[i].caption);
            vm_buf_add(b, ": not drawn: ");
            vm_buf_add_xml_escaped(b, imgs[i].error);
            vm_buf_add(b, "</figcaption>");
        } else {
            vm_buf_add(b, "<img src=\"");
            vm_buf_add_xml_escaped(b, imgs[i].file);
            vm_buf_add(b, "\" alt=\"");
            vm_buf_add_xml_escaped(b, imgs[i].caption);
            vm_buf_add(b, "\">");
        }
        vm_buf_add(b, "</figure>\n");
    }
}

int graph_write_index(const struct graph_opts *o, const struct graph_image *host, size_t nhost,
                      const struct graph_domain *doms, struct graph_image *const *dom_imgs,
                      const size_t *dom_nimgs, size_t ndoms)
{
    struct vm_buf b = VM_BUF_INIT;
    VM_AUTOFREE char *path = vm_asprintf("%s/index.html", o->out);
    int rc;

    vm_buf_add(&b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                   "<title>virtmon: ");
    vm_buf_add_xml_escaped(&b, o->dir);
    vm_buf_add(&b, "</title>\n<style>\nbody { font-family: sans-serif; margin: 1em 2em; }\n"
                   "figure { display: inline-block; margin: 0.5em; }\n"
                   "section { border-top: 1px solid #ccc; }\n"
                   ".uuid { color: #666; font-size: smaller; font-weight: normal; }\n"
                   "</style>\n</head>\n<body>\n<h1>");
    vm_buf_add_xml_escaped(&b, o->dir);
    vm_buf_add(&b, "</h1>\n<p>From ");
    vm_buf_add_xml_escaped(&b, o->start);
    vm_buf_add(&b, " to ");
    vm_buf_add_xml_escaped(&b, o->end);
    vm_buf_add(&b, ".</p>\n");
    if (nhost) {
        vm_buf_add(&b, "<section id=\"host\">\n<h2>Host</h2>\n");
        images(&b, host, nhost);
        vm_buf_add(&b, "</section>\n");
    }
    for (size_t i = 0; i < ndoms; i++) {
        vm_buf_add(&b, "<section id=\"");
        vm_buf_add_xml_escaped(&b, doms[i].uuid);
        vm_buf_add(&b, "\">\n<h2>");
        vm_buf_add_xml_escaped(&b, doms[i].name);
        vm_buf_add(&b, " <span class=\"uuid\">");
        vm_buf_add_xml_escaped(&b, doms[i].uuid);
        vm_buf_add(&b, "</span></h2>\n");
        images(&b, dom_imgs[i], dom_nimgs[i]);
        vm_buf_add(&b, "</section>\n");
    }
    vm_buf_add(&b, "</body>\n</html>\n");
    rc = vm_file_write_atomic(path, vm_buf_str(&b), b.len, 0644);
    vm_buf_clear(&b);
    return rc;
}
