#!/bin/sh
# agentx.sh: virtmon-agentx under a real snmpd master (private AgentX socket,
# loopback), on a 100-domain fixture: every table of VM-MIB and VIRTMON-MIB
# agrees with what virtmon shows, vmIndex survives a restart, the switches
# behave as virtmon-agentx(8) says, and VM-MIB's read-only objects refuse SETs.
. "$abs_top_srcdir/tests/lib.sh"
. "$abs_top_srcdir/tests/snmp-lib.sh"

fx="$VM_TMP/node.xml"
sh "$abs_top_srcdir/tests/gen-testnode.sh" 100 mixed 50 devices > "$fx"
U="test://$fx"
STATE="$VM_TMP/agent-state"

snmpd_start
agent_start -c "$U" -i 1 --state-dir "$STATE"
wait_value VM-MIB::vmNumber.0 100 30
ok $? "vmNumber.0 reaches 100 through the master"
if [ "${VM_SNMP_MODE:-agentx}" = listen ]; then
    if [ -n "$SNMP_UDP6" ]; then
        is "$(snmpget -v2c -c public -m '' -Oqv "udp6:[::1]:$SNMP_PORT" .1.3.6.1.2.1.236.1.2.0 2>&1)" \
            100 "--listen with two transports answers on udp6 too"
    else
        echo "ok $((VM_TEST_N += 1)) # SKIP no IPv6 loopback here: udp6 not tried"
    fi
fi

# what an NMS discovers a device by: the system group, snmpEngine (in
# --listen mode the agent serves them itself, as snmpd does)
out=$(snmp snmpget -m '' -On .1.3.6.1.2.1.1.1.0 .1.3.6.1.2.1.1.2.0 .1.3.6.1.2.1.1.3.0 \
    .1.3.6.1.6.3.10.2.1.1.0)
like "$out" '^\.1\.3\.6\.1\.2\.1\.1\.1\.0 = STRING: .+' "sysDescr.0 answers"
like "$out" '^\.1\.3\.6\.1\.2\.1\.1\.2\.0 = OID: \.1\.3\.6\.1\.4\.1\.8072\.' "sysObjectID.0 answers"
like "$out" '^\.1\.3\.6\.1\.2\.1\.1\.3\.0 = Timeticks: ' "sysUpTime.0 answers"
like "$out" '^\.1\.3\.6\.1\.6\.3\.10\.2\.1\.1\.0 = Hex-STRING: ' "snmpEngineID.0 answers"
n=$(snmp snmpwalk -m '' -On .1.3.6.1.2.1.1 | grep -c '^\.1\.3\.6\.1\.2\.1\.1\.[1-9]\.')
[ "$n" -ge 7 ]
ok $? "a walk of the system group gives its objects ($n)"
out=$(snmpv3 snmpbulkwalk authPriv VM-MIB::vmName | head -n 3)
like "$out" '^VM-MIB::vmName\.[0-9]+ = STRING: ' "an SNMPv3 authPriv user (engine ID discovery) reads vmTable"

# a not-accessible column is noSuchObject in every table, as snmpd's own do
for col in VM-MIB::vmIndex.1 VM-MIB::vmCpuIndex.1.1 VM-MIB::vmCpuPhysIndex.1.1.196608 \
    VM-MIB::vmStorageVmIndex.1.1 VM-MIB::vmStorageIndex.1.1 VM-MIB::vmNetworkIndex.1.1 \
    VIRTMON-MIB::virtmonVmConfigIndex.1; do
    like "$(snmp snmpget "$col")" "No Such Object" "GET of the not-accessible $col: noSuchObject"
done

# the hypervisor scalars
is "$(snmp snmpget -Oqv VM-MIB::vmHvSoftware.0)" 'Test' "vmHvSoftware"
is "$(snmp snmpget -Oqv VM-MIB::vmHvVersion.0)" '1.0.0' "vmHvVersion"
is "$(snmp snmpget -Oqv -On VM-MIB::vmHvObjectID.0)" ".0.0" "vmHvObjectID is zeroDotZero"
up=$(snmp snmpget -Oqvt VM-MIB::vmHvUpTime.0)
host_up=$(awk '{ printf "%d", $1 * 100 }' /proc/uptime)
[ "$up" -gt 0 ] && [ "$up" -le "$host_up" ]
ok $? "vmHvUpTime is the host's uptime ($up cs)"

# vmTable against virtmon: name, state, vCPUs, memory for every domain
snmp snmptable -Cf '|' -CH -Ci VM-MIB::vmTable > "$VM_TMP/vmtable"
is "$(wc -l < "$VM_TMP/vmtable")" 100 "vmTable has one row per domain, shut-off ones included"
batch=$(awk -F'|' '{ printf "dominfo %s; ", $2 }' "$VM_TMP/vmtable")
$VIRTMON -c "$U" "$batch" > "$VM_TMP/dominfo"
# name|oper|vcpus|unit|cur|max from virtmon, in the same order
awk -F': *' '
    /^Name:/ { name = $2 } /^State:/ { st = $2 == "shut off" ? "shutdown" : $2 }
    /^CPU\(s\):/ { cpus = $2 } /^Max memory:/ { max = $2 + 0 } /^Used memory:/ { cur = $2 + 0 }
    /^Managed save:/ { print name "|" st "|" cpus "|" max "|" cur }' "$VM_TMP/dominfo" \
    > "$VM_TMP/expected"
# vmTable columns: 1 index, 2 name, 3 uuid, 4 os, 5 admin, 6 oper, 7 auto, 8 pers, 9 cur cpus,
# 10 min, 11 max, 12 unit, 13 cur mem, 14 min mem, 15 max mem, 16 uptime, 17 cpu time
awk -F'|' '{ print $2 "|" $6 "|" $9 "|" $15 * $12 / 1024 "|" $13 * $12 / 1024 }' \
    "$VM_TMP/vmtable" > "$VM_TMP/got"
if cmp -s "$VM_TMP/expected" "$VM_TMP/got"; then ok 0 "vmTable's names, states, vCPUs and memory are virtmon's"
else ok 1 "vmTable's names, states, vCPUs and memory are virtmon's"; diff "$VM_TMP/expected" "$VM_TMP/got" | head | sed 's/^/# /'; fi
is "$(awk -F'|' '$12 != 1024 { print $2 "|" $12 "|" $15 }' "$VM_TMP/vmtable")" \
    "vm-00050|4096|1610612736
vm-00100|4096|1610612736" "the 6 TiB guests get a vmMemUnit of 4096"
idx50=$(awk -F'|' '$2 == "vm-00050" { print $1 }' "$VM_TMP/vmtable")
is "$(snmp snmpget -OqvU VIRTMON-MIB::virtmonVmMaxMemKiB.$idx50)" "6442450944" \
    "VIRTMON-MIB has its exact KiB"
is "$(awk -F'|' '$12 == 1024 && $14 != -1' "$VM_TMP/vmtable" | wc -l)" 0 "vmMinMem is -1 (no guarantee)"
# raw octets, without the MIB's display hint
idx7=$(awk -F'|' '$2 == "vm-00007" { print $1 }' "$VM_TMP/vmtable")
raw() { snmpget -v2c -c public -m '' -Oqv "127.0.0.1:$SNMP_PORT" "$1" 2>&1 | tr -d ' \n"'; }
is "$(raw .1.3.6.1.2.1.236.1.4.1.3.$idx7)" "00000007000040008000000000000007" \
    "vmUUID holds the UUID's 16 octets"

# CPU time: microseconds, growing while running, frozen otherwise
run_idx=$(awk -F'|' '$6 == "running" { print $1; exit }' "$VM_TMP/vmtable")
off_idx=$(awk -F'|' '$6 == "shutdown" { print $1; exit }' "$VM_TMP/vmtable")
t1=$(snmp snmpget -Oqv VM-MIB::vmCpuTime.$run_idx | awk '{ print $1 }')
sleep 2
t2=$(snmp snmpget -Oqv VM-MIB::vmCpuTime.$run_idx | awk '{ print $1 }')
[ "$t2" -gt "$t1" ]
ok $? "vmCpuTime grows for a running domain ($t1 -> $t2 us)"
is "$(snmp snmpget -Oqv VM-MIB::vmCpuTime.$off_idx | awk '{ print $1 }')" 0 "and stays 0 for a shut-off one"
is "$(snmp snmpget -Oqv VM-MIB::vmUpTime.$off_idx)" "0:0:00:00.00" "vmUpTime of a shut-off domain is 0"

# vmCpuTable: one row per configured vCPU of every domain
cpus=$(awk -F'|' '{ s += $3 } END { print s }' "$VM_TMP/expected")
is "$(snmp snmpbulkwalk -Cr50 -Oqn VM-MIB::vmCpuCoreTime | wc -l)" "$cpus" \
    "vmCpuTable has one row per configured vCPU ($cpus)"
# vmCpuAffinityTable: running domains x vCPUs x the fixture host's 64 CPUs
running_cpus=$(awk -F'|' '$2 == "running" { s += $3 } END { print s }' "$VM_TMP/expected")
snmp snmpbulkwalk -Cr50 -Oqne VM-MIB::vmCpuAffinity > "$VM_TMP/affinity"
is "$(wc -l < "$VM_TMP/affinity")" "$((running_cpus * 64))" \
    "vmCpuAffinityTable covers running domains x vCPUs x 64 host CPUs"
like "$(head -n 1 "$VM_TMP/affinity")" '^\.1\.3\.6\.1\.2\.1\.236\.1\.6\.1\.3\.[0-9]+\.1\.196608 1$' \
    "vmCpuPhysIndex is net-snmp's hrDeviceIndex (196608 + n)"
is "$(snmp snmpget -Oqv VM-MIB::vmCpuAffinity.$off_idx.1.196608)" \
    "No Such Instance currently exists at this OID" "no affinity rows for a shut-off domain"

# storage and network rows
snmp snmptable -Cf '|' -CH -Ci VM-MIB::vmStorageTable > "$VM_TMP/storage"
is "$(wc -l < "$VM_TMP/storage")" 100 "vmStorageTable: one disk per domain"
like "$(head -n 1 "$VM_TMP/storage")" '^[0-9]+\.1\|0\|raw\|raw\|/var/lib/guests/vm-[0-9]+\.img\|readwrite\|hardDisk\|virtio\|1048576\|' \
    "storage rows: source, access, media, bus, size unit"
snmp snmptable -Cf '|' -CH -Ci VM-MIB::vmNetworkTable > "$VM_TMP/network"
is "$(wc -l < "$VM_TMP/network")" 100 "vmNetworkTable: one NIC per domain"
like "$(awk -F'|' 'NR == 1 { print $2 "|" $4 "|" $5 }' "$VM_TMP/network")" '^0\|virtio\|52:54:0:0:0:' \
    "network rows: no host tap (ifIndex 0), model, MAC"
rx=$(snmp snmpbulkwalk -Oqv VIRTMON-MIB::virtmonVmIfRxOctets | wc -l)
is "$rx" 100 "virtmonVmIfTable has each NIC's counters"

# vmTableLastChange does not move while rows do not
lc1=$(snmp snmpget -Oqvt VM-MIB::vmTableLastChange.0)
sleep 2
is "$(snmp snmpget -Oqvt VM-MIB::vmTableLastChange.0)" "$lc1" "vmTableLastChange stays while no row comes or goes"

# the switches: true at start, writable, checked, not persisted
is "$(snmp snmpget -Oqv VM-MIB::vmPerVMNotificationsEnabled.0)" "true" "per-VM switch starts true"
is "$(snmp snmpget -Oqv VM-MIB::vmBulkNotificationsEnabled.0)" "true" "bulk switch starts true"
snmp snmpset private VM-MIB::vmBulkNotificationsEnabled.0 i 2 > /dev/null
is "$(snmp snmpget -Oqv VM-MIB::vmBulkNotificationsEnabled.0)" "false" "a SET turns it off"
like "$(snmp snmpset private VM-MIB::vmPerVMNotificationsEnabled.0 i 3)" "wrongValue" \
    "a value that is not a TruthValue is wrongValue"
like "$(snmpset -v2c -c private -m '' "127.0.0.1:$SNMP_PORT" .1.3.6.1.2.1.236.1.9.0 s yes 2>&1)" \
    "wrongType" "a string is wrongType"
like "$(snmp snmpset private VM-MIB::vmAdminState.$run_idx i 3)" "notWritable" \
    "a SET of vmAdminState is notWritable"
like "$(snmp snmpset private VM-MIB::vmAutoStart.$run_idx i 2)" "notWritable" \
    "a SET of vmAutoStart is notWritable"

# restart: the same vmIndex for every UUID; the switches are back to true
snmp snmpbulkwalk -Oqn VM-MIB::vmUUID | sort > "$VM_TMP/uuids1"
agent_stop
is "$AGENT_RC" 0 "SIGTERM stops the subagent cleanly"
agent_start -c "$U" -i 1 --state-dir "$STATE"
wait_value VM-MIB::vmNumber.0 100 30
snmp snmpbulkwalk -Oqn VM-MIB::vmUUID | sort > "$VM_TMP/uuids2"
if cmp -s "$VM_TMP/uuids1" "$VM_TMP/uuids2"; then ok 0 "every UUID keeps its vmIndex across a restart"
else ok 1 "every UUID keeps its vmIndex across a restart"; diff "$VM_TMP/uuids1" "$VM_TMP/uuids2" | head | sed 's/^/# /'; fi
is "$(snmp snmpget -Oqv VM-MIB::vmBulkNotificationsEnabled.0)" "true" "the switch is true again (not persisted)"
agent_stop

# QEMU guests this test starts, and its tap, go whatever happens
qemu_cleanup() {
    for pidf in "$VIRTMON_RUNTIME_DIR"/qemu/*.pid; do
        [ -f "$pidf" ] && kill -KILL "$(cat "$pidf")" 2>/dev/null
    done
    [ -n "${TAP:-}" ] && ip link del "$TAP" 2>/dev/null
    vm_cleanup
}
trap qemu_cleanup EXIT

# rows that come and go: a shared QEMU definition, seen by the agent
guest() { printf "<domain type='qemu'><name>%s</name><memory>65536</memory></domain>" "$1"; }
guest q1 > "$VM_TMP/q1.xml"
guest q2 > "$VM_TMP/q2.xml"
$VIRTMON -c qemu:///session define "$VM_TMP/q1.xml" > /dev/null
agent_start -c qemu:///session -i 1 --state-dir "$STATE"
wait_value VM-MIB::vmNumber.0 1 30
ok $? "the agent serves qemu:///session"
lc1=$(snmp snmpget -Oqvt VM-MIB::vmTableLastChange.0)
q1=$(snmp snmpbulkwalk -Oqn VM-MIB::vmName | awk '$2 == "q1" { print $1 }')
$VIRTMON -c qemu:///session define "$VM_TMP/q2.xml" > /dev/null
wait_value VM-MIB::vmNumber.0 2 30
ok $? "vmNumber follows a new definition"
lc2=$(snmp snmpget -Oqvt VM-MIB::vmTableLastChange.0)
[ "$lc2" -gt "$lc1" ]
ok $? "vmTableLastChange moves when a row is created ($lc1 -> $lc2)"
$VIRTMON -c qemu:///session undefine q2 > /dev/null
wait_value VM-MIB::vmNumber.0 1 30
ok $? "and when one is deleted"
is "$(snmp snmpbulkwalk -Oqn VM-MIB::vmName | awk '$2 == "q1" { print $1 }')" "$q1" \
    "q1 keeps its vmIndex meanwhile"
$VIRTMON -c qemu:///session define "$VM_TMP/q2.xml" > /dev/null
wait_value VM-MIB::vmNumber.0 2 30
new_q2=$(snmp snmpbulkwalk -Oqn VM-MIB::vmName | awk '$2 == "q2" { print $1 }' | sed 's/.*\.//')
used=$(awk '$1 != "next" { print $2 }' "$STATE/vmindex" | sort -n | tail -n 1)
[ "$new_q2" -eq "$used" ]
ok $? "a new UUID gets a fresh vmIndex, never a reused one ($new_q2)"
[ -n "$q1" ]
ok $? "q1 was found by name ($q1)"

# a real QEMU guest on a tap: vmNetworkIfIndex is the tap's ifindex
need qemu-system-x86_64 ip
TAP=$(printf '%.15s' "vmx$$")
ip tuntap add dev "$TAP" mode tap && ip link set "$TAP" up
ok $? "a tap device for the test ($TAP)"
cat > "$VM_TMP/net1.xml" <<EOX
<domain type='qemu'>
  <name>net1</name>
  <memory unit='MiB'>64</memory>
  <devices>
    <interface type='ethernet'><target dev='$TAP'/><model type='e1000'/></interface>
  </devices>
</domain>
EOX
$VIRTMON -c qemu:///session "define $VM_TMP/net1.xml; start net1" > /dev/null
n1=$(snmp snmpbulkwalk -Oqn VM-MIB::vmName | awk '$2 == "net1" { print $1 }' | sed 's/.*\.//')
end=$(( $(date +%s) + 30 ))
while [ -z "$n1" ] && [ "$(date +%s)" -lt "$end" ]; do
    sleep 0.3
    n1=$(snmp snmpbulkwalk -Oqn VM-MIB::vmName | awk '$2 == "net1" { print $1 }' | sed 's/.*\.//')
done
wait_value VM-MIB::vmOperState.$n1 running 30
ok $? "the running guest shows in vmTable"
is "$(snmp snmpget -Oqv VM-MIB::vmNetworkIfIndex.$n1.1)" "$(cat /sys/class/net/$TAP/ifindex)" \
    "vmNetworkIfIndex is the tap's ifIndex"
is "$(snmp snmpget -Oqv VM-MIB::vmNetworkModel.$n1.1)" "e1000" "vmNetworkModel"
$VIRTMON -c qemu:///session "destroy net1; undefine net1" > /dev/null
agent_stop
is "$AGENT_RC" 0 "the subagent on qemu:///session stops cleanly too (no leak reports)"

done_testing
