#include "config.h"

#include <stdio.h>
#include <string.h>

#include "vm_alloc.h"
#include "vm_buf.h"

static void vm_buf_reserve(struct vm_buf *buf, size_t more)
{
    size_t want = buf->len + more + 1;

    if (want <= buf->cap)
        return;
    if (want < buf->cap * 2)
        want = buf->cap * 2;
    if (want < 64)
        want = 64;
    vm_realloc_n(&buf->data, want, 1);
    buf->cap = want;
}

void vm_buf_add_len(struct vm_buf *buf, const char *s, size_t len)
{
    vm_buf_reserve(buf, len);
    memcpy(buf->data + buf->len, s, len);
    buf->len += len;
    buf->data[buf->len] = '\0';
}

void vm_buf_add(struct vm_buf *buf, const char *s)
{
    vm_buf_add_len(buf, s, strlen(s));
}

void vm_buf_add_char(struct vm_buf *buf, char c)
{
    vm_buf_add_len(buf, &c, 1);
}

void vm_buf_vaddf(struct vm_buf *buf, const char *fmt, va_list ap)
{
    va_list copy;
    int n;

    va_copy(copy, ap);
    n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0)
        return;
    vm_buf_reserve(buf, (size_t)n);
    vsnprintf(buf->data + buf->len, (size_t)n + 1, fmt, ap);
    buf->len += (size_t)n;
}

void vm_buf_addf(struct vm_buf *buf, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vm_buf_vaddf(buf, fmt, ap);
    va_end(ap);
}

void vm_buf_addf_line(struct vm_buf *buf, const char *fmt, ...)
{
    va_list ap;

    vm_buf_reserve(buf, (size_t)buf->indent);
    memset(buf->data + buf->len, ' ', (size_t)buf->indent);
    buf->len += (size_t)buf->indent;
    buf->data[buf->len] = '\0';
    va_start(ap, fmt);
    vm_buf_vaddf(buf, fmt, ap);
    va_end(ap);
}

void vm_buf_add_xml_escaped(struct vm_buf *buf, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': vm_buf_add(buf, "&lt;"); break;
        case '>': vm_buf_add(buf, "&gt;"); break;
        case '&': vm_buf_add(buf, "&amp;"); break;
        case '"': vm_buf_add(buf, "&quot;"); break;
        case '\'': vm_buf_add(buf, "&apos;"); break;
        default: vm_buf_add_char(buf, *s);
        }
    }
}

const char *vm_buf_str(const struct vm_buf *buf)
{
    return buf->data ? buf->data : "";
}

char *vm_buf_steal(struct vm_buf *buf)
{
    char *r = buf->data ? buf->data : vm_strdup("");

    buf->data = NULL;
    buf->len = buf->cap = 0;
    return r;
}

void vm_buf_clear(struct vm_buf *buf)
{
    free(buf->data);
    buf->data = NULL;
    buf->len = buf->cap = 0;
}
