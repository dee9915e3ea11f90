/*
 * agentx_audit.h: the audit log of SETs.  Every SET that changes
 * or tries to change a domain, refusals included, leaves one line with the
 * operation, the domain, the result and the requester: in --listen mode its
 * transport address and SNMPv3 user (refusals by access control included,
 * caught where net-snmp decides them); through a master agent, AgentX hides
 * the requester, so the line says so.  A community string is a secret and
 * is never logged.
 */
#ifndef AGENTX_AUDIT_H
#define AGENTX_AUDIT_H

#include <stdbool.h>

/* listen: whether the agent answers SNMP itself.  In that mode it also
 * registers for net-snmp's access-control decisions (call after
 * init_snmp). */
void ax_audit_init(bool listen);

/* "by ADDRESS" or "by ADDRESS, user 'NAME'" (--listen), or "via the master
 * agent (AgentX)": who sent the SET being processed (net-snmp's
 * agent_request_info, void here to keep the header plain).  Caller frees. */
char *ax_requester(void *reqinfo);

/* Logs a SET refused before anything was done: what it asked ("start of
 * domain 'x'", "virtmonVmAction.3 = 9"), and the SNMP error it gets. */
void ax_audit_refused(void *reqinfo, const char *what, int snmp_err);

#endif /* AGENTX_AUDIT_H */
