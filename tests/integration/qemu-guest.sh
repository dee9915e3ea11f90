#!/bin/sh
# qemu-guest.sh: a real guest (tests/guest/mkguest.sh: Debian's kernel and a
# busybox initramfs with the virtio drivers) boots, shows its banner on the
# serial console through the pty the runtime state records, and its disk
# and NIC counters grow while it reads and sends.  Its NICs are on a bridge
# (type='bridge', and type='network' mapped by virtmon.conf): the taps are
# made by virtmon and go with QEMU.  Runs in network and mount namespaces
# of its own (sysfs mounted again, so /sys/class/net is this network's),
# so the bridge and the taps touch nothing else.
if [ "${VM_IN_NETNS:-}" != 1 ]; then
    VM_IN_NETNS=1 exec unshare --net --mount /bin/sh "$0" "$@"
fi
mount -t sysfs sysfs /sys || { echo "Bail out! cannot mount sysfs in the test's namespace"; exit 99; }
. "$abs_top_srcdir/tests/lib.sh"
need qemu-system-x86_64 qemu-img python3 ip cpio modprobe
. "$abs_top_srcdir/tests/qemu-lib.sh"
ip link set lo up
ip link add vmbr0 type bridge && ip link set vmbr0 up
ok $? "a bridge in the test's own network namespace"

GUEST="$abs_top_builddir/tests/guest-cache"
sh "$abs_top_srcdir/tests/guest/mkguest.sh" "$GUEST" > "$VM_TMP/mkguest" 2>&1
ok $? "the test guest is made (or reused): $(cat "$VM_TMP/mkguest")"
accel=$(cat "$GUEST/accel" 2>/dev/null)
type=qemu
[ "$accel" = kvm ] && type=kvm
echo "# the test guest boots under $accel here"
qemu-img create -q -f qcow2 "$VM_TMP/tg.qcow2" 64M
printf 'network_lab = "vmbr0"\n' > "$VIRTMON_CONFIG_DIR/virtmon.conf"

guest_xml() {  # guest_xml NAME NETWORK > file
    cat <<EOF
<domain type='$type'>
  <name>$1</name>
  <memory unit='MiB'>256</memory>
  <vcpu current='1'>2</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    <kernel>$GUEST/vmlinuz</kernel>
    <initrd>$GUEST/initrd.img</initrd>
    <cmdline>console=ttyS0 quiet panic=-1</cmdline>
  </os>
  <features><acpi/><apic/></features>
  <devices>
    <controller type='pci' model='pcie-root'/>
    <controller type='pci' model='pcie-root-port'/>
    <controller type='pci' model='pcie-root-port'/>
    <controller type='pci' model='pcie-root-port'/>
    <controller type='pci' model='pcie-root-port'/>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='$VM_TMP/tg.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <interface type='bridge'>
      <source bridge='vmbr0'/>
      <model type='virtio'/>
    </interface>
    <interface type='network'>
      <source network='$2'/>
      <model type='e1000e'/>
    </interface>
    <serial type='pty'/>
    <console type='pty'/>
    <memballoon model='virtio'/>
  </devices>
</domain>
EOF
}

# an unmapped network refuses the start, naming the interface and the
# setting; nothing is left on the bridge
guest_xml nomap nowhere > "$VM_TMP/nomap.xml"
vm_run $V "define $VM_TMP/nomap.xml; start nomap"
like "$RC:$ERR" "^1:.*interface 1 \\(network 'nowhere'\\).*network_nowhere" \
    "an interface on an unmapped network refuses the start, naming it"
is "$(ip -o link show master vmbr0 | wc -l)" 0 "and no tap is left on the bridge"
$V undefine nomap > /dev/null

guest_xml tg lab > "$VM_TMP/tg.xml"
vm_run $V "define $VM_TMP/tg.xml; start tg"
is "$RC:$ERR" "0:" "the test guest starts"
taps=$(ip -o link show master vmbr0 | awk -F': ' '{ print $2 }' | sed 's/@.*//' | tr '\n' ' ')
is "$(echo $taps | wc -w)" 2 "both its interfaces have a tap on the bridge ($taps)"
pty=$(sed -n 's|.*"charserial0":"\([^"]*\)".*|\1|p' "$RUN/tg.state")
like "$pty" '^/dev/pts/[0-9]+$' "the runtime state records its serial pty"
VM_CONSOLE_TIMEOUT=120 python3 "$abs_top_srcdir/tests/guest-console.py" "$pty" \
    "virtmon-guest: ready disks=vda nics=eth0" > "$VM_TMP/console" 2>&1
ok $? "it boots: its banner shows on the console's pty"
sed 's/^/# /' "$VM_TMP/console" | tail -n 3

figure() {  # figure KEY: from domstats
    $V domstats tg | sed -n "s/^ *$1=//p"
}
rd0=$(figure block.0.rd.bytes)
tx0=$(figure net.0.tx.bytes)
blk() {  # blk FIELD [DEV]: from domblkstat
    $V domblkstat tg ${2:-vda} | sed -n "s/^${2:-vda} $1 //p"
}
brd0=$(blk rd_bytes)
like "$rd0:$tx0" '^[0-9]+:[0-9]+$' "domstats has the disk's and the NIC's counters ($rd0, $tx0)"
is "$(figure net.0.name)" "$(echo $taps | cut -d' ' -f1)" "the NIC's counters are its tap's"
python3 "$abs_top_srcdir/tests/guest-console.py" "$pty" "virtmon-guest: read done" read > "$VM_TMP/console" 2>&1
ok $? "the guest read its disk"
python3 "$abs_top_srcdir/tests/guest-console.py" "$pty" "virtmon-guest: send done" "send 200" > "$VM_TMP/console" 2>&1
ok $? "the guest sent on its NIC"
rd1=$(figure block.0.rd.bytes)
tx1=$(figure net.0.tx.bytes)
[ "$rd1" -ge $((rd0 + 60 * 1024 * 1024)) ]
ok $? "block.0.rd.bytes grew by the disk's 64 MiB ($rd0 -> $rd1)"
[ "$tx1" -ge $((tx0 + 200 * 1000)) ]
ok $? "net.0.tx.bytes grew by 200 frames of 1000 bytes ($tx0 -> $tx1)"
brd1=$(blk rd_bytes)
[ "$brd1" -ge $((brd0 + 60 * 1024 * 1024)) ]
ok $? "domblkstat: rd_bytes grew while it read ($brd0 -> $brd1)"
numbers() { printf '%s\n' "$OUT" | sed -E 's/ [0-9]+(\.[0-9]+)?/ N/g'; }
vm_run $V domblkstat tg vda
is "$(numbers)" "vda rd_req N
vda rd_bytes N
vda wr_req N
vda wr_bytes N
vda flush_operations N
vda rd_total_times N
vda wr_total_times N
vda flush_total_times N" "domblkstat has QEMU's figures in virsh's order"
vm_run $V domblkstat tg "$VM_TMP/tg.qcow2" --human
like "$OUT" "^Device: $VM_TMP/tg.qcow2
 number of read operations: +[0-9]+" "domblkstat finds the disk by its path, and says what each figure is"
vm_run $V domblkstat tg
like "$OUT" "^ rd_bytes $brd1\$" "domblkstat without a device sums the disks (one here)"
tap0=$(echo $taps | cut -d' ' -f1)
mac0=$(ip -o link show "$tap0" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
vm_run $V domifstat tg "$tap0"
is "$(numbers)" "$tap0 rx_bytes N
$tap0 rx_packets N
$tap0 rx_errs N
$tap0 rx_drop N
$tap0 tx_bytes N
$tap0 tx_packets N
$tap0 tx_errs N
$tap0 tx_drop N" "domifstat has the tap's counters in virsh's order"
txs=$($V domifstat tg "$tap0" | sed -n "s/^$tap0 tx_bytes //p")
[ "$txs" -ge "$tx1" ]
ok $? "and the guest's 200 frames ($tx1 <= $txs)"
gmac=$($V domiflist tg | awk '$2 == "bridge" { print $5 }')
vm_run $V domifstat tg "$gmac"
like "$OUT" "^$gmac tx_bytes [0-9]+\$" "domifstat finds the NIC by the guest's MAC ($gmac)"

# its vCPUs (one of two online) and memory, as virsh shows them
vm_run $V vcpucount tg
is "$OUT" "maximum      config         2
maximum      live           2
current      config         1
current      live           1" "vcpucount: one of its two vCPUs is online, live and in the definition"
vm_run $V vcpuinfo tg
ncpu=$(getconf _NPROCESSORS_CONF)
is "$(numbers | sed -E 's/^(CPU Affinity: +)[-y]+$/\1MAP/')" "VCPU:           N
CPU:            N
State:          running
CPU time:       Ns
CPU Affinity:   MAP" "vcpuinfo: its vCPU, the host CPU it ran on, its time and affinity"
aff=$(printf '%s\n' "$OUT" | sed -n 's/^CPU Affinity: *//p')
is "${#aff}" "$ncpu" "the affinity has a y or - for each of the host's $ncpu CPUs ($aff)"
vm_run $V vcpuinfo --pretty tg
like "$OUT" "CPU Affinity: +0(-$((ncpu - 1)))? \(out of $ncpu\)\$" "vcpuinfo --pretty: the affinity as ranges"
vm_run $V dommemstat tg
[ -n "$ERR" ] && printf '%s\n' "$ERR" | head -n 20 | sed 's/^/# stderr: /'
is "$(printf '%s\n' "$OUT" | sed -n '1p;$p')" "actual 262144
$(printf '%s\n' "$OUT" | grep '^rss [0-9]*$')" "dommemstat: the balloon's size first, QEMU's resident memory last"
like "$(printf '%s\n' "$OUT" | sed -n 2p)" '^swap_in [0-9]+$' "and, as the guest's balloon driver reports them, the guest's own figures"
rss=$(printf '%s\n' "$OUT" | sed -n 's/^rss //p')
[ "$rss" -gt 10000 ] && [ "$rss" -lt 2000000 ]
ok $? "rss is QEMU's ($rss KiB)"
vm_run $V domcontrol tg
is "$RC:$OUT" "0:ok" "domcontrol: ok"

# CLI III on the running guest: the balloon, vCPU hotplug, the definition
actual() { $V dommemstat tg | sed -n 's/^actual //p'; }
vm_run $V setmem tg 196608
is "$RC:$ERR" "0:" "setmem: the balloon is asked for 192 MiB"
for _ in $(seq 1 200); do [ "$(actual)" = 196608 ] && break; sleep 0.1; done
is "$(actual)" 196608 "dommemstat's actual follows (the guest's balloon driver gave it back)"
like "$($V dominfo tg)" "Used memory: +196608 KiB" "and dominfo's used memory"
vm_run $V setmem tg 1G
like "$RC:$ERR" "^1:error: .*higher than max memory" "setmem above the maximum is refused"
vm_run $V setmaxmem tg 320M
like "$RC:$ERR" "^1:error: .*active domain" "setmaxmem of a running domain is refused"
vm_run $V "setmaxmem tg 320M --config; setmem tg 300M --config; dumpxml --inactive tg"
like "$OUT" "<memory unit='KiB'>327680</memory>" "setmaxmem --config: the definition's maximum"
like "$OUT" "<currentMemory unit='KiB'>307200</currentMemory>" "setmem --config: its current memory"
like "$($V dumpxml tg)" "<memory unit='KiB'>262144</memory>" "and the running domain keeps its own"
vm_run $V setvcpus tg 2
is "$RC:$ERR" "0:" "setvcpus 2: a vCPU is hotplugged"
is "$($V vcpucount tg --live)" 2 "vcpucount: two online now"
is "$($V vcpuinfo tg | grep -c '^VCPU:')" 2 "vcpuinfo: two vCPUs, each with its thread"
vm_run $V setvcpus tg 3
like "$RC:$ERR" "^1:error: .*exceeds maximum \\(3 > 2\\)" "setvcpus above the maximum is refused"
# (the test guest's kernel offlines and ejects a vCPU on ACPI's request)
vm_run $V setvcpus tg 1
is "$RC:$ERR" "0:" "setvcpus 1: the guest let the hotplugged vCPU go"
is "$($V vcpucount tg --live)" 1 "vcpucount: one online again"
vm_run $V setvcpus tg 0
like "$RC:$ERR" "^1:error: " "setvcpus 0 is refused"
vm_run $V "setvcpus tg 3 --maximum --config; setvcpus tg 2 --config; vcpucount tg"
like "$OUT" "^maximum +config +3\$" "setvcpus --maximum --config: the definition's maximum"
like "$OUT" "^current +config +2\$" "setvcpus --config: the definition's count"
like "$OUT" "^maximum +live +2\$" "and the running domain keeps its maximum"

# the serial console, driven through a pty: the guest answers, Ctrl+] leaves
python3 "$abs_top_srcdir/tests/pty-run.py" "$VM_TMP/console-out" 'nudge=\r' \
    'expect=virtmon-guest: ready' 'send=\x1d' 'exit=0' -- $VIRTMON -c "$U" console tg \
    > "$VM_TMP/console-run" 2>&1
ok $? "console: the guest's banner comes back through virtmon console, Ctrl+] leaves"
like "$(cat "$VM_TMP/console-out")" "^Connected to domain 'tg'" "console says where it is attached"
sed 's/^/# /' "$VM_TMP/console-run" | tail -n 3
# one console at a time
exec 7<> "$pty"
flock -n 7
ok $? "(the test holds the console's pty lock)"
vm_run $V console tg
like "$RC:$ERR" "^1:error: .*in use" "a second console is refused while one is attached"
exec 7>&-

# the definition's changes take effect at the next boot
vm_run $V "destroy tg; start tg"
is "$RC" 0 "restarted"
is "$($V vcpucount tg --live)" 2 "setvcpus --config, then a restart: two vCPUs online"
like "$($V dominfo tg)" "Max memory: +327680 KiB" "setmaxmem --config, then a restart: the new maximum"
pty=$(sed -n 's|.*"charserial0":"\([^"]*\)".*|\1|p' "$RUN/tg.state")
VM_CONSOLE_TIMEOUT=120 python3 "$abs_top_srcdir/tests/guest-console.py" "$pty" \
    "virtmon-guest: ready" > "$VM_TMP/console" 2>&1
ok $? "it boots again"

# save to a file and restore: back running, with the same memory, and
# the guest answers where it left off
for _ in $(seq 1 200); do [ "$(actual)" = 307200 ] && break; sleep 0.1; done
mem0=$(actual)
vm_run $V save tg "$VM_TMP/tg.save"
is "$RC:$($V domstate --reason tg)" "0:shut off (saved)" "save FILE: the guest is saved and off"
vm_run $V restore "$VM_TMP/tg.save"
is "$RC:$($V domstate --reason tg)" "0:running (restored)" "restore FILE: it runs again"
is "$(actual)" "$mem0" "with the memory it had ($mem0 KiB)"
pty=$(sed -n 's|.*"charserial0":"\([^"]*\)".*|\1|p' "$RUN/tg.state")
python3 "$abs_top_srcdir/tests/guest-console.py" "$pty" "virtmon-guest: ready" banner \
    > "$VM_TMP/console" 2>&1
ok $? "and the restored guest answers on its console"
taps=$(ip -o link show master vmbr0 | awk -F': ' '{ print $2 }' | sed 's/@.*//' | tr '\n' ' ')

# its device lists, as virsh prints them
vm_run $V domblklist tg
like "$OUT" "^ vda      $VM_TMP/tg.qcow2\$" "domblklist shows its disk"
vm_run $V domblklist --details tg
like "$OUT" "^ file   disk     vda      $VM_TMP/tg.qcow2\$" "domblklist --details its type and device"
vm_run $V domiflist tg
like "$OUT" "^ Interface +Type +Source +Model +MAC\$" "domiflist has virsh's header"
like "$OUT" "^ - +bridge +vmbr0 +virtio +52:54:00:" "and the bridge interface"
like "$OUT" "^ - +network +lab +e1000e +52:54:00:" "and the network one"

vm_run $V destroy tg
is "$(ip -o link show master vmbr0 | wc -l)" 0 "destroy: its taps are gone"
is "$(pgrep -f "guest=tg,.*$RUN/" | wc -l)" 0 "and its QEMU"
[ ! -e "$pty" ] || ! fuser "$pty" > /dev/null 2>&1
ok $? "and its pty"
$V undefine tg > /dev/null

# a bridge that does not exist is a clear error
sed "s/source bridge='vmbr0'/source bridge='nobr0'/" "$VM_TMP/tg.xml" > "$VM_TMP/nobr.xml"
vm_run $V "define $VM_TMP/nobr.xml; start tg"
like "$RC:$ERR" "^1:.*interface 0 \\(bridge 'nobr0'\\).*bridge 'nobr0'" "a missing bridge is named"
$V undefine tg > /dev/null
done_testing
