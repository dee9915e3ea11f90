#!/bin/sh
# libvirt-daemon.sh: the libvirt driver against a real libvirtd managing a
# real TCG guest.  The daemon is a session libvirtd run as nobody with its
# XDG directories in the test's temp dir (nothing in /etc, /run or /var);
# virtmon, as root, reaches it with libvirt:qemu+unix:///session?socket=.
# The CLI, check_virt, virtmon-agentx (through snmpd) and the collector
# agree with virsh domstats; a lifecycle event reaches the subagent as a
# notification long before its refresh; libvirtd stopped and restarted
# under the subagent is survived.
. "$abs_top_srcdir/tests/lib.sh"
. "$abs_top_srcdir/tests/snmp-lib.sh"
. "$abs_top_srcdir/tests/libvirtd-lib.sh"
need libvirtd setpriv virsh qemu-system-x86_64 rrdtool

if "$VIRTMON" -c libvirt:test:///default uri 2>&1 | grep -q "no libvirt driver"; then
    echo "Bail out! built without the libvirt driver (./quickstart installs libvirt-dev)"
    exit 99
fi
# the daemon's world: traversable by nobody (VM_TMP is root's 0700)
L=$(mktemp -d "${TMPDIR:-/tmp}/virtmon-libvirtd-XXXXXX")
chmod 0755 "$L"
LPID=
daemon_start() {
    session_libvirtd "$L"
    LPID=$lv
    VM_PIDS="$VM_PIDS $LPID"
    _end=$(( $(date +%s) + 30 ))
    until [ -S "$lvsock" ] && virsh -c "$LV" uri > /dev/null 2>&1; do
        [ "$(date +%s)" -ge "$_end" ] && return 1
        sleep 0.1
    done
}
daemon_stop() {
    kill -TERM "$LPID" 2>/dev/null
    wait "$LPID" 2>/dev/null
}
cleanup_more() {
    virsh -c "$LV" destroy lg1 > /dev/null 2>&1
    [ -n "$LPID" ] && kill -TERM "$LPID" 2>/dev/null
    # the guest's QEMU belongs to nobody, under the daemon
    pkill -KILL -u nobody -f "guest=lg1" 2>/dev/null
    # the session daemon's log daemon, which it started for the guest
    pkill -u nobody -x virtlogd 2>/dev/null
    rm -rf "$L"
    vm_cleanup
}
trap cleanup_more EXIT
LV="qemu+unix:///session?socket=$L/lrun/libvirt/libvirt-sock"
U="libvirt:$LV"
V="$VIRTMON -c $U"
daemon_start
ok $? "a session libvirtd runs, as nobody, in the test's directories"

# a guest with a disk (a boot sector that spins), owned by the daemon's user
dd if=/dev/zero of="$L/home/disk.img" bs=1024 count=1024 2>/dev/null
printf '\372\353\376' | dd of="$L/home/disk.img" conv=notrunc 2>/dev/null
printf '\125\252' | dd of="$L/home/disk.img" bs=1 seek=510 conv=notrunc 2>/dev/null
chown nobody:nogroup "$L/home/disk.img"
cat > "$L/lg1.xml" <<XMLEOF
<domain type='qemu'>
  <name>lg1</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64'>hvm</type><boot dev='hd'/></os>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='file' device='disk'><driver name='qemu' type='raw'/>
      <source file='$L/home/disk.img'/><target dev='vda' bus='virtio'/></disk>
    <memballoon model='virtio'/>
  </devices>
</domain>
XMLEOF
vm_run $V define "$L/lg1.xml"
is "$RC" 0 "virtmon defines the guest through libvirtd"
vm_run $V start lg1
is "$RC:$ERR" "0:" "and starts it (a real QEMU under libvirtd)"
is "$(virsh -c "$LV" domstate lg1)" running "virsh agrees it runs"

# the CLI against virsh domstats
field() { printf '%s\n' "$1" | sed -n "s/^  $2=//p"; }
ours=$($V domstats lg1)
theirs=$(virsh -c "$LV" domstats lg1)
for f in state.state state.reason balloon.current balloon.maximum vcpu.current block.count \
    block.0.name block.0.path; do
    is "$(field "$ours" "$f")" "$(field "$theirs" "$f")" "domstats $f is virsh's"
done
c1=$(field "$ours" cpu.time)
c2=$(field "$theirs" cpu.time)
[ -n "$c1" ] && [ "$c1" -gt 0 ] && [ "$c1" -le "$c2" ]
ok $? "cpu.time counts as virsh's does ($c1 <= $c2 ns)"
vm_run $V dominfo lg1
like "$OUT" "^Max memory: +65536 KiB$" "dominfo: memory in KiB"
vm_run $V domcontrol lg1
is "$OUT" ok "domcontrol: ok"

# check_virt
CV="$abs_top_builddir/nagios/check_virt"
vm_run "$CV" --mode=state -U "$U" -d lg1
like "$OUT" "^VIRT STATE OK - lg1 is running" "check_virt state"
vm_run "$CV" --mode=mem -U "$U" -d lg1 -w 101
like "$OUT" "^VIRT MEM OK - .*mem_used=65536KB" "check_virt mem"
vm_run "$CV" --mode=cpu -U "$U" -d lg1 --interval 0.5 --state-dir "$VM_TMP/cv"
like "$OUT" "^VIRT CPU OK - lg1 uses [0-9.]+% of its 1 vCPU" "check_virt cpu"

# the collector: a file per domain and per device
vm_run "$abs_top_builddir/collectors/virtmon-collector" -c "$U" -d "$VM_TMP/rrd" --once -f
uuid=$($V domuuid lg1)
ok $([ "$RC" = 0 ] && [ -f "$VM_TMP/rrd/host.rrd" ] && [ -f "$VM_TMP/rrd/$uuid/domain.rrd" ] &&
    [ -f "$VM_TMP/rrd/$uuid/disk-vda.rrd" ]; echo $?) "the collector writes host, domain and disk files"

# the subagent: a row, counters, and an event that does not wait for the
# refresh (-i 120)
snmptrapd_start
snmpd_start
agent_start -c "$U" -i 120 --state-dir "$VM_TMP/st"
wait_value VM-MIB::vmNumber.0 1 30
ok $? "the subagent serves the guest"
idx=$(snmp snmpwalk -Oqn VM-MIB::vmName | sed -n 's/^[.0-9]*\.\([0-9]*\) .*/\1/p' | head -n 1)
is "$(snmp snmpget -Oqv VM-MIB::vmOperState.$idx)" running "vmOperState running"
like "$(snmp snmpget -Oqv VM-MIB::vmCpuTime.$idx)" "^[1-9][0-9]*" "vmCpuTime counts"
like "$(snmp snmpget -Oqv VM-MIB::vmStorageSourceType.$idx.1 2>&1)" "." "a vmStorageTable row"
# the OS type is libvirt's (not in its bulk stats: asked once, then kept)
is "$(snmp snmpget -Oqv VM-MIB::vmOSType.$idx | tr -d '"')" \
    "$(virsh -c "$LV" dominfo lg1 | sed -n 's/^OS Type: *//p')" "vmOSType is virsh's OS Type"
virsh -c "$LV" suspend lg1 > /dev/null
wait_for "$VM_TMP/snmp/traps" 'OID: \.1\.3\.6\.1\.2\.1\.236\.0\.4[[:space:]]' 15
ok $? "virsh suspend reaches the subagent as vmPaused, without waiting 120 s"
is "$(snmp snmpget -Oqv VM-MIB::vmOperState.$idx)" paused "and the next GET says paused"
virsh -c "$LV" resume lg1 > /dev/null
# another client restarts the guest: libvirt gives it a new id, which the
# subagent (keeping identities between refreshes while events flow) follows
id1=$(snmp snmpget -Oqv VIRTMON-MIB::virtmonVmId.$idx)
is "$id1" "$(virsh -c "$LV" domid lg1)" "virtmonVmId is virsh's domid"
virsh -c "$LV" destroy lg1 > /dev/null
virsh -c "$LV" start lg1 > /dev/null
id2=$(virsh -c "$LV" domid lg1)
[ "$id2" != "$id1" ]
ok $? "virsh gave the restarted guest a new id ($id1 -> $id2)"
wait_value VIRTMON-MIB::virtmonVmId.$idx "$id2" 30
ok $? "the subagent follows: virtmonVmId $(snmp snmpget -Oqv VIRTMON-MIB::virtmonVmId.$idx)"

# libvirtd stopped and started again under the subagent: lost, then back
agent_stop
agent_start -c "$U" -i 2 --state-dir "$VM_TMP/st"
wait_value VM-MIB::vmNumber.0 1 30
daemon_stop
wait_value VIRTMON-MIB::virtmonHostConnState.0 disconnected 60
ok $? "libvirtd gone: the subagent says disconnected"
is "$(snmp snmpget -Oqv VM-MIB::vmNumber.0)" 1 "and keeps serving the last snapshot"
daemon_start
ok $? "libvirtd started again"
wait_value VIRTMON-MIB::virtmonHostConnState.0 connected 60
ok $? "the subagent is connected again"
agent_stop
is "$AGENT_RC" 0 "the subagent stops cleanly"
vm_run $V "destroy lg1; undefine lg1"
is "$RC" 0 "destroy and undefine through libvirt"
done_testing
