/*
 * agentx_audit.c: the audit log of SETs (see agentx_audit.h).
 */
#include "config.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
#include <net-snmp/agent/agent_callbacks.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "agentx_audit.h"
#include "agentx_table.h"
#include "util/vm_alloc.h"

static bool listen_mode;

/* "udp:[ADDR]:PORT" of the peer, from what net-snmp's UDP transports keep
 * with each PDU (their f_fmtaddr needs the transport, which the access
 * callbacks do not get). */
static void peer_of(const netsnmp_pdu *pdu, char *buf, size_t size)
{
    const netsnmp_indexed_addr_pair *a = pdu ? pdu->transport_data : NULL;
    char host[INET6_ADDRSTRLEN] = "?";

    if (!a || pdu->transport_data_length < (int)sizeof(a->remote_addr)) {
        snprintf(buf, size, "an unknown address");
        return;
    }
    if (a->remote_addr.sa.sa_family == AF_INET) {
        inet_ntop(AF_INET, &a->remote_addr.sin.sin_addr, host, sizeof(host));
        snprintf(buf, size, "udp:%s:%u", host, ntohs(a->remote_addr.sin.sin_port));
    } else if (a->remote_addr.sa.sa_family == AF_INET6) {
        inet_ntop(AF_INET6, &a->remote_addr.sin6.sin6_addr, host, sizeof(host));
        snprintf(buf, size, "udp6:[%s]:%u", host, ntohs(a->remote_addr.sin6.sin6_port));
    } else {
        snprintf(buf, size, "an address of family %d", a->remote_addr.sa.sa_family);
    }
}

static char *requester_of(const netsnmp_pdu *pdu)
{
    char peer[96];

    if (!listen_mode)
        return vm_strdup("via the master agent (AgentX)");
    peer_of(pdu, peer, sizeof(peer));
    /* SNMPv3: the user; v1/v2c: only the address (the community is a
     * secret) */
    if (pdu && pdu->version == SNMP_VERSION_3 && pdu->securityName && pdu->securityNameLen)
        return vm_asprintf("by %s, user '%.*s'", peer, (int)pdu->securityNameLen,
                           pdu->securityName);
    return vm_asprintf("by %s", peer);
}

char *ax_requester(void *info)
{
    netsnmp_agent_request_info *reqinfo = info;

    return requester_of(reqinfo && reqinfo->asp ? reqinfo->asp->pdu : NULL);
}

void ax_audit_refused(void *reqinfo, const char *what, int snmp_err)
{
    VM_AUTOFREE char *who = ax_requester(reqinfo);

    snmp_log(LOG_WARNING, "SET %s: %s refused: %s\n", who, what,
             snmp_err >= 0 && snmp_err <= SNMP_ERR_INCONSISTENTNAME ? snmp_errstring(snmp_err)
                                                                    : "error");
}

/* Whether name lies in one of our subtrees (VM-MIB, VIRTMON-MIB). */
static bool ours(const oid *name, size_t len)
{
    static const oid vm_mib[] = {1, 3, 6, 1, 2, 1, 236};
    static const oid virtmon_mib[] = {VIRTMON_MIB};

    return (len >= OID_LENGTH(vm_mib) &&
            memcmp(name, vm_mib, sizeof(vm_mib)) == 0) ||
           (len >= OID_LENGTH(virtmon_mib) &&
            memcmp(name, virtmon_mib, sizeof(virtmon_mib)) == 0);
}

/* Runs after VACM's own callback of the same kind: errorcode holds its
 * verdict.  A SET refused here never reaches our handlers. */
static int on_access(int major, int minor, void *server, void *client)
{
    struct view_parameters *vp = server;
    static long last_reqid = -1;
    char what[256];
    char *who;

    if (!vp || !vp->pdu || vp->pdu->command != SNMP_MSG_SET || vp->errorcode == 0)
        return 0;
    /* one line per refused request, not one per varbind */
    if (vp->pdu->reqid == last_reqid)
        return 0;
    if (minor == SNMPD_CALLBACK_ACM_CHECK && !ours(vp->name, vp->namelen))
        return 0;
    last_reqid = vp->pdu->reqid;
    if (minor == SNMPD_CALLBACK_ACM_CHECK) {
        /* numeric, as the agent loads no MIB files */
        size_t n = 0;
        for (size_t i = 0; i < vp->namelen && n + 24 < sizeof(what); i++)
            n += (size_t)snprintf(what + n, sizeof(what) - n, ".%lu", (unsigned long)vp->name[i]);
    } else {
        snprintf(what, sizeof(what), "a request");
    }
    who = requester_of(vp->pdu);
    snmp_log(LOG_WARNING, "SET %s: %s refused by access control (%s)\n", who, what,
             minor == SNMPD_CALLBACK_ACM_CHECK_INITIAL
                 ? "unknown community or user, or no access at all"
                 : "not writable for this community or user");
    free(who);
    return 0;
}

void ax_audit_init(bool listen)
{
    listen_mode = listen;
    if (!listen)
        return;
    snmp_register_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_ACM_CHECK_INITIAL,
                           on_access, NULL);
    snmp_register_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_ACM_CHECK, on_access,
                           NULL);
}
