#!/bin/sh
# xenapi-tools.sh: check_virt, virtmon-collector and virtmon-agentx on
# xenapi:// against the XenAPI simulator: their figures, check_virt's
# timeout line within -t against a server that never answers, the
# collector through the simulator going away and back, the subagent's
# virtmonHypervisorLost/Restored with the old snapshot served meanwhile,
# and virtmonVmConfigTable's createAndWait making a VM through VM.create.
. "$abs_top_srcdir/tests/lib.sh"
. "$abs_top_srcdir/tests/pki-lib.sh"
. "$abs_top_srcdir/tests/xenapi-lib.sh"
. "$abs_top_srcdir/tests/snmp-lib.sh"
need rrdtool

CV="$abs_top_builddir/nagios/check_virt"
COLLECTOR="$abs_top_builddir/collectors/virtmon-collector"
xen_sim good
U=$XS_URI

# check_virt
vm_run "$CV" --mode=state -U "$U" -d web
is "$RC:$OUT" "0:VIRT STATE OK - web is running | state=1;;;0;7" "check_virt state"
vm_run "$CV" --mode=mem -U "$U" -d Domain-0 -w 90
like "$RC:$OUT" "^0:VIRT MEM OK - Domain-0 has 4.0 GiB of its 256.0 GiB maximum .*mem_max=268435456KB" \
    "check_virt mem: Domain-0 in KiB, its max the host's total"
vm_run "$CV" --mode=cpu -U "$U" -d web
like "$RC:$OUT" "^0:VIRT CPU OK - web uses 25% of its 2 vCPUs" "check_virt cpu: XenAPI's utilisation"
vm_run "$CV" --mode=domains -U "$U"
like "$OUT" "5 running, 1 paused, 2 shut off, 0 other, 8 in all" "check_virt domains"

# a server that takes the connection and never answers: the timeout line
# within -t (+1 s)
sim silent POST > /dev/null
t0=$(date +%s%N)
vm_run "$CV" --mode=state -U "$U" -d web -t 3
t1=$(date +%s%N)
is "$RC:$OUT" "3:VIRT STATE UNKNOWN - no answer within 3 s" "a silent server: UNKNOWN, saying why"
ms=$(( (t1 - t0) / 1000000 ))
[ "$ms" -le 4000 ]
ok $? "within -t 3 and 1 s ($ms ms)"
sim normal POST > /dev/null

# the collector: files per domain and device; the simulator going away
# between cycles and coming back
"$COLLECTOR" -c "$U" -d "$VM_TMP/rrd" --step 1 -f -v > "$VM_TMP/collector.log" 2>&1 &
CPID=$!
VM_PIDS="$VM_PIDS $CPID"
wait_for "$VM_TMP/collector.log" "all written" 30
ok $? "the collector writes"
ok $([ -f "$VM_TMP/rrd/00000000-0000-4000-8000-000000000007/disk-xvda.rrd" ] &&
    [ -f "$VM_TMP/rrd/00000000-0000-4000-8000-000000000007/if-vif7.0.rrd" ] &&
    [ -f "$VM_TMP/rrd/00000000-0000-4000-8000-0000000000d0/domain.rrd" ]; echo $?) \
    "a file per domain (Domain-0 too) and per disk and VIF"
logins() {
    sim calls | python3 -c 'import json,sys; print(json.load(sys.stdin).get("session.login_with_password", 0))'
}
# the session expires under the running collector: it logs in again
# inside the call (SESSION_INVALID), and no cycle fails
n0=$(logins)
sim expire POST > /dev/null
cycles=$(grep -c "all written" "$VM_TMP/collector.log")
end=$(( $(date +%s) + 20 ))
while [ "$(grep -c "all written" "$VM_TMP/collector.log")" -lt $((cycles + 2)) ] &&
    [ "$(date +%s)" -lt "$end" ]; do sleep 0.2; done
is "$(logins)" $((n0 + 1)) "an expired session: the collector logs in once more"
is "$(grep -c "cannot collect" "$VM_TMP/collector.log")" 0 "and no cycle failed"
restart_sim() {  # the same port, a new process: every session is gone
    python3 "$abs_top_srcdir/tests/xenapi-sim.py" "$XS_PORT" "$PKI/good.crt" "$PKI/good.key" \
        "$XS_PASSWORD" > "$VM_TMP/sim-again.log" 2>&1 &
    XS_PID=$!
    VM_PIDS="$VM_PIDS $XS_PID"
    wait_for "$VM_TMP/sim-again.log" listening 10
}
kill "$XS_PID"
wait "$XS_PID" 2>/dev/null
wait_for "$VM_TMP/collector.log" "cannot collect from" 15
ok $? "the simulator gone: the collector says so"
restart_sim
ok $? "the simulator back on port $XS_PORT"
wait_for "$VM_TMP/collector.log" "collecting from .* again" 20
ok $? "the collector collects again, logged in anew"
kill -0 "$CPID"
ok $? "and it never exited"
kill "$CPID"
wait "$CPID"
is "$?" 0 "it stops cleanly"

# the subagent: rows, then Lost and Restored with the old snapshot served
# meanwhile; createAndWait through VM.create
snmptrapd_start
snmpd_start
agent_start -c "$U" -i 1 --state-dir "$VM_TMP/st" --allow-control=define,undefine
wait_value VM-MIB::vmNumber.0 8 30
ok $? "the subagent serves the pool's 8 domains"
web=$(snmp snmpbulkwalk -Oqn VM-MIB::vmName | awk '$2 == "\"web\"" || $2 == "web" { sub(/.*\./, "", $1); print $1 }')
is "$(snmp snmpget -Oqv VM-MIB::vmCurMem.$web):$(snmp snmpget -Oqv VM-MIB::vmMemUnit.$web)" \
    "3670016:1024" "vmCurMem of web: 3670016 units of 1024 bytes (memory_actual / 1024)"
d0=$(snmp snmpbulkwalk -Oqn VM-MIB::vmName | awk '$2 == "\"Domain-0\"" || $2 == "Domain-0" { sub(/.*\./, "", $1); print $1 }')
is "$(snmp snmpget -Oqv VIRTMON-MIB::virtmonVmMaxMemKiB.$d0)" "268435456 KiB" \
    "Domain-0's max is the host's total"
kill "$XS_PID"
wait "$XS_PID" 2>/dev/null
wait_for "$VM_TMP/snmp/traps" 'OID: \.1\.3\.6\.1\.4\.1\.8072\.9999\.9999\.236\.0\.1[[:space:]]' 30
ok $? "the simulator gone: virtmonHypervisorLost"
is "$(snmp snmpget -Oqv VM-MIB::vmNumber.0)" 8 "the old snapshot is served meanwhile"
restart_sim
wait_for "$VM_TMP/snmp/traps" 'OID: \.1\.3\.6\.1\.4\.1\.8072\.9999\.9999\.236\.0\.2[[:space:]]' 30
ok $? "the simulator back: virtmonHypervisorRestored"
wait_value VIRTMON-MIB::virtmonHostConnState.0 connected 30
ok $? "and connected again"

C=VIRTMON-MIB::virtmonVmConfig
next=$(snmp snmpget -Oqv ${C}NextIndex.0)
out=$(snmp snmpset private ${C}RowStatus.$next i 5 ${C}Name.$next s snmp1 \
    ${C}MemKiB.$next u 262144 ${C}Vcpus.$next i 2)
like "$out" "RowStatus\.[0-9]+ = INTEGER" "createAndWait with name, memory and vCPUs"
out=$(snmp snmpset private ${C}RowStatus.$next i 1)
like "$out" "RowStatus\.[0-9]+ = INTEGER: active" "active defines it on the pool"
is "$(sim_vm snmp1 memory_static_max):$(sim_vm snmp1 VCPUs_max):$(sim_vm snmp1 HVM_boot_policy)" \
    "268435456:2:BIOS order" "through VM.create: a Xen HVM record, memory in bytes"
wait_value VM-MIB::vmName.$next snmp1 20
ok $? "it appears in vmTable at the index chosen"
agent_stop
is "$AGENT_RC" 0 "the subagent stops cleanly"

# event.from: a change made by another client reaches the subagent as a
# notification without waiting for its refresh (-i 120)
agent_start -c "$U" -i 120 --state-dir "$VM_TMP/st"
wait_value VM-MIB::vmNumber.0 9 30
ok $? "the subagent is back, refreshing every 120 s"
vm_run "$VIRTMON" -c "$U" suspend web
is "$RC" 0 "another client pauses web"
wait_for "$VM_TMP/snmp/traps" 'OID: \.1\.3\.6\.1\.2\.1\.236\.0\.4[[:space:]]' 15
ok $? "vmPaused comes from event.from, not from a refresh"
is "$(snmp snmpget -Oqv VM-MIB::vmOperState.$web)" paused "and the next GET says paused"
agent_stop
is "$AGENT_RC" 0 "the subagent stops cleanly, its event thread too"
done_testing
