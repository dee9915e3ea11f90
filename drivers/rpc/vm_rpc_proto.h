/*
 * vm_rpc_proto.h: virtmond's procedures (docs/protocol.md lists each with
 * its arguments and reply) and the codecs of the records they carry, one
 * per record, shared by the daemon and the remote driver.
 */
#ifndef VM_RPC_PROTO_H
#define VM_RPC_PROTO_H

#include "virtmon.h"
#include "vm_rpc.h"

/* The procedures, by number: docs/protocol.md gives each one's arguments
 * and reply (a test checks the two agree). */
enum vm_rpc_proc {
    VM_PROC_HELLO = 1,
    VM_PROC_OPEN,
    VM_PROC_GET_URI,
    VM_PROC_GET_TYPE,
    VM_PROC_GET_VERSION,
    VM_PROC_GET_HOSTNAME,
    VM_PROC_NODE_INFO,
    VM_PROC_NODE_CPU_STATS,
    VM_PROC_NODE_MEMORY_STATS,
    VM_PROC_LIST_DOMAINS,
    VM_PROC_ALL_STATS,
    VM_PROC_LOOKUP_NAME,
    VM_PROC_LOOKUP_UUID,
    VM_PROC_LOOKUP_ID,
    VM_PROC_DOMAIN_GET_ID,
    VM_PROC_DOMAIN_GET_INFO,
    VM_PROC_DOMAIN_GET_STATE,
    VM_PROC_DOMAIN_GET_CONTROL,
    VM_PROC_DOMAIN_GET_STATS,
    VM_PROC_DOMAIN_GET_XML,
    VM_PROC_DOMAIN_GET_DISPLAY,
    VM_PROC_DOMAIN_GET_VCPU_COUNT,
    VM_PROC_DOMAIN_GET_VCPUS,
    VM_PROC_DOMAIN_MEMORY_STATS,
    VM_PROC_DOMAIN_HAS_MANAGED_SAVE,
    VM_PROC_DOMAIN_GET_AUTOSTART,
    VM_PROC_DOMAIN_DEFINE,
    VM_PROC_DOMAIN_CREATE,
    VM_PROC_DOMAIN_START,
    VM_PROC_DOMAIN_SHUTDOWN,
    VM_PROC_DOMAIN_DESTROY,
    VM_PROC_DOMAIN_SUSPEND,
    VM_PROC_DOMAIN_RESUME,
    VM_PROC_DOMAIN_REBOOT,
    VM_PROC_DOMAIN_RESET,
    VM_PROC_DOMAIN_MANAGED_SAVE,
    VM_PROC_DOMAIN_UNDEFINE,
    VM_PROC_DOMAIN_SET_AUTOSTART,
    VM_PROC_DOMAIN_SET_MEMORY,
    VM_PROC_DOMAIN_SET_VCPUS,
    VM_PROC_DOMAIN_SAVE,
    VM_PROC_DOMAIN_RESTORE,
    VM_PROC_DOMAIN_GET_GUEST_INFO,
    VM_PROC_EVENT_REGISTER,
    VM_PROC_EVENT_DEREGISTER,
    VM_PROC_EVENT_LIFECYCLE,        /* the daemon's event messages */
    VM_PROC_AUTH_LIST,              /* between HELLO and OPEN: what the socket asks */
    VM_PROC_AUTH_SASL_INIT,
    VM_PROC_AUTH_SASL_START,
    VM_PROC_AUTH_SASL_STEP,
    VM_PROC_LAST
};

struct vm_rpc_proc_info {
    const char *name;       /* as docs/protocol.md lists it */
    bool mutating;          /* refused on the read-only socket */
    bool auth;              /* allowed before authentication (and before OPEN) */
};

/* What a socket asks of a client before OPEN (AUTH_LIST's reply). */
enum vm_rpc_auth {
    VM_RPC_AUTH_NONE = 0,
    VM_RPC_AUTH_SASL = 1,
};

/* SASL tokens are small; a bigger one is not a SASL token. */
#define VM_RPC_SASL_MAX 65536

/* What a procedure is; NULL for a number that is none. */
const struct vm_rpc_proc_info *vm_rpc_proc_info(uint32_t proc);

/* A domain reference: what the remote driver's handles carry. */
void vm_rpc_put_domain(struct vm_rpc_enc *e, const char *name, const unsigned char *uuid, int id);
/* The same for a handle: its name, UUID and the id it was found with (a
 * handle a call has just made or looked up: no new question to the
 * driver, which for a list of QEMU domains would be a look each). */
void vm_rpc_put_handle(struct vm_rpc_enc *e, const struct vm_domain *dom);
/* Reads one: *name (caller frees), uuid, *id. */
void vm_rpc_get_domain(struct vm_rpc_dec *d, char **name, unsigned char uuid[VM_UUID_BUFLEN],
                       int *id);

void vm_rpc_put_error(struct vm_rpc_enc *e, int code, const char *message);
/* Reads an error reply's body and reports it as this thread's error. */
void vm_rpc_get_error(struct vm_rpc_dec *d);

void vm_rpc_put_info(struct vm_rpc_enc *e, const struct vm_domain_info *info);
void vm_rpc_get_info(struct vm_rpc_dec *d, struct vm_domain_info *info);
void vm_rpc_put_node_info(struct vm_rpc_enc *e, const struct vm_node_info *info);
void vm_rpc_get_node_info(struct vm_rpc_dec *d, struct vm_node_info *info);
void vm_rpc_put_cpu_stats(struct vm_rpc_enc *e, const struct vm_node_cpu_stats *s);
void vm_rpc_get_cpu_stats(struct vm_rpc_dec *d, struct vm_node_cpu_stats *s);
void vm_rpc_put_mem_stats(struct vm_rpc_enc *e, const struct vm_node_memory_stats *s);
void vm_rpc_get_mem_stats(struct vm_rpc_dec *d, struct vm_node_memory_stats *s);

/* A stats record (guest info included); get returns a new one (free with
 * vm_domain_stats_free()), NULL when the decoder went bad. */
void vm_rpc_put_stats(struct vm_rpc_enc *e, const struct vm_domain_stats *st);
struct vm_domain_stats *vm_rpc_get_stats(struct vm_rpc_dec *d);

/* What a guest agent told (NULL: nothing, sent as absent); get returns a
 * new record (free with vm_guest_info_free()) or NULL. */
void vm_rpc_put_guest(struct vm_rpc_enc *e, const struct vm_guest_info *g);
struct vm_guest_info *vm_rpc_get_guest(struct vm_rpc_dec *d);

void vm_rpc_put_vcpus(struct vm_rpc_enc *e, const struct vm_vcpu_list *l);
struct vm_vcpu_list *vm_rpc_get_vcpus(struct vm_rpc_dec *d);

#endif /* VM_RPC_PROTO_H */
