# qemu-lib.sh: what the tests that run real TCG guests share, sourced after
# lib.sh: cleanup that kills every guest the test started, and tiny boot
# images and domain XML for them.  Guests live in the test's private
# VIRTMON_*_DIR, on qemu:///session.

need qemu-system-x86_64

# the session driver, its runtime (pid files, QMP sockets, logs) and its
# saved images
U=qemu:///session
V="$VIRTMON -c $U"
RUN="$VIRTMON_RUNTIME_DIR/qemu"
SAVE="$VIRTMON_STATE_DIR/qemu"

# Every guest this test starts is killed at the end, whatever happened;
# a test with more to undo sets QEMU_CLEANUP_MORE to a function name.
qemu_cleanup() {
    for pidf in "$VIRTMON_RUNTIME_DIR"/qemu/*.pid; do
        [ -f "$pidf" ] && kill -KILL "$(cat "$pidf")" 2>/dev/null
    done
    [ -n "${QEMU_CLEANUP_MORE:-}" ] && "$QEMU_CLEANUP_MORE"
    vm_cleanup
}
trap qemu_cleanup EXIT

# qmp_sock NAME: the QMP socket of a guest (sockets are named by UUID,
# a socket path holds 108 bytes), found from its definition without asking the driver (whose look
# would change what the test watches)
qmp_sock() {
    _u=$(sed -n 's|.*<uuid>\(.*\)</uuid>.*|\1|p' "$VIRTMON_RUNTIME_DIR/qemu/$1.xml" \
        "$VIRTMON_CONFIG_DIR/qemu/$1.xml" 2>/dev/null | head -n 1)
    echo "$VIRTMON_RUNTIME_DIR/qemu/$_u.qmp"
}

# boot sectors (1 MiB raw images): `cli; jmp $` keeps a vCPU busy; the
# other waits 2 s (int 15h, ah=86h) then powers the machine off through ACPI
# (outw 0x604)
bootsector() {  # bootsector FILE OCTAL-BYTES
    dd if=/dev/zero of="$1" bs=1024 count=1024 2>/dev/null
    printf "$2" | dd of="$1" conv=notrunc 2>/dev/null
    printf '\125\252' | dd of="$1" bs=1 seek=510 conv=notrunc 2>/dev/null
}
QEMU_IMG="$VM_TMP/img"
mkdir -p "$QEMU_IMG"
bootsector "$QEMU_IMG/spin.img" '\372\353\376'
bootsector "$QEMU_IMG/off.img" '\264\206\271\036\000\272\200\204\315\025\272\004\006\270\000\040\357\364\353\375'

guest() {  # guest NAME [extra devices XML [VCPUS]] > file
    cat <<XMLEOF
<domain type='qemu'>
  <name>$1</name>
  <memory unit='MiB'>64</memory>
  <vcpu>${3:-2}</vcpu>
  <features><acpi/></features>
  <devices>${2:-}</devices>
</domain>
XMLEOF
}
disk() { echo "<disk type='file'><source file='$1'/><target dev='vda' bus='virtio'/></disk>"; }
