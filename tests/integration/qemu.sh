#!/bin/sh
# qemu.sh: the QEMU driver with real qemu-system-x86_64 guests under TCG, in
# private directories (qemu:///session with the VIRTMON_*_DIR overrides).
# Each action runs in one virtmon process and is checked from another.
. "$abs_top_srcdir/tests/lib.sh"
need qemu-system-x86_64 ip timeout

QMPQ="$abs_top_builddir/tests/helpers/qmp_query"
. "$abs_top_srcdir/tests/qemu-lib.sh"
IMG="$QEMU_IMG"
tap_cleanup() { [ -n "${TAP:-}" ] && ip link del "$TAP" 2>/dev/null; }
QEMU_CLEANUP_MORE=tap_cleanup

# status NAME: what QEMU itself says (watching without touching the driver)
status() { "$QMPQ" query-status "$(qmp_sock "$1")" 2>/dev/null | sed -n 's/.*"status":"\([a-z-]*\)".*/\1/p'; }
wait_status() {  # wait_status NAME STATUS SECONDS
    _end=$(( $(date +%s) + $3 ))
    while [ "$(status "$1")" != "$2" ]; do
        [ "$(date +%s)" -ge "$_end" ] && return 1
        sleep 0.1
    done
}
state() { $VM_TEST_WRAPPER $V domstate --reason "$1" 2>&1 | head -n 1; }

# 1. define -> start -> list -> suspend -> resume -> destroy -> undefine
guest g1 > "$VM_TMP/g1.xml"
vm_run $V define "$VM_TMP/g1.xml"
is "$RC" 0 "define g1"
vm_run $V start g1
is "$OUT" "Domain 'g1' started" "start g1"
[ -n "$ERR" ] && printf '%s\n' "$ERR" | sed 's/^/# /'
vm_run $V list
like "$OUT" '^ [0-9]+ +g1 +running$' "another process lists g1 running"
vm_run $V dominfo g1
like "$OUT" '^Max memory: +65536 KiB$' "g1 has 64 MiB in KiB"
like "$OUT" '^CPU\(s\): +2$' "g1 has 2 vCPUs"
is "$(status g1)" running "QEMU itself says running"
vm_run $V suspend g1
is "$(state g1)" "paused (user)" "suspend: another process sees paused"
is "$(status g1)" paused "QEMU itself says paused"
vm_run $V resume g1
is "$(state g1)" "running (unpaused)" "resume: another process sees running"
vm_run $V destroy g1
is "$(state g1)" "shut off (destroyed)" "destroy: another process sees shut off"
g1_qmp=$(qmp_sock g1)
[ ! -e "$RUN/g1.pid" ] && [ ! -e "$g1_qmp" ]
ok $? "destroy leaves no pidfile or socket"
vm_run $V undefine g1
vm_run $V domstate g1
like "$ERR" "failed to get domain 'g1'" "undefine: another process no longer finds g1"

# 2a. a transient guest disappears after destroy
guest t1 > "$VM_TMP/t1.xml"
vm_run $V create "$VM_TMP/t1.xml"
is "$OUT" "Domain 't1' created from $VM_TMP/t1.xml" "create t1"
vm_run $V list --all --name
like "$OUT" '^t1$' "t1 is listed while it runs"
vm_run $V destroy t1
vm_run $V list --all --name
is "$(printf '%s\n' "$OUT" | grep -c '^t1$')" 0 "t1 is gone after destroy"

# 2b. a QEMU killed from outside is crashed, and its stale files are cleaned
guest c1 > "$VM_TMP/c1.xml"
vm_run $V "define $VM_TMP/c1.xml; start c1"
c1_qmp=$(qmp_sock c1)
pid=$(cat "$RUN/c1.pid")
kill -KILL "$pid"
while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
is "$(state c1)" "crashed (unknown)" "a guest whose QEMU was killed is crashed"
[ ! -e "$RUN/c1.pid" ] && [ ! -e "$c1_qmp" ]
ok $? "its stale pidfile and socket are gone"
vm_run $V start c1
is "$(state c1)" "running (booted)" "a crashed guest starts again"
vm_run $V destroy c1

# 2c. a guest whose firmware powers off is shut off, reason shutdown
guest off1 "$(disk "$IMG/off.img")" > "$VM_TMP/off1.xml"
vm_run $V "define $VM_TMP/off1.xml; start off1"
wait_status off1 shutdown 30
ok $? "the guest's firmware powered it off (QEMU status shutdown)"
is "$(state off1)" "shut off (shutdown)" "the next look reports shut off (shutdown)"
[ ! -e "$RUN/off1.pid" ]
ok $? "and QEMU was told to quit"

# 4c. reboot of such a guest brings it back running
vm_run $V "start off1; reboot off1"
is "$RC" 0 "reboot off1 is accepted"
wait_status off1 shutdown 30
is "$(state off1)" "running (booted)" "after it powers off, the reboot mark resets it: running"
is "$(status off1)" running "QEMU runs it again"
wait_status off1 shutdown 30
is "$(state off1)" "shut off (shutdown)" "a power-off without the mark stops it"

# 3. two processes on one domain at once: no corruption, no hang
guest busy > "$VM_TMP/busy.xml"
vm_run $V "define $VM_TMP/busy.xml; start busy"
ops="suspend busy; resume busy; domstats busy; suspend busy; resume busy; dominfo busy"
timeout 120 $V "$ops; $ops; $ops" > "$VM_TMP/p1" 2>&1 &
p1=$!
timeout 120 $V "$ops; $ops; $ops" > "$VM_TMP/p2" 2>&1 &
p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
[ "$r1" -ne 124 ] && [ "$r2" -ne 124 ]
ok $? "neither of two concurrent processes hangs"
st=$(state busy)
case $st in "running "*|"paused "*) ok 0 "the domain is in a sane state afterwards ($st)" ;;
    *) ok 1 "the domain is in a sane state afterwards ($st)"; cat "$VM_TMP/p1" "$VM_TMP/p2" | sed 's/^/# /' ;; esac
bad=$(grep -h '^error' "$VM_TMP/p1" "$VM_TMP/p2" | grep -v 'is not \(running\|paused\)' | head -n 3)
is "$bad" "" "the only errors are state rules, never corruption or timeouts"
vm_run $V "resume busy; destroy busy; undefine busy"

# 4a. domstats: CPU time and block counters of a guest with a disk image
guest disk1 "$(disk "$IMG/spin.img")" > "$VM_TMP/disk1.xml"
vm_run $V "define $VM_TMP/disk1.xml; start disk1"
sleep_until_read() {
    _end=$(( $(date +%s) + 30 ))
    while :; do
        n=$($V domstats disk1 | sed -n 's/^  block.0.rd.bytes=//p')
        [ -n "$n" ] && [ "$n" -gt 0 ] && return 0
        [ "$(date +%s)" -ge "$_end" ] && return 1
        sleep 0.2
    done
}
sleep_until_read
ok $? "the firmware's boot-sector read shows in block.0.rd.bytes"
c1=$($V domstats disk1 | sed -n 's/^  cpu.time=//p')
sleep 1
vm_run $V domstats disk1
c2=$(printf '%s\n' "$OUT" | sed -n 's/^  cpu.time=//p')
[ "$c2" -gt "$c1" ]
ok $? "cpu.time grows ($c1 -> $c2 ns)"
like "$OUT" '^  block.0.rd.reqs=[1-9]' "block read requests are counted"
like "$OUT" '^  balloon.current=65536$' "balloon.current is in KiB"

# 4b. managedsave then start brings it back
vm_run $V managedsave disk1
is "$(state disk1)" "shut off (saved)" "managedsave: shut off (saved)"
vm_run $V dominfo disk1
like "$OUT" '^Managed save: +yes$' "dominfo shows the managed-save image"
vm_run $V start disk1
is "$(state disk1)" "running (restored)" "start restores it"
vm_run $V dominfo disk1
like "$OUT" '^Managed save: +no$' "and the image is consumed"

# 4c. save FILE and restore FILE (CLI III): the state and the definition
# in a file of the caller's; QEMU gets the descriptor, never the path
vm_run $V save disk1 "$VM_TMP/disk1 saved,x.img"
is "$RC:$(printf '%s\n' "$OUT" | sed '/^$/d')" "0:Domain 'disk1' saved to $VM_TMP/disk1 saved,x.img" \
    "save: virsh's message"
is "$(state disk1)" "shut off (saved)" "save: shut off (saved)"
like "$(head -c 40 "$VM_TMP/disk1 saved,x.img" | head -n 1)" '^virtmon-save 1 running [0-9]+$' \
    "the file starts with what it is and its definition's length"
is "$(stat -c %a "$VM_TMP/disk1 saved,x.img")" 600 "and is the caller's alone (0600)"
like "$($V dominfo disk1)" "Managed save: +no" "a file save is not a managed save"
vm_run $V restore "$VM_TMP/disk1 saved,x.img"
is "$RC:$(printf '%s\n' "$OUT" | sed '/^$/d')" "0:Domain restored from $VM_TMP/disk1 saved,x.img" \
    "restore: virsh's message"
is "$(state disk1)" "running (restored)" "restore: running (restored)"
is "$(status disk1)" running "and QEMU runs it"
like "$($V dominfo disk1)" "Persistent: +yes" "it is still the defined domain"
vm_run $V restore "$VM_TMP/disk1 saved,x.img"
like "$RC:$ERR" "^1:error: .*already active" "a second restore while it runs is refused"
printf 'not a save image\n' > "$VM_TMP/junk.img"
vm_run $V restore "$VM_TMP/junk.img"
like "$RC:$ERR" "^1:error: .*not a save image" "a file that is no save image is refused"
vm_run $V "suspend disk1; save disk1 $VM_TMP/p.img; restore $VM_TMP/p.img"
is "$RC:$(state disk1)" "0:paused (user)" "a domain saved paused comes back paused"
vm_run $V "resume disk1; destroy disk1; undefine disk1"

# a transient domain: saved, it is gone; restored, it is back
guest tr1 > "$VM_TMP/tr1.xml"
vm_run $V "create $VM_TMP/tr1.xml; save tr1 $VM_TMP/tr1.img"
is "$RC:$($V list --all --name | grep -c '^tr1$')" "0:0" "a saved transient domain is gone"
vm_run $V "restore $VM_TMP/tr1.img; dominfo tr1"
is "$RC" 0 "restore brings it back"
like "$OUT" "^Persistent: +no$" "transient, as it was"
vm_run $V destroy tr1

# edit: an editor that changes the memory redefines the domain
guest ed1 > "$VM_TMP/ed1.xml"
cat > "$VM_TMP/ed-mem" <<'SH'
#!/bin/sh
sed -i "s|<memory unit='KiB'>65536</memory>|<memory unit='KiB'>98304</memory>|" "$1"
SH
chmod +x "$VM_TMP/ed-mem"
vm_run env EDITOR="$VM_TMP/ed-mem" VISUAL= $V "define $VM_TMP/ed1.xml; edit ed1; dumpxml ed1"
like "$OUT" "^Domain 'ed1' XML configuration edited\.$" "edit on QEMU: the edited definition is defined"
like "$OUT" "<memory unit='KiB'>98304</memory>" "and holds the editor's change"
vm_run $V undefine ed1

# start --paused, and destroy --graceful
guest ps1 > "$VM_TMP/ps1.xml"
vm_run $V "define $VM_TMP/ps1.xml; start ps1 --paused"
is "$RC" 0 "start --paused"
is "$(state ps1)" "paused (user)" "it is paused, by the user"
is "$(status ps1)" prelaunch "QEMU has not run a single instruction (prelaunch)"
vm_run $V resume ps1
is "$(state ps1)" "running (unpaused)" "resume runs it"
vm_run $V destroy ps1 --graceful
is "$RC:$(state ps1)" "0:shut off (destroyed)" "destroy --graceful: QEMU stopped on SIGTERM"
vm_run $V undefine ps1

# 4d. NIC counters from the host side of a tap device, in the guest's view
TAP="vmt$$"
TAP=$(printf '%.15s' "$TAP")
ip tuntap add dev "$TAP" mode tap && ip link set "$TAP" up
ok $? "a tap device for the test ($TAP)"
cat > "$VM_TMP/net1.xml" <<EOF
<domain type='qemu'>
  <name>net1</name>
  <memory unit='MiB'>64</memory>
  <os><type>hvm</type><boot dev='network'/></os>
  <devices>
    <interface type='ethernet'><target dev='$TAP'/><model type='e1000'/></interface>
  </devices>
</domain>
EOF
vm_run $V "define $VM_TMP/net1.xml; start net1"
is "$RC" 0 "a guest on the tap starts"
end=$(( $(date +%s) + 60 ))
tx=0
while [ "$(date +%s)" -lt "$end" ]; do
    tx=$($V domstats net1 | sed -n 's/^  net.0.tx.bytes=//p')
    [ -n "$tx" ] && [ "$tx" -gt 0 ] && break
    sleep 0.5
done
[ -n "$tx" ] && [ "$tx" -gt 0 ]
ok $? "the guest's PXE requests count as its tx.bytes ($tx)"
host_rx=$(cat "/sys/class/net/$TAP/statistics/rx_bytes")
[ "$host_rx" -ge "$tx" ]
ok $? "guest tx is the tap's host-side rx (swapped: $tx <= $host_rx)"
vm_run $V "destroy net1; undefine net1"

# start failures leave nothing behind and name the culprit
guest broken "$(disk "$IMG/missing.img")" > "$VM_TMP/broken.xml"
vm_run $V "define $VM_TMP/broken.xml; start broken"
like "$ERR" "disk 'vda' of domain 'broken': '$IMG/missing.img': No such file" \
    "a missing disk image is named"
[ ! -e "$RUN/broken.state" ] && [ ! -e "$RUN/broken.pid" ]
ok $? "and nothing is left behind"
printf "<domain type='qemu'><name>emu</name><memory>65536</memory><devices><emulator>/nonexistent/qemu</emulator></devices></domain>" > "$VM_TMP/emu.xml"
vm_run $V "define $VM_TMP/emu.xml; start emu"
like "$ERR" "emulator '/nonexistent/qemu' is not an executable file" "a missing emulator is named"
printf "<domain type='kvm'><name>k</name><memory>65536</memory></domain>" > "$VM_TMP/k.xml"
# /dev/kvm is usable here: a test-only override names a device that is not
export VIRTMON_TEST_KVM_DEVICE=/nonexistent/kvm
vm_run $V "define $VM_TMP/k.xml; start k"
unset VIRTMON_TEST_KVM_DEVICE
like "$ERR" "type 'kvm' but KVM is not usable: /nonexistent/kvm: No such file" \
    "type='kvm' without a usable KVM device is a clear error"
[ ! -e "$RUN/k.state" ]
ok $? "and nothing is left behind"

# autostart and start --all-autostart
guest a1 > "$VM_TMP/a1.xml"
vm_run $V "define $VM_TMP/a1.xml; autostart a1; start --all-autostart"
like "$OUT" "Domain 'a1' started" "start --all-autostart starts autostart domains"
is "$(state a1)" "running (booted)" "a1 runs"
vm_run $V "destroy a1; autostart --disable a1; undefine a1"

# the host's figures, as libvirt's Linux host code reads them
vm_run $V nodememstats
total=$(sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo)
is "$(printf '%s\n' "$OUT" | sed -E 's/: +[0-9]+ KiB$/: N KiB/')" "total  : N KiB
free   : N KiB
buffers: N KiB
cached : N KiB" "nodememstats: virsh's fields (and its layout: 20 columns)"
like "$OUT" "^free   : [ 0-9]{20} KiB" "nodememstats: the figures in virsh's 20 columns"
like "$OUT" "^total  : +$total KiB" "nodememstats: the total is /proc/meminfo's ($total KiB)"
vm_run $V nodememstats 0
like "$RC:$OUT" "^0:total  : +$(sed -n 's/^Node 0 MemTotal: *\([0-9]*\) kB/\1/p' /sys/devices/system/node/node0/meminfo) KiB" \
    "nodememstats 0: NUMA cell 0's total"
vm_run $V nodememstats 4096
like "$RC:$ERR" "^1:error: .*no NUMA cell 4096" "nodememstats of a cell the host lacks: an error"
vm_run $V nodecpustats
is "$(printf '%s\n' "$OUT" | sed -E 's/ +[0-9]+$/ N/')" "user: N
system: N
idle: N
iowait: N" "nodecpustats: virsh's fields"
idle=$(printf '%s\n' "$OUT" | sed -n 's/^idle: *//p')
[ "$idle" -ge 1000000000 ]
ok $? "and idle time in ns ($idle)"
vm_run $V nodecpustats --percent
like "$RC:$(printf '%s\n' "$OUT" | head -n 1)" '^0:usage: +[0-9]+\.[0-9]%$' "nodecpustats --percent: usage of the last second"
vm_run $V nodecpustats 60000
like "$RC:$ERR" "^1:error: .*no CPU 60000" "nodecpustats of a CPU the host lacks: an error"
done_testing
