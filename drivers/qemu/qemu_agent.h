/*
 * qemu_agent.h: talking to a guest's agent (qemu-guest-agent on the
 * org.qemu.guest_agent.0 channel).  The agent is the guest's, so it is
 * untrusted: every exchange has a deadline, every reply a size bound, and
 * what it sends is checked before use.
 */
#ifndef QEMU_AGENT_H
#define QEMU_AGENT_H

#include <stdbool.h>

#include "virtmon.h"

/* The largest reply read from an agent. */
#define QEMU_AGENT_REPLY_MAX (1024 * 1024)

/* Now on CLOCK_MONOTONIC, in ms (agent deadlines are absolute). */
long long qemu_agent_now_ms(void);

/* What the agent at sock tells: os, hostname, file systems, interfaces,
 * all before deadline_ms.  A command the agent refuses leaves its part
 * unknown.  NULL with an error when it does not sync or answer in time.
 * Free with vm_guest_info_free(). */
struct vm_guest_info *qemu_agent_guest_info(const char *sock, long long deadline_ms);

/* Asks the agent to power the guest off (reboot: to reboot it).  The agent
 * does not answer a shutdown; 0 once it took the command. */
int qemu_agent_shutdown(const char *sock, bool reboot, long long deadline_ms);

#endif /* QEMU_AGENT_H */
