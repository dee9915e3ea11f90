#!/bin/sh
# qemu-devices.sh: the guests virt-install defines start, with the devices they define.
# Each definition of tests/data/virt-install, made runnable here (its own
# disk images, a user-mode NIC), starts under KVM and, as type='qemu', under
# TCG; what runs (/proc/PID/cmdline) carries its devices, boot indexes and
# display; destroy and undefine leave no process, socket or pty.  Then boot
# order on a cdrom and a disk, and domdisplay with a real RFB handshake to
# VNC and SPICE's port open, passwords set over QMP and never in argv.
. "$abs_top_srcdir/tests/lib.sh"
need qemu-system-x86_64 qemu-img python3 timeout
. "$abs_top_srcdir/tests/qemu-lib.sh"
CHECK="python3 $abs_top_srcdir/tests/qemu-cmdline-check.py"
IMGS="$VM_TMP/images"
mkdir -p "$IMGS"

# what this machine's KVM refuses that QEMU would otherwise do (a nested
# KVM may): said, and left out of the KVM copies only
probe() {  # probe CPU: QEMU with KVM and that CPU gets through a reset
    printf '%s\n' '{"execute":"qmp_capabilities"}' '{"execute":"system_reset"}' \
        '{"execute":"query-status"}' '{"execute":"quit"}' |
        timeout 20 qemu-system-x86_64 -machine pc,accel=kvm -cpu "$1" -nodefaults \
            -no-user-config -display none -S -qmp stdio 2>&1 | grep -q '"status": "prelaunch"'
}
kvm_opts=""
if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
    kvm_types="kvm qemu"
    probe qemu64,hv-vapic=on,hv-time=on ||
        { kvm_opts="strip-hv"; echo "# this KVM refuses hv-vapic or hv-time: left out under KVM"; }
    probe host ||
        { kvm_opts="$kvm_opts no-arch-caps"; echo "# this KVM refuses the arch-capabilities MSR of -cpu host: disabled under KVM"; }
    # a nested KVM may run SeaBIOS but stop at the first x87 instruction
    # (OVMF's and Linux's): QEMU then sits in internal-error
    ovmf_state=$( (printf '%s\n' '{"execute":"qmp_capabilities"}'; sleep 3
        printf '%s\n' '{"execute":"query-status"}' '{"execute":"quit"}') |
        timeout 20 qemu-system-x86_64 -machine q35,accel=kvm,pflash0=c -nodefaults -no-user-config \
            -display none -blockdev driver=file,filename=/usr/share/OVMF/OVMF_CODE_4M.fd,node-name=c,read-only=on \
            -qmp stdio 2>/dev/null | sed -n 's/.*"status": "\([a-z-]*\)".*/\1/p')
    if [ "$ovmf_state" != running ]; then
        kvm_runs_uefi=no
        echo "# this KVM does not run OVMF (status: ${ovmf_state:-none}): UEFI guests under KVM must be reported crashed, not running"
    fi
else
    kvm_types="qemu"
    echo "# /dev/kvm is not usable: TCG only"
fi
ok 0 "probed this machine's KVM (types: $kvm_types)"

# processes of this run only (its runtime dir): parallel runs share UUIDs
pids_of() { pgrep -f "qemu-system.*$1.*$RUN/" | tr "\n" " "; }

n=0
for vtype in $kvm_types; do
    for f in "$abs_top_srcdir"/tests/data/virt-install/*.xml; do
        grep -q "<domain type=.test" "$f" && continue
        b=$(basename "$f" .xml)
        opts=""
        [ "$vtype" = kvm ] && opts=$kvm_opts
        python3 "$abs_top_srcdir/tests/corpus-runnable.py" "$f" "$VM_TMP/$b.xml" "$vtype" "$IMGS" $opts
        name=$(sed -n 's|.*<name>\(.*\)</name>.*|\1|p' "$f" | head -n 1)
        uuid=$(sed -n 's|.*<uuid>\(.*\)</uuid>.*|\1|p' "$f" | head -n 1)
        vm_run $V "define $VM_TMP/$b.xml; start $name"
        # what this issue leaves to the next, and what libvirt refuses too
        if [ "$vtype" = qemu ] && grep -q "host-passthrough" "$f"; then
            like "$RC:$ERR" "^1:.*CPU mode 'host-passthrough' needs KVM" "$vtype $b: host-passthrough without KVM is a clear error"
        elif grep -q "q35" "$f" && grep -q "bus=.ide" "$f"; then
            like "$RC:$ERR" "^1:.*q35 has no IDE bus" "$vtype $b: IDE on q35 is refused, as libvirt does"
        else
            is "$RC:$ERR" "0:" "$vtype $b starts"
            if [ "$vtype" = kvm ] && [ "${kvm_runs_uefi:-yes}" = no ] && grep -q "firmware=.efi" "$f"; then
                # what this KVM does to OVMF is told as it is: QEMU's
                # internal-error is a crash, never "running"
                end=$(( $(date +%s) + 20 ))
                while [ "$($V domstate "$name" 2>&1)" = running ] && [ "$(date +%s)" -lt "$end" ]; do
                    sleep 0.1
                done
                is "$($V domstate "$name" 2>&1)" "crashed" \
                    "$vtype $b: this KVM stops OVMF (internal-error), and virtmon says crashed"
            else
                is "$($V domstate "$name" 2>&1)" "running" "$vtype $b is running"
            fi
            pid=$(cat "$RUN/$name.pid" 2>/dev/null)
            $CHECK "$VM_TMP/$b.xml" "$pid" > "$VM_TMP/check" 2>&1
            ok $? "$vtype $b: its QEMU carries its devices, boot indexes and display"
            sed 's/^/# /' "$VM_TMP/check"
            case $vtype in
            kvm) grep -q "accel=kvm" "/proc/$pid/cmdline" ;;
            *) grep -q "accel=tcg" "/proc/$pid/cmdline" ;;
            esac
            ok $? "$vtype $b runs under $( [ "$vtype" = kvm ] && echo KVM || echo TCG)"
            ptys=$(sed -n 's|.*"\(/dev/pts/[0-9]*\)".*|\1|p' "$RUN/$name.state" | tr '\n' ' ')
            if grep -q "<serial\|<console" "$f"; then
                [ -n "$ptys" ]
                ok $? "$vtype $b: the runtime state records its ptys ($ptys)"
            fi
            if grep -q "firmware=.efi" "$f"; then
                grep -q "OVMF_CODE" "/proc/$pid/cmdline" && [ -s "$SAVE/${name}_VARS.fd" ]
                ok $? "$vtype $b: UEFI from OVMF, its variables in the state dir"
            fi
            if grep -q "<tpm" "$f"; then
                pgrep -f "swtpm socket.*$RUN/$uuid.tpm" > /dev/null
                ok $? "$vtype $b: its TPM emulator (swtpm) runs"
                grep -q '"driver":"tpm-crb","tpmdev":"tpm-tpm0"' "/proc/$pid/cmdline"
                ok $? "$vtype $b: QEMU has the TPM device of its definition"
            fi
            vm_run $V "destroy $name; undefine --nvram $name"
            is "$RC" 0 "$vtype $b: destroy and undefine"
            [ ! -e "$SAVE/${name}_VARS.fd" ]
            ok $? "$vtype $b: undefine --nvram leaves no variables"
            left=$(ls "$RUN" | grep -e "$uuid" -e "^$name\\." | grep -v '\.lock$' | grep -v '\.stop$' | grep -v '\.log$')
            is "$(pids_of "$uuid")$(pgrep -f "swtpm.*$RUN/$uuid")|$left" "|" "$vtype $b: no process or socket left"
            for p in $ptys; do
                [ ! -e "$p" ] || ! fuser "$p" >/dev/null 2>&1
                ok $? "$vtype $b: its pty $p is gone"
            done
        fi
        $V undefine "$name" >/dev/null 2>&1
        n=$((n + 1))
    done
done
[ "$n" -ge 50 ]
ok $? "the corpus was started under each accelerator ($n starts)"

# UEFI: the guest's variables are its own, kept across a restart (OVMF
# writes its boot entries within seconds of starting); plain undefine is
# refused while they exist, --nvram removes them
python3 "$abs_top_srcdir/tests/corpus-runnable.py" "$abs_top_srcdir/tests/data/virt-install/deb11-uefi.xml" \
    "$VM_TMP/uefi.xml" qemu "$IMGS"
vars="$SAVE/deb11-uefi_VARS.fd"
vm_run $V "define $VM_TMP/uefi.xml; start deb11-uefi"
is "$RC" 0 "a UEFI guest starts"
cmp -s "$vars" /usr/share/OVMF/OVMF_VARS_4M.fd
ok $? "its variables start as OVMF's template"
end=$(( $(date +%s) + 60 ))
while cmp -s "$vars" /usr/share/OVMF/OVMF_VARS_4M.fd && [ "$(date +%s)" -lt "$end" ]; do sleep 0.5; done
cmp -s "$vars" /usr/share/OVMF/OVMF_VARS_4M.fd
ok $((1 - $?)) "OVMF wrote its variables"
vm_run $V destroy deb11-uefi
cp "$vars" "$VM_TMP/vars.before"
vm_run $V start deb11-uefi
cmp -s "$vars" "$VM_TMP/vars.before"
ok $? "a restart keeps them (not made again from the template)"
vm_run $V "destroy deb11-uefi; undefine deb11-uefi"
like "$RC:$ERR" "^1:.*cannot undefine domain 'deb11-uefi' with nvram" "plain undefine is refused while they exist"
vm_run $V undefine --nvram deb11-uefi
is "$RC" 0 "undefine --nvram"
[ ! -e "$vars" ]
ok $? "removes them"
# an explicit <loader> and <nvram> (with its template) are applied as given
python3 - "$VM_TMP/uefi.xml" "$VM_TMP/loader.xml" "$VM_TMP/own_VARS.fd" <<'EOF'
import sys, xml.etree.ElementTree as ET
t = ET.parse(sys.argv[1])
os_ = t.getroot().find("os")
del os_.attrib["firmware"]
loader = ET.SubElement(os_, "loader", {"readonly": "yes", "type": "pflash"})
loader.text = "/usr/share/OVMF/OVMF_CODE_4M.fd"
nvram = ET.SubElement(os_, "nvram", {"template": "/usr/share/OVMF/OVMF_VARS_4M.fd"})
nvram.text = sys.argv[3]
t.write(sys.argv[2])
EOF
vm_run $V "define $VM_TMP/loader.xml; start deb11-uefi"
is "$RC" 0 "a guest with its own <loader> and <nvram> starts"
grep -q "$VM_TMP/own_VARS.fd" "/proc/$(cat "$RUN/deb11-uefi.pid")/cmdline" &&
    grep -q "OVMF_CODE_4M.fd" "/proc/$(cat "$RUN/deb11-uefi.pid")/cmdline" && [ -s "$VM_TMP/own_VARS.fd" ]
ok $? "QEMU runs that firmware with those variables, made from the template"
vm_run $V "destroy deb11-uefi; undefine --keep-nvram deb11-uefi"
[ -s "$VM_TMP/own_VARS.fd" ]
ok $? "undefine --keep-nvram keeps them"

# TPM: swtpm starts before QEMU and stops with it; one killed under a
# running guest is reported; its state goes with undefine
need swtpm
python3 "$abs_top_srcdir/tests/corpus-runnable.py" "$abs_top_srcdir/tests/data/virt-install/tpm.xml" \
    "$VM_TMP/tpm.xml" qemu "$IMGS"
tuuid=$(sed -n 's|.*<uuid>\(.*\)</uuid>.*|\1|p' "$VM_TMP/tpm.xml" | head -n 1)
vm_run $V "define $VM_TMP/tpm.xml; start tpm"
is "$RC" 0 "a guest with a TPM starts"
spid=$(pgrep -f "swtpm socket.*$RUN/$tuuid.tpm")
[ -n "$spid" ] && [ -d "$SAVE/tpm.tpm" ]
ok $? "swtpm runs for it ($spid), its state in the state dir"
is "$($V domcontrol tpm 2>&1)" "ok" "domcontrol: ok"
kill -KILL $spid
while kill -0 "$spid" 2>/dev/null; do sleep 0.05; done
vm_run $V domcontrol tpm
is "$OUT" "error: TPM emulator not running" "swtpm killed under the guest: domcontrol says so"
like "$ERR" "TPM emulator \\(swtpm\\) is not running" "and a warning names it"
vm_run $V "destroy tpm; start tpm"
is "$RC" 0 "destroy, and start again: a new swtpm"
spid=$(pgrep -f "swtpm socket.*$RUN/$tuuid.tpm")
[ -n "$spid" ]
ok $? "it runs ($spid)"
qpid=$(cat "$RUN/tpm.pid")
vm_run $V destroy tpm
end=$(( $(date +%s) + 10 ))
while { kill -0 "$spid" || kill -0 "$qpid"; } 2>/dev/null && [ "$(date +%s)" -lt "$end" ]; do sleep 0.05; done
! kill -0 "$spid" 2>/dev/null && ! kill -0 "$qpid" 2>/dev/null
ok $? "destroy stops QEMU and swtpm"
# QEMU killed under it: the guest is crashed, and its swtpm goes too
vm_run $V start tpm
spid=$(pgrep -f "swtpm socket.*$RUN/$tuuid.tpm")
qpid=$(cat "$RUN/tpm.pid")
kill -KILL "$qpid"
while kill -0 "$qpid" 2>/dev/null; do sleep 0.05; done
is "$($V domstate --reason tpm 2>&1)" "crashed (unknown)" "QEMU killed: the guest is crashed"
end=$(( $(date +%s) + 10 ))
while kill -0 "$spid" 2>/dev/null && [ "$(date +%s)" -lt "$end" ]; do sleep 0.05; done
! kill -0 "$spid" 2>/dev/null && [ ! -e "$RUN/$tuuid.tpm" ]
ok $? "and its swtpm is gone, its socket too"
vm_run $V undefine --nvram tpm
[ ! -e "$SAVE/tpm.tpm" ]
ok $? "undefine removes the TPM's state"

# without /dev/kvm (a test-only override of its path), kvm fails clearly
python3 "$abs_top_srcdir/tests/corpus-runnable.py" "$abs_top_srcdir/tests/data/virt-install/cpu-host.xml" \
    "$VM_TMP/nokvm.xml" kvm "$IMGS"
VIRTMON_TEST_KVM_DEVICE=/nonexistent/kvm vm_run $V "define $VM_TMP/nokvm.xml; start cpu-host"
like "$RC:$ERR" "^1:.*type 'kvm' but KVM is not usable: /nonexistent/kvm" \
    "type='kvm' with host-passthrough and no KVM device: a clear error"
is "$(pids_of cpu-host)" "" "and no QEMU runs"
$V undefine cpu-host >/dev/null 2>&1

# boot order on a cdrom and a disk: those bootindexes
qemu-img create -q -f qcow2 "$IMGS/bo.qcow2" 16M
: > "$IMGS/bo.iso"
cat > "$VM_TMP/bo.xml" <<EOF
<domain type='qemu'>
  <name>bootorder</name>
  <memory unit='MiB'>64</memory>
  <os><type arch='x86_64' machine='q35'>hvm</type></os>
  <features><acpi/></features>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='$IMGS/bo.qcow2'/>
      <target dev='vda' bus='virtio'/>
      <boot order='2'/>
    </disk>
    <disk type='file' device='cdrom'>
      <driver name='qemu' type='raw'/>
      <source file='$IMGS/bo.iso'/>
      <target dev='sda' bus='sata'/>
      <readonly/>
      <boot order='1'/>
    </disk>
    <graphics type='vnc' autoport='yes' listen='127.0.0.1' passwd='vncpw123'/>
  </devices>
</domain>
EOF
vm_run $V "define $VM_TMP/bo.xml; start bootorder"
is "$RC" 0 "a guest with boot order on a cdrom and a disk starts"
pid=$(cat "$RUN/bootorder.pid")
tr '\0' '\n' < "/proc/$pid/cmdline" > "$VM_TMP/bo.cmd"
grep -q '"id":"disk-sda","bootindex":1' "$VM_TMP/bo.cmd" && grep -q '"id":"disk-vda","bootindex":2' "$VM_TMP/bo.cmd"
ok $? "the cdrom has bootindex 1, the disk 2"
grep -q vncpw123 "/proc/$pid/cmdline"
ok $((1 - $?)) "the VNC password is not in QEMU's command line"

# domdisplay: virsh's URI; a raw RFB handshake to it; the password took
# (VNC authentication offered, not none)
vm_run $V domdisplay bootorder
like "$OUT" '^vnc://127\.0\.0\.1:[0-9]+$' "domdisplay gives the VNC address ($OUT)"
display=${OUT##*:}
python3 - "$((5900 + display))" > "$VM_TMP/rfb" 2>&1 <<'EOF'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
banner = s.recv(12)
assert banner.startswith(b"RFB 003."), banner
s.sendall(b"RFB 003.008\n")
n = s.recv(1)[0]
types = list(s.recv(n))
print("server %s security types %s" % (banner.decode().strip(), types))
assert 2 in types and 1 not in types, types
EOF
ok $? "an RFB handshake to it succeeds, VNC authentication required ($(cat "$VM_TMP/rfb"))"
vm_run $V "destroy bootorder; undefine bootorder"

# SPICE: autoport picks a free port, domdisplay names it, it is open
cat > "$VM_TMP/sp.xml" <<EOF
<domain type='qemu'>
  <name>spicy</name>
  <memory unit='MiB'>64</memory>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices>
    <graphics type='spice' autoport='yes' passwd='sp1cepw'><listen type='address' address='127.0.0.1'/></graphics>
    <video><model type='qxl'/></video>
  </devices>
</domain>
EOF
vm_run $V "define $VM_TMP/sp.xml; start spicy; domdisplay spicy"
like "$OUT" 'spice://127\.0\.0\.1:[0-9]+$' "domdisplay gives the SPICE address"
port=${OUT##*:}
python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=10)" "$port"
ok $? "SPICE's port $port is open"
grep -q sp1cepw "/proc/$(cat "$RUN/spicy.pid")/cmdline"
ok $((1 - $?)) "the SPICE password is not in QEMU's command line"
vm_run $V destroy spicy
# the port found free is taken before QEMU binds it: the start tries the
# next one (the test pause holds the start between the two)
free=$(python3 -c '
import socket
for p in range(5900, 65536):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p)); print(p); break
    except OSError:
        pass
    finally:
        s.close()')
VIRTMON_TEST_QEMU_PAUSE=recorded:1500 $V start spicy > "$VM_TMP/spicy.out" 2> "$VM_TMP/spicy.err" &
starter=$!
end=$(( $(date +%s) + 10 ))
while [ ! -e "$RUN/spicy.state" ] && [ "$(date +%s)" -lt "$end" ]; do sleep 0.02; done
python3 -c '
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1); time.sleep(30)' "$free" &
taker=$!
wait "$starter"
is "$?" 0 "a start whose SPICE port was taken meanwhile still starts"
vm_run $V domdisplay spicy
kill "$taker" 2>/dev/null
[ "${OUT##*:}" -gt "$free" ]
ok $? "on the next free port (${OUT##*:}, not $free)"
like "$(cat "$VM_TMP/spicy.err")" "SPICE port $free was taken" "and says so"
vm_run $V "destroy spicy; domdisplay spicy"
like "$RC:$ERR" "^1:.*not running" "domdisplay of a shut off domain is an error"
vm_run $V undefine spicy
vm_run $VIRTMON -c test:///default domdisplay test
like "$RC:$ERR" "^1:.*not supported" "a driver without displays says so"
done_testing
