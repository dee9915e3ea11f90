/*
 * vm_buf.h: a growable string buffer.  Allocation aborts on OOM, so adding
 * never fails; the contents are always NUL-terminated.
 */
#ifndef VM_BUF_H
#define VM_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct vm_buf {
    char *data;
    size_t len;
    size_t cap;
    int indent;     /* spaces put before each line started by vm_buf_addf_line */
};

#define VM_BUF_INIT { NULL, 0, 0, 0 }

void vm_buf_add(struct vm_buf *buf, const char *s);
void vm_buf_add_len(struct vm_buf *buf, const char *s, size_t len);
void vm_buf_add_char(struct vm_buf *buf, char c);
void vm_buf_addf(struct vm_buf *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vm_buf_vaddf(struct vm_buf *buf, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* Adds the current indentation, then the formatted text. */
void vm_buf_addf_line(struct vm_buf *buf, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Adds s escaped for XML text and attribute values. */
void vm_buf_add_xml_escaped(struct vm_buf *buf, const char *s);

/* The contents ("" when empty); owned by buf. */
const char *vm_buf_str(const struct vm_buf *buf);

/* Hands the contents to the caller (free with free()) and empties buf.
 * Never NULL. */
char *vm_buf_steal(struct vm_buf *buf);

/* Frees the contents. */
void vm_buf_clear(struct vm_buf *buf);

#endif /* VM_BUF_H */
