#!/bin/sh
# agentx-start-listen.sh with virtmon-agentx answering SNMP itself (--listen): the same suite.
VM_SNMP_MODE=listen exec "$abs_top_srcdir/tests/integration/agentx-start.sh"
