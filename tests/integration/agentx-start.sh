#!/bin/sh
# agentx-start.sh: a restarted subagent never tells an NMS that every VM
# vanished.  Polled every 50 ms from its start on a 1,000-domain fixture,
# vmNumber is either not there yet (noSuchObject, or no answer) or the real
# count, never 0; and its first snapshot raises no notification.
. "$abs_top_srcdir/tests/lib.sh"
. "$abs_top_srcdir/tests/snmp-lib.sh"

fx="$VM_TMP/node.xml"
sh "$abs_top_srcdir/tests/gen-testnode.sh" 1000 mixed > "$fx" || exit 99
snmptrapd_start
snmpd_start
agent_start -c "test://$fx" -i 1 --state-dir "$VM_TMP/st" --allow-control=all
: > "$VM_TMP/polls"
end=$(( $(date +%s) + 60 ))
while [ "$(date +%s)" -lt "$end" ]; do
    v=$(snmpget -v2c -c public -m '' -Oqv -t 1 -r 0 "127.0.0.1:$SNMP_PORT" .1.3.6.1.2.1.236.1.2.0 2>&1)
    echo "$v" >> "$VM_TMP/polls"
    [ "$v" = 1000 ] && break
    sleep 0.05
done
is "$(tail -n 1 "$VM_TMP/polls")" 1000 "vmNumber reaches 1000"
is "$(grep -cx 0 "$VM_TMP/polls")" 0 "and never read 0 before ($(wc -l < "$VM_TMP/polls") polls)"
like "$(head -n 1 "$VM_TMP/polls")" "No Such Object|No Such Instance|Timeout|No Response|1000" \
    "before the first snapshot our subtrees are not there"
# two more refreshes: nothing changed, so nothing may have been sent
sleep 2.5
is "$(grep -c 'OID: \.1\.3\.6\.1\.2\.1\.236\.0\.' "$VM_TMP/snmp/traps")" 0 \
    "the first snapshot raised no VM-MIB notification"
# ... while a change does
web1=$(snmp snmpbulkwalk -Oqn VM-MIB::vmName | awk '$2 == "vm-00002" { sub(/.*\./, "", $1); print $1 }')
st=$(snmp snmpget -Oqv VM-MIB::vmOperState.$web1)
if [ "$st" = running ]; then
    snmp snmpset private VIRTMON-MIB::virtmonVmAdminState.$web1 i 3 > /dev/null
else
    snmp snmpset private VIRTMON-MIB::virtmonVmAdminState.$web1 i 1 > /dev/null
fi
wait_for "$VM_TMP/snmp/traps" 'OID: \.1\.3\.6\.1\.2\.1\.236\.0\.' 10
ok $? "a real change is notified (the receiver works)"
agent_stop
is "$AGENT_RC" 0 "the subagent stops cleanly"
done_testing
