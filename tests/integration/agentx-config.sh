#!/bin/sh
# agentx-config.sh: defining and undefining domains through
# virtmonVmConfigTable's RowStatus, on the in-memory test driver and on
# qemu:///session shared with the CLI (createAndGo starts a TCG guest).
. "$abs_top_srcdir/tests/lib.sh"
. "$abs_top_srcdir/tests/snmp-lib.sh"

. "$abs_top_srcdir/tests/qemu-lib.sh"

C=VIRTMON-MIB::virtmonVmConfig
set_ok() {  # set_ok DESCRIPTION ARGS...
    _d=$1; shift
    out=$(snmp snmpset private "$@")
    case $out in
    *Error*|*Timeout*) ok 1 "$_d"; printf '%s\n' "$out" | sed 's/^/#   /' ;;
    *) like "$out" "RowStatus\.[0-9]+ = INTEGER" "$_d" ;;
    esac
}
set_err() {  # set_err ERROR DESCRIPTION ARGS...
    _e=$1 _d=$2; shift 2
    out=$(snmp snmpset private "$@")
    like "$out" "$_e" "$_d"
}
rows() { snmp snmpbulkwalk -Oqv VM-MIB::vmName | tr -d '"' | sort | tr '\n' ' '; }

snmpd_start
agent_start -c test:///default -i 1 --state-dir "$VM_TMP/st1" --allow-control=define,undefine,start
wait_value VM-MIB::vmNumber.0 5 30
ok $? "the subagent serves test:///default"
before=$(rows)
next=$(snmp snmpget -Oqv ${C}NextIndex.0)
[ "$next" -gt 5 ]
ok $? "virtmonVmConfigNextIndex is past the rows in use ($next)"
used=$(snmp snmpbulkwalk -Oqn VM-MIB::vmName | awk '$2 == "web1" { sub(/.*\./, "", $1); print $1 }')
set_err inconsistentName "a new row at a used index is inconsistentName" \
    ${C}RowStatus.$used i 5 ${C}Name.$used s clash
set_err wrongValue "notReady cannot be set" ${C}RowStatus.$next i 3
out=$(snmpset -v2c -c private -m '' "127.0.0.1:$SNMP_PORT" \
    .1.3.6.1.4.1.8072.9999.9999.236.1.5.1.6.$next s x 2>&1)
like "$out" "wrongType" "a string for a RowStatus is wrongType"
set_err noCreation "a value for a row that does not exist is noCreation" ${C}Name.$next s nobody
set_ok "createAndWait with name, memory and vCPUs" ${C}RowStatus.$next i 5 \
    ${C}Name.$next s made1 ${C}MemKiB.$next u 131072 ${C}Vcpus.$next i 2
is "$(rows)" "$before" "a row being created defines nothing yet"
set_ok "active defines it" ${C}RowStatus.$next i 1
wait_value VM-MIB::vmName.$next made1 20
ok $? "it appears in vmTable at the index chosen"
is "$(snmp snmpget -Oqv VM-MIB::vmOperState.$next)" shutdown "shut off"
is "$(snmp snmpget -Oqv ${C}MemKiB.$next) $(snmp snmpget -Oqv ${C}Vcpus.$next)" "131072 KiB 2" \
    "with its memory (KiB) and vCPUs"
is "$(snmp snmpget -Oqv ${C}RowStatus.$next)" active "its row is active"
set_err inconsistentName "createAndGo on an active row is inconsistentName" ${C}RowStatus.$next i 4
go=$((next + 1))
set_err inconsistentValue "createAndGo without memory is inconsistentValue" \
    ${C}RowStatus.$go i 4 ${C}Name.$go s made2
set_err inconsistentValue "createAndGo with a name in use is inconsistentValue" \
    ${C}RowStatus.$go i 4 ${C}Name.$go s web1 ${C}MemKiB.$go u 1024 ${C}Vcpus.$go i 1
set_ok "createAndGo defines and starts" ${C}RowStatus.$go i 4 ${C}Name.$go s made2 \
    ${C}MemKiB.$go u 65536 ${C}Vcpus.$go i 1
wait_value VM-MIB::vmOperState.$go running 20
ok $? "made2 runs"
set_err inconsistentValue "destroy of a running domain's row is refused" ${C}RowStatus.$go i 6
is "$(snmp snmpget -Oqv VM-MIB::vmOperState.$go)" running "and it still runs"
set_ok "destroy of a shut-off domain's row" ${C}RowStatus.$next i 6
wait_value VM-MIB::vmNumber.0 6 20
ok $? "undefines it"
is "$(snmp snmpget -Oqv ${C}NextIndex.0)" $((go + 1)) "its index is not offered again"
grep -q "SET .*: define and start of domain 'made2' as vmIndex $go done" "$VM_TMP/snmp/agent.log"
ok $? "the audit log names the definition"
grep -q "SET .*: undefine of domain 'made1' done" "$VM_TMP/snmp/agent.log"
ok $? "and the undefinition"
agent_stop
is "$AGENT_RC" 0 "the subagent stops cleanly"

agent_start -c test:///default -i 1 --state-dir "$VM_TMP/st2" --allow-control=start
wait_value VM-MIB::vmNumber.0 5 30
set_err notWritable "without define allowed, createAndWait is notWritable" ${C}RowStatus.20 i 5
agent_stop

# qemu:///session: the subagent and the CLI share the test's VIRTMON_*_DIR
need qemu-system-x86_64
agent_start -c qemu:///session -i 1 --state-dir "$VM_TMP/st3" --allow-control=all
# vmNumber is 0 before the first snapshot too: wait for the connection
wait_value VIRTMON-MIB::virtmonHostConnState.0 connected 30
ok $? "the subagent serves qemu:///session"
is "$(snmp snmpget -Oqv VM-MIB::vmNumber.0)" 0 "with no domains yet"
next=$(snmp snmpget -Oqv ${C}NextIndex.0)
set_ok "createAndWait on QEMU" ${C}RowStatus.$next i 5 ${C}Name.$next s qdef \
    ${C}MemKiB.$next u 65536 ${C}Vcpus.$next i 1
set_ok "then active" ${C}RowStatus.$next i 1
wait_value VM-MIB::vmName.$next qdef 20
ok $? "qdef is in vmTable"
like "$($VIRTMON -c qemu:///session list --all 2>&1)" "qdef +shut off" "and in virtmon list --all"
go=$((next + 1))
set_ok "createAndGo on QEMU" ${C}RowStatus.$go i 4 ${C}Name.$go s qgo \
    ${C}MemKiB.$go u 65536 ${C}Vcpus.$go i 1
wait_value VM-MIB::vmOperState.$go running 30
ok $? "starts a real TCG guest"
like "$($VIRTMON -c qemu:///session list 2>&1)" "qgo +running" "virtmon list shows it running"
set_err inconsistentValue "destroy of the running guest's row is refused" ${C}RowStatus.$go i 6
set_ok "destroy of qdef's row" ${C}RowStatus.$next i 6
end=$(( $(date +%s) + 20 ))
while $VIRTMON -c qemu:///session list --all 2>&1 | grep -q qdef && [ "$(date +%s)" -lt "$end" ]; do
    sleep 0.2
done
$VIRTMON -c qemu:///session list --all 2>&1 | grep -q qdef
ok $((! $?)) "undefines it: virtmon list --all no longer has it"
$VIRTMON -c qemu:///session "destroy qgo; undefine qgo" > /dev/null

# a createAndGo whose start fails (an emulator virtmon.conf does not allow)
# changes nothing: no domain, NextIndex as before, the index free again
bad=$(snmp snmpget -Oqv ${C}NextIndex.0)
xml="<domain type='qemu'><name>qbad</name><memory>65536</memory><devices><emulator>/bin/true</emulator></devices></domain>"
set_err commitFailed "createAndGo whose start fails" ${C}RowStatus.$bad i 4 ${C}Name.$bad s qbad \
    ${C}Xml.$bad s "$xml"
grep -q "SET .*: define and start of domain 'qbad' as vmIndex $bad failed: .*emulator '/bin/true'" \
    "$VM_TMP/snmp/agent.log"
ok $? "the failed createAndGo leaves an audit line with its reason"
is "$(snmp snmpget -Oqv ${C}NextIndex.0)" "$bad" "virtmonVmConfigNextIndex is unchanged"
$VIRTMON -c qemu:///session list --all --name 2>&1 | grep -qx qbad
ok $((! $?)) "and qbad is not defined"
set_ok "the same index can then be created" ${C}RowStatus.$bad i 5 ${C}Name.$bad s qgood \
    ${C}MemKiB.$bad u 65536 ${C}Vcpus.$bad i 1
set_ok "and made active" ${C}RowStatus.$bad i 1
wait_value VM-MIB::vmName.$bad qgood 20
ok $? "qgood holds that index"

# virtmonVmConfigXml is the domain's dumpxml, and follows a redefinition
xml_of() {  # the column's octets, exactly (hex, so nothing is quoted or wrapped)
    snmp snmpget -Oqvx ${C}Xml.$1 | perl -ne 'print pack("H*", join("", /([0-9A-Fa-f]{2})/g))'
}
$VIRTMON -c qemu:///session dumpxml qgood > "$VM_TMP/qgood.xml"
xml_of $bad > "$VM_TMP/qgood.snmp"
printf '\n' >> "$VM_TMP/qgood.snmp"
diff "$VM_TMP/qgood.xml" "$VM_TMP/qgood.snmp" | sed "s/^/# /"; cmp -s "$VM_TMP/qgood.xml" "$VM_TMP/qgood.snmp"
ok $? "virtmonVmConfigXml is the domain's dumpxml"
sed 's|</name>|</name>\n  <description>redefined by the CLI</description>|' "$VM_TMP/qgood.xml" \
    > "$VM_TMP/qgood2.xml"
$VIRTMON -c qemu:///session define "$VM_TMP/qgood2.xml" > /dev/null
end=$(( $(date +%s) + 20 ))
until xml_of $bad | grep -q "redefined by the CLI" || [ "$(date +%s)" -ge "$end" ]; do sleep 0.2; done
xml_of $bad | grep -q "<description>redefined by the CLI</description>"
ok $? "and follows a redefinition"

# RowStatus destroy of a row whose domain vanished: an error and a line
$VIRTMON -c qemu:///session undefine qgood > /dev/null
out=$(snmp snmpset private ${C}RowStatus.$bad i 6)
like "$out" "inconsistentValue|commitFailed" "destroy of a vanished row is an error, not a success"
grep -Eq "SET .*(undefine of domain 'qgood' failed|RowStatus destroy of .*vmIndex $bad.* refused)" \
    "$VM_TMP/snmp/agent.log"
ok $? "with an audit line"
agent_stop
is "$AGENT_RC" 0 "the subagent on qemu:///session stops cleanly (no leak reports)"
done_testing
