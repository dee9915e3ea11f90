/*
 * vm_rpc.c: encoding and checked decoding of virtmond's messages.
 */
#include "config.h"

#include <string.h>

#include "util/vm_alloc.h"
#include "util/vm_error.h"
#include "vm_rpc.h"

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

int vm_rpc_header_decode(const uint8_t *buf, struct vm_rpc_header *h, const char **why)
{
    h->length = be32(buf);
    h->program = be32(buf + 4);
    h->version = be32(buf + 8);
    h->procedure = be32(buf + 12);
    h->type = be32(buf + 16);
    h->serial = be32(buf + 20);
    h->status = be32(buf + 24);
    if (h->length < VM_RPC_HEADER_LEN || h->length > VM_RPC_MAX_MESSAGE)
        *why = "a message length out of bounds";
    else if (h->program != VM_RPC_PROGRAM)
        *why = "not virtmond's protocol";
    else if (h->version != VM_RPC_VERSION)
        *why = "a protocol version this side does not speak";
    else if (h->type > VM_RPC_EVENT)
        *why = "an unknown message type";
    else if (h->status > VM_RPC_ERROR)
        *why = "an unknown status";
    else
        return 0;
    return -1;
}

void vm_rpc_enc_start(struct vm_rpc_enc *e, uint32_t procedure, uint32_t type, uint32_t serial,
                      uint32_t status)
{
    const uint32_t h[7] = {0, VM_RPC_PROGRAM, VM_RPC_VERSION, procedure, type, serial, status};

    e->buf = (struct vm_buf)VM_BUF_INIT;
    for (int i = 0; i < 7; i++)
        vm_rpc_put_u32(e, h[i]);
}

/* n bytes of room at the end of e's buffer (its NUL after them kept). */
static uint8_t *room(struct vm_rpc_enc *e, size_t n)
{
    uint8_t *p;

    /* the common case, a field into room already there, without a call */
    if (e->buf.len + n >= e->buf.cap) {
        vm_buf_add_len(&e->buf, "\0\0\0\0\0\0\0\0", n);
        return (uint8_t *)e->buf.data + e->buf.len - n;
    }
    p = (uint8_t *)e->buf.data + e->buf.len;
    e->buf.len += n;
    e->buf.data[e->buf.len] = '\0';
    return p;
}

void vm_rpc_put_u32(struct vm_rpc_enc *e, uint32_t v)
{
    put_be32(room(e, 4), v);
}

void vm_rpc_put_u64(struct vm_rpc_enc *e, uint64_t v)
{
    uint8_t *p = room(e, 8);

    put_be32(p, (uint32_t)(v >> 32));
    put_be32(p + 4, (uint32_t)v);
}

void vm_rpc_put_i32(struct vm_rpc_enc *e, int32_t v)
{
    vm_rpc_put_u32(e, (uint32_t)v);
}

void vm_rpc_put_bool(struct vm_rpc_enc *e, bool v)
{
    vm_rpc_put_u32(e, v ? 1 : 0);
}

void vm_rpc_put_double(struct vm_rpc_enc *e, double v)
{
    uint64_t bits;

    memcpy(&bits, &v, sizeof(bits));
    vm_rpc_put_u64(e, bits);
}

void vm_rpc_put_str(struct vm_rpc_enc *e, const char *s)
{
    vm_rpc_put_bool(e, s != NULL);
    if (s)
        vm_rpc_put_bytes(e, s, strlen(s));
}

void vm_rpc_put_bytes(struct vm_rpc_enc *e, const void *p, size_t n)
{
    vm_rpc_put_u32(e, (uint32_t)n);
    vm_buf_add_len(&e->buf, p, n);
}

void vm_rpc_put_blob(struct vm_rpc_enc *e, const void *p, size_t n)
{
    vm_rpc_put_bool(e, p != NULL);
    if (p)
        vm_rpc_put_bytes(e, p, n);
}

uint8_t *vm_rpc_enc_finish(struct vm_rpc_enc *e, size_t *len)
{
    if (e->buf.len > VM_RPC_MAX_MESSAGE) {
        vm_report_error(VM_ERR_OVERFLOW, "a message of %zu bytes is over the protocol's %u",
                        e->buf.len, VM_RPC_MAX_MESSAGE);
        vm_rpc_enc_clear(e);
        return NULL;
    }
    *len = e->buf.len;
    put_be32((uint8_t *)e->buf.data, (uint32_t)e->buf.len);
    return (uint8_t *)vm_buf_steal(&e->buf);
}

void vm_rpc_enc_clear(struct vm_rpc_enc *e)
{
    vm_buf_clear(&e->buf);
}

void vm_rpc_dec_init(struct vm_rpc_dec *d, const uint8_t *body, size_t len)
{
    d->p = body;
    d->len = len;
    d->pos = 0;
    d->bad = NULL;
}

/* The next n bytes, or NULL (the decoder marked bad) when there are not
 * that many. */
static const uint8_t *take(struct vm_rpc_dec *d, size_t n, const char *what)
{
    const uint8_t *p;

    if (d->bad)
        return NULL;
    if (n > d->len - d->pos) {
        d->bad = what;
        return NULL;
    }
    p = d->p + d->pos;
    d->pos += n;
    return p;
}

uint32_t vm_rpc_get_u32(struct vm_rpc_dec *d)
{
    const uint8_t *p = take(d, 4, "a message cut short");

    return p ? be32(p) : 0;
}

uint64_t vm_rpc_get_u64(struct vm_rpc_dec *d)
{
    uint64_t hi = vm_rpc_get_u32(d);

    return hi << 32 | vm_rpc_get_u32(d);
}

int32_t vm_rpc_get_i32(struct vm_rpc_dec *d)
{
    return (int32_t)vm_rpc_get_u32(d);
}

bool vm_rpc_get_bool(struct vm_rpc_dec *d)
{
    uint32_t v = vm_rpc_get_u32(d);

    if (v > 1 && !d->bad)
        d->bad = "a boolean neither 0 nor 1";
    return v == 1;
}

double vm_rpc_get_double(struct vm_rpc_dec *d)
{
    uint64_t bits = vm_rpc_get_u64(d);
    double v;

    memcpy(&v, &bits, sizeof(v));
    return v;
}

char *vm_rpc_get_str(struct vm_rpc_dec *d, size_t max)
{
    uint32_t n;
    const uint8_t *p;

    if (!vm_rpc_get_bool(d))
        return NULL;
    n = vm_rpc_get_u32(d);
    if (!d->bad && n > max)
        d->bad = "a string over its limit";
    if (!(p = take(d, n, "a string cut short")))
        return NULL;
    if (memchr(p, '\0', n)) {
        d->bad = "a string with a NUL inside";
        return NULL;
    }
    return vm_strndup((const char *)p, n);
}

char *vm_rpc_get_blob(struct vm_rpc_dec *d, size_t max, size_t *n)
{
    uint32_t len;
    const uint8_t *p;
    char *out;

    *n = 0;
    if (!vm_rpc_get_bool(d))
        return NULL;
    len = vm_rpc_get_u32(d);
    if (!d->bad && len > max)
        d->bad = "a blob over its limit";
    if (!(p = take(d, len, "a blob cut short")))
        return NULL;
    out = vm_calloc((size_t)len + 1, 1);
    memcpy(out, p, len);
    out[len] = '\0';
    *n = len;
    return out;
}

void vm_rpc_get_bytes(struct vm_rpc_dec *d, void *out, size_t n)
{
    uint32_t len = vm_rpc_get_u32(d);
    const uint8_t *p;

    if (!d->bad && len != n)
        d->bad = "a field of the wrong size";
    if ((p = take(d, n, "a field cut short")))
        memcpy(out, p, n);
    else
        memset(out, 0, n);
}

uint32_t vm_rpc_get_count(struct vm_rpc_dec *d, uint32_t max)
{
    uint32_t n = vm_rpc_get_u32(d);

    /* every element takes at least 4 bytes: a count beyond what is left is
     * a lie, refused before anything is allocated for it */
    if (!d->bad && (n > max || n > (d->len - d->pos) / 4))
        d->bad = "an array count out of bounds";
    return d->bad ? 0 : n;
}

int vm_rpc_dec_done(struct vm_rpc_dec *d, const char *what)
{
    if (!d->bad && d->pos != d->len)
        d->bad = "bytes left over";
    if (!d->bad)
        return 0;
    vm_report_error(VM_ERR_PROTOCOL, "malformed %s: %s", what, d->bad);
    return -1;
}
