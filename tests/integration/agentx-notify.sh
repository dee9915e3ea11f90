#!/bin/sh
# agentx-notify.sh: VM-MIB notifications reach a real snmptrapd through the
# master (per-VM ones with the row's index and the previous state, bulk ones
# with vmAffectedVMs), the switches stop them, and the subagent registers
# again when snmpd restarts under it.
. "$abs_top_srcdir/tests/lib.sh"
. "$abs_top_srcdir/tests/snmp-lib.sh"

snmptrapd_start
snmpd_start
agent_start -c test:///default -i 1 --state-dir "$VM_TMP/st" --allow-control=all
wait_value VM-MIB::vmNumber.0 5 30
ok $? "the subagent serves test:///default"
web1=$(snmp snmpbulkwalk -Oqn VM-MIB::vmName | awk '$2 == "web1" { sub(/.*\./, "", $1); print $1 }')

traps_with() {  # traps_with REGEX: how many notifications match
    grep -c -- "$1" "$VM_TMP/snmp/traps"
}
wait_trap() {  # wait_trap REGEX SECONDS
    wait_for "$VM_TMP/snmp/traps" "$1" "$2"
}

snmp snmpset private VIRTMON-MIB::virtmonVmAdminState.$web1 i 3 > /dev/null
per_vm="OID: \.1\.3\.6\.1\.2\.1\.236\.0\.4[[:space:]]"
wait_trap "$per_vm" 10
ok $? "pausing web1 sends vmPaused"
line=$(grep -- "$per_vm" "$VM_TMP/snmp/traps" | head -n 1)
like "$line" "\.1\.3\.6\.1\.2\.1\.236\.1\.4\.1\.2\.$web1 = STRING: \"web1\"" "it names the row (vmName.$web1)"
like "$line" "\.1\.3\.6\.1\.2\.1\.236\.1\.4\.1\.6\.$web1 = INTEGER: 4" \
    "its vmOperState is the previous state, running(4)"
like "$line" "\.1\.3\.6\.1\.2\.1\.236\.1\.4\.1\.3\.$web1 = Hex-STRING: 7E F7 AC 1C" "and the raw UUID"
wait_trap "OID: \.1\.3\.6\.1\.2\.1\.236\.0\.14[[:space:]]" 10
ok $? "and vmBulkPaused"
like "$(grep -- 'OID: \.1\.3\.6\.1\.2\.1\.236\.0\.14[[:space:]]' "$VM_TMP/snmp/traps" | head -n 1)" \
    '\.1\.3\.6\.1\.2\.1\.236\.1\.11\.0 = (Hex-STRING: 40|STRING: "@")' \
    "vmAffectedVMs has web1's bit (index 2: 0x40)"

# per-VM notifications off: resuming sends only the bulk one
like "$(snmp snmpset private VM-MIB::vmPerVMNotificationsEnabled.0 i 2)" "vmPerVMNotificationsEnabled\\.0 = INTEGER: false" "vmPerVMNotificationsEnabled set to false"
snmp snmpset private VIRTMON-MIB::virtmonVmAdminState.$web1 i 1 > /dev/null
wait_trap "OID: \.1\.3\.6\.1\.2\.1\.236\.0\.11[[:space:]]" 10
ok $? "resuming sends vmBulkRunning"
is "$(traps_with 'OID: \.1\.3\.6\.1\.2\.1\.236\.0\.1[[:space:]]')" 0 "but no vmRunning: per-VM notifications are off"
like "$(snmp snmpset private VM-MIB::vmBulkNotificationsEnabled.0 i 2)" "vmBulkNotificationsEnabled\\.0 = INTEGER: false" "vmBulkNotificationsEnabled set to false"
like "$(snmp snmpset private VM-MIB::vmPerVMNotificationsEnabled.0 i 1)" "vmPerVMNotificationsEnabled\\.0 = INTEGER: true" "vmPerVMNotificationsEnabled set to true"
snmp snmpset private VIRTMON-MIB::virtmonVmAdminState.$web1 i 3 > /dev/null
end=$(( $(date +%s) + 10 ))
while [ "$(traps_with "$per_vm")" -lt 2 ] && [ "$(date +%s)" -lt "$end" ]; do sleep 0.1; done
is "$(traps_with "$per_vm")" 2 "per-VM on again: a second vmPaused"
# the bulk one would have been sent together with it
is "$(traps_with 'OID: \.1\.3\.6\.1\.2\.1\.236\.0\.14[[:space:]]')" 1 "bulk off: no second vmBulkPaused"

if [ "${VM_SNMP_MODE:-agentx}" = listen ]; then
    # no master to restart: the agent answers on its own
    agent_stop
    is "$AGENT_RC" 0 "it stops cleanly"
    done_testing
    exit 0
fi
# snmpd restarted under the running subagent: answers again within 20 s
kill -TERM "$SNMPD_PID"
wait "$SNMPD_PID" 2>/dev/null
launch_snmpd "$SNMP_PORT"
SNMPD_PID=$!
VM_PIDS="$VM_PIDS $SNMPD_PID"
start=$(date +%s)
wait_value VM-MIB::vmNumber.0 5 20
ok $? "the subagent answers through the restarted master ($(( $(date +%s) - start )) s)"
kill -0 "$AGENT_PID"
ok $? "and it never exited"
agent_stop
is "$AGENT_RC" 0 "it stops cleanly"
done_testing
