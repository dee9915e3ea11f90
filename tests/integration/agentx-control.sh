#!/bin/sh
# agentx-control.sh: control through VIRTMON-MIB SETs on the in-memory test
# driver: opt-in per operation, SNMP's error codes for bad SETs, nothing
# changed by a refused or failed one, the next GET shows a successful one,
# and every change is logged.
. "$abs_top_srcdir/tests/lib.sh"
. "$abs_top_srcdir/tests/snmp-lib.sh"

snmpd_start
agent_start -c test:///default -i 1 --state-dir "$VM_TMP/st" \
    --allow-control=start,shutdown,suspend,resume,destroy,reboot,reset
wait_value VM-MIB::vmNumber.0 5 30
ok $? "the subagent serves test:///default"
idx() { snmp snmpbulkwalk -Oqn VM-MIB::vmName | awk -v n="$1" '$2 == n { sub(/.*\./, "", $1); print $1 }'; }
web1=$(idx web1); db1=$(idx db1); idle1=$(idx idle1); huge1=$(idx huge1); test1=$(idx test)
oper() { snmp snmpget -Oqv VM-MIB::vmOperState.$1; }
set_ok() {  # set_ok DESCRIPTION ARGS...: a SET that must succeed
    _d=$1; shift
    out=$(snmp snmpset private "$@")
    like "$out" "= INTEGER" "$_d"
}
set_err() {  # set_err ERROR DESCRIPTION ARGS...
    _e=$1 _d=$2; shift 2
    out=$(snmp snmpset private "$@")
    like "$out" "$_e" "$_d"
}

set_ok "virtmonVmAdminState paused suspends web1" VIRTMON-MIB::virtmonVmAdminState.$web1 i 3
is "$(oper $web1)" paused "the next GET shows vmOperState paused"
set_ok "running resumes it" VIRTMON-MIB::virtmonVmAdminState.$web1 i 1
is "$(oper $web1)" running "vmOperState running"
set_ok "running starts a shut-off domain" VIRTMON-MIB::virtmonVmAdminState.$idle1 i 1
is "$(oper $idle1)" running "idle1 runs"
set_ok "shutdown shuts it down" VIRTMON-MIB::virtmonVmAdminState.$idle1 i 4
is "$(oper $idle1)" shutdown "idle1 is shut down"
set_ok "virtmonVmAction destroy forces huge1 off" VIRTMON-MIB::virtmonVmAction.$huge1 i 2
is "$(oper $huge1)" shutdown "huge1 is off"
is "$(snmp snmpget -Oqv VIRTMON-MIB::virtmonVmAction.$huge1)" none "virtmonVmAction reads none"

out=$(snmpset -v2c -c private -m '' "127.0.0.1:$SNMP_PORT" \
    .1.3.6.1.4.1.8072.9999.9999.236.1.2.1.1.$web1 s x 2>&1)
like "$out" "wrongType" "a string for virtmonVmAdminState is wrongType"
set_err wrongValue "a value outside the enumeration is wrongValue" \
    VIRTMON-MIB::virtmonVmAdminState.$web1 i 9
set_err inconsistentValue "pausing a shut-off domain is inconsistentValue" \
    VIRTMON-MIB::virtmonVmAdminState.$idle1 i 3
set_err inconsistentValue "destroying a shut-off domain is inconsistentValue" \
    VIRTMON-MIB::virtmonVmAction.$idle1 i 2
set_err notWritable "an operation not enabled (save) is notWritable" \
    VIRTMON-MIB::virtmonVmAdminState.$web1 i 2
set_err notWritable "autostart, not enabled, is notWritable" \
    VIRTMON-MIB::virtmonVmAutoStart.$web1 i 1
set_err notWritable "a read-only column is notWritable" VIRTMON-MIB::virtmonVmId.$web1 i 7
out=$(snmp snmpset VIRTMON-MIB::virtmonVmAdminState.$web1 i 3)
like "$out" "noAccess" "a read-only community gets the master's noAccess"
# a SET with one bad varbind is refused as a whole
out=$(snmp snmpset private VIRTMON-MIB::virtmonVmAdminState.$test1 i 3 \
    VIRTMON-MIB::virtmonVmAdminState.$idle1 i 3)
like "$out" "inconsistentValue" "a two-varbind SET with one bad varbind is refused"
is "$(oper $web1) $(oper $idle1) $(oper $test1) $(oper $db1)" "running shutdown running paused" \
    "none of the refused SETs changed anything"

# SNMPv3 as docs/snmpd.conf.example configures it: authPriv writes,
# authNoPriv is refused by the master before the subagent sees it
out=$(snmpv3 snmpset authNoPriv VIRTMON-MIB::virtmonVmAdminState.$db1 i 1)
like "$out" "authorizationError|noAccess" "an authNoPriv SET is refused by snmpd"
is "$(oper $db1)" paused "and changes nothing"
out=$(snmpv3 snmpset authPriv VIRTMON-MIB::virtmonVmAdminState.$db1 i 1)
like "$out" "virtmonVmAdminState" "the documented authPriv user may SET"
is "$(oper $db1)" running "and db1 runs"
out=$(snmpv3 snmpset authPriv VM-MIB::vmPerVMNotificationsEnabled.0 i 1)
like "$out" "vmPerVMNotificationsEnabled" "and switch notifications"
out=$(snmpv3 snmpset authPriv .1.3.6.1.2.1.1.4.0 s x)
like "$out" "noAccess|notWritable|authorizationError" "but nothing outside the control view"
out=$(snmpv3 snmpget authPriv VM-MIB::vmName.$db1)
like "$out" "db1" "and it reads the VM-MIB view"

L="$VM_TMP/snmp/agent.log"
grep -q "SET .*: suspend of domain 'web1' done" "$L"
ok $? "the audit log names operation, domain and result"
grep -q "SET .*: virtmonVmAdminState = 9 of domain 'web1' refused: .*wrongValue" "$L"
ok $? "a refused SET (wrongValue) leaves its line too"
grep -q "SET .*: virtmonVmAdminState = 3 of domain 'idle1' refused: .*inconsistentValue" "$L"
ok $? "and an impossible transition"
grep -q "SET .*: virtmonVmAdminState = 2 of domain 'web1' refused: .*notWritable" "$L"
ok $? "and an operation not enabled"
! grep -Eq "public|private|secret" "$L"
ok $? "no line holds a community string or a password"
if [ "${VM_SNMP_MODE:-agentx}" = listen ]; then
    # answering SNMP itself the agent knows who asked (AgentX does not say)
    grep -q "SET by udp:127.0.0.1:[0-9]*: suspend of domain 'web1' done" "$L"
    ok $? "in --listen mode the audit log names the requester's address"
    grep -q "SET by udp:127.0.0.1:[0-9]*, user 'nmsadmin': resume of domain 'db1' done" "$L"
    ok $? "and the SNMPv3 user"
    grep -q "SET by udp:127.0.0.1:[0-9]*: .1.3.6.1.4.1.8072.9999.9999.236.1.2.1.1.$web1 refused by access control" "$L"
    ok $? "a SET with a read-only community, refused by access control, is logged"
    grep -q "SET by udp:127.0.0.1:[0-9]*, user 'nmsadmin': .* refused by access control" "$L"
    ok $? "and an authNoPriv SET of the user, with the user"
    out=$(snmpset -v2c -c wrongsecret -m '' -t 1 -r 0 "127.0.0.1:$SNMP_PORT" \
        .1.3.6.1.4.1.8072.9999.9999.236.1.2.1.1.$web1 i 3 2>&1)
    wait_for "$L" "SET by udp:127.0.0.1:[0-9]*: a request refused by access control" 10
    ok $? "a SET with an unknown community is logged, without the community"
    ! grep -q wrongsecret "$L"
    ok $? "which never shows"
    [ -z "${SNMPD_PID:-}" ]
    ok $? "and no snmpd runs for it"
    # no SMUX (tcp 199), no AgentX master socket: only the UDP it was given
    is "$(ss -Hlnp 2>/dev/null | grep "pid=$AGENT_PID," | awk '{ print $1, $5 }' | sort | tr '\n' ' ')" \
        "udp 127.0.0.1:$SNMP_PORT ${SNMP_UDP6:+udp [::1]:$SNMP_PORT }" \
        "the agent listens on nothing but --listen's transports"
fi
if [ "${VM_SNMP_MODE:-agentx}" != listen ]; then
    grep -q "SET via the master agent (AgentX): suspend of domain 'web1' done" "$L"
    ok $? "through snmpd the line says the requester is behind the master agent"
fi
agent_stop
is "$AGENT_RC" 0 "the subagent stops cleanly"

# without --allow-control every control SET is notWritable
agent_start -c test:///default -i 1 --state-dir "$VM_TMP/st"
wait_value VM-MIB::vmNumber.0 5 30
set_err notWritable "control is off by default" VIRTMON-MIB::virtmonVmAdminState.$web1 i 3
is "$(oper $web1)" running "and nothing changed"
agent_stop
vm_run "$AGENTX" -f --allow-control=launch -x "$VM_TMP/none.sock" -c test:///default
like "$ERR" "unknown control operation 'launch'" "an unknown operation stops the subagent at start"
is "$RC" 1 "with exit status 1"
if [ "${VM_SNMP_MODE:-agentx}" = listen ]; then
    # --listen with no access configured: it says so and answers nobody
    : > "$VM_TMP/empty.conf"
    $VM_TEST_WRAPPER "$AGENTX" -f --listen "udp:127.0.0.1:$SNMP_PORT" --config "$VM_TMP/empty.conf" \
        -c test:///default --state-dir "$VM_TMP/st-empty" > "$VM_TMP/empty.log" 2>&1 &
    AGENT_PID=$!
    VM_PIDS="$VM_PIDS $AGENT_PID"
    wait_for "$VM_TMP/empty.log" 'no access configured' 20
    ok $? "--listen without access settings logs that every request is refused"
    out=$(snmpget -v2c -c public -m '' -t 1 -r 0 "127.0.0.1:$SNMP_PORT" .1.3.6.1.2.1.236.1.3.0 2>&1)
    like "$out" "Timeout" "and answers nobody"
    agent_stop
    is "$AGENT_RC" 0 "it stops cleanly"
fi
if [ "${VM_SNMP_MODE:-agentx}" = listen ]; then
    # listen in the settings file, not on the command line, does the same
    { cat "$VM_TMP/snmp/agent.conf"; echo "listen udp:127.0.0.1:$SNMP_PORT"; } > "$VM_TMP/listen.conf"
    $VM_TEST_WRAPPER "$AGENTX" -f --config "$VM_TMP/listen.conf" -c test:///default -i 1 \
        --state-dir "$VM_TMP/st-listen" > "$VM_TMP/snmp/agent.log" 2>&1 &
    AGENT_PID=$!
    VM_PIDS="$VM_PIDS $AGENT_PID"
    wait_value VM-MIB::vmNumber.0 5 30
    ok $? "listen in the settings file makes it answer SNMP itself"
    agent_stop
    is "$AGENT_RC" 0 "it stops cleanly"
fi
done_testing
