/*
 * vm_rpc.h: virtmond's wire format, shared by the daemon and the remote
 * driver (docs/protocol.md describes it).  A message is a 28-byte header
 * of big-endian 32-bit fields -- length (of the whole message), program,
 * version, procedure, type, serial, status -- and a body of fields:
 * unsigned integers of 32 or 64 bits (big-endian), strings as a 32-bit
 * length and that many bytes (no NUL inside), arrays as a 32-bit count and
 * their elements.  Every field is checked as it is read: a short body, a
 * length past the limits or a NUL in a string fails the decoder, which
 * then reads nothing more.
 */
#ifndef VM_RPC_H
#define VM_RPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/vm_buf.h"

#define VM_RPC_PROGRAM 0x564d4f4eu      /* "VMON" */
#define VM_RPC_VERSION 1
#define VM_RPC_HEADER_LEN 28
/* the largest message either side accepts: a 10 MiB definition, or the
 * bulk stats of some 20,000 domains */
#define VM_RPC_MAX_MESSAGE (32u * 1024 * 1024)
#define VM_RPC_MAX_STRING (10u * 1024 * 1024)
#define VM_RPC_MAX_ARRAY 1000000u

enum vm_rpc_type {
    VM_RPC_CALL = 0,
    VM_RPC_REPLY = 1,
    VM_RPC_EVENT = 2,      /* daemon to client, unasked: a lifecycle event */
};

enum vm_rpc_status {
    VM_RPC_OK = 0,
    VM_RPC_ERROR = 1,      /* body: the error's code and message */
};

struct vm_rpc_header {
    uint32_t length, program, version, procedure, type, serial, status;
};

/* Reads a header from VM_RPC_HEADER_LEN bytes; 0 when it is one of ours
 * (program, version, type, status and length within bounds), -1 with *why
 * (a static text) otherwise. */
int vm_rpc_header_decode(const uint8_t *buf, struct vm_rpc_header *h, const char **why);

/* An encoder: a message being built (header first, length set at the end). */
struct vm_rpc_enc {
    struct vm_buf buf;
};

/* Starts a message with its header. */
void vm_rpc_enc_start(struct vm_rpc_enc *e, uint32_t procedure, uint32_t type, uint32_t serial,
                      uint32_t status);
void vm_rpc_put_u32(struct vm_rpc_enc *e, uint32_t v);
void vm_rpc_put_u64(struct vm_rpc_enc *e, uint64_t v);
void vm_rpc_put_i32(struct vm_rpc_enc *e, int32_t v);
void vm_rpc_put_bool(struct vm_rpc_enc *e, bool v);
void vm_rpc_put_double(struct vm_rpc_enc *e, double v);
/* A string; NULL is sent as absent (a flag, then the string). */
void vm_rpc_put_str(struct vm_rpc_enc *e, const char *s);
void vm_rpc_put_bytes(struct vm_rpc_enc *e, const void *p, size_t n);
/* Opaque data that may hold NULs (a SASL token): a present flag, then its
 * length and bytes; p NULL is absent, which differs from empty. */
void vm_rpc_put_blob(struct vm_rpc_enc *e, const void *p, size_t n);

/* Sets the length and hands the message over (caller frees); *len gets its
 * size.  NULL when it is over VM_RPC_MAX_MESSAGE (an error reported). */
uint8_t *vm_rpc_enc_finish(struct vm_rpc_enc *e, size_t *len);
void vm_rpc_enc_clear(struct vm_rpc_enc *e);

/* A decoder over a message's body. */
struct vm_rpc_dec {
    const uint8_t *p;
    size_t len, pos;
    const char *bad;       /* set at the first bad field: all reads then fail */
};

void vm_rpc_dec_init(struct vm_rpc_dec *d, const uint8_t *body, size_t len);
uint32_t vm_rpc_get_u32(struct vm_rpc_dec *d);
uint64_t vm_rpc_get_u64(struct vm_rpc_dec *d);
int32_t vm_rpc_get_i32(struct vm_rpc_dec *d);
bool vm_rpc_get_bool(struct vm_rpc_dec *d);
double vm_rpc_get_double(struct vm_rpc_dec *d);
/* A string of at most max bytes (caller frees), NULL when sent as absent
 * or when bad. */
char *vm_rpc_get_str(struct vm_rpc_dec *d, size_t max);
/* A blob of at most max bytes (caller frees; a NUL follows its bytes)
 * with its length in *n; NULL when absent or bad. */
char *vm_rpc_get_blob(struct vm_rpc_dec *d, size_t max, size_t *n);
/* n bytes into out. */
void vm_rpc_get_bytes(struct vm_rpc_dec *d, void *out, size_t n);
/* An array's count, at most max. */
uint32_t vm_rpc_get_count(struct vm_rpc_dec *d, uint32_t max);
/* 0 when every field read was good and nothing is left over, else -1 with
 * a protocol error reported (naming what). */
int vm_rpc_dec_done(struct vm_rpc_dec *d, const char *what);

#endif /* VM_RPC_H */
