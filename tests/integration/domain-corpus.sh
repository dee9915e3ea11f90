#!/bin/sh
# domain-corpus.sh: definitions nobody here wrote (tests/data/virt-install,
# printed by Debian's virt-install: BIOS and UEFI, q35 and i440fx, virtio,
# SATA, IDE and SCSI disks, user, network and bridge NICs, VNC, SPICE and no
# graphics, agent channel, RNG, TPM, sound, redirection...) define on the
# test driver and on qemu:///session (and what virsh dumpxml writes back for
# some of them); dumpxml validates against libvirt's
# own schema, holds every element, attribute and value of the input, and
# defines again to the same XML.
. "$abs_top_srcdir/tests/lib.sh"
need xmllint python3

libvirt_rng=/usr/share/libvirt/schemas/domain.rng
[ -f "$libvirt_rng" ] || { echo "Bail out! libvirt's schema is not installed (libvirt0)"; exit 99; }
n=0
for f in "$abs_top_srcdir"/tests/data/virt-install/*.xml; do
    b=$(basename "$f" .xml)
    name=$(sed -n 's|.*<name>\(.*\)</name>.*|\1|p' "$f" | head -n 1)
    # --inactive: the definition just made (test:///default runs a 'test')
    vm_run "$VIRTMON" -c test:///default "define $f; dumpxml --inactive $name"
    is "$RC" 0 "$b defines on the test driver"
    [ "$RC" = 0 ] || { printf '%s\n' "$ERR" | sed 's/^/# /'; continue; }
    printf '%s\n' "$OUT" | sed '1,2d' > "$VM_TMP/$b.out.xml"
    xmllint --noout --relaxng "$libvirt_rng" "$VM_TMP/$b.out.xml" > /dev/null 2> "$VM_TMP/lint"
    ok $? "$b: dumpxml validates against libvirt's schema"
    grep -v validates "$VM_TMP/lint" | head -n 3 | sed 's/^/# /'
    python3 "$abs_top_srcdir/tests/xml-contains.py" "$f" "$VM_TMP/$b.out.xml" > "$VM_TMP/diff"
    ok $? "$b: every element, attribute and value of the input is in dumpxml"
    sed 's/^/# /' "$VM_TMP/diff"
    vm_run "$VIRTMON" -c test:///default "define $VM_TMP/$b.out.xml; dumpxml --inactive $name"
    printf '%s\n' "$OUT" | sed '1,2d' > "$VM_TMP/$b.again.xml"
    cmp -s "$VM_TMP/$b.out.xml" "$VM_TMP/$b.again.xml"
    ok $? "$b: defined again from dumpxml, the same XML"
    if grep -q "<domain type=.test" "$f"; then
        n=$((n + 1))
        continue    # the test driver's own guest: QEMU runs qemu and kvm
    fi
    vm_run "$VIRTMON" -c qemu:///session "define $f; undefine $name"
    is "$RC" 0 "$b defines (and undefines) on qemu:///session"
    n=$((n + 1))
done
[ "$n" -ge 30 ]
ok $? "the corpus holds at least 30 definitions ($n)"

# what is kept is never silently left out of what runs: QEMU refuses to
# start a domain holding what it does not apply, naming all of it
f="$abs_top_srcdir/tests/data/qemu-argv/hostdev-invalid.xml"
vm_run "$VIRTMON" -c qemu:///session "define $f; start hostdev"
like "$RC:$(printf '%s' "$ERR" | tr '\n' ' ')" "^1:.*cannot start it.*unsupported attribute 'cpuset' of element 'vcpu'.*unsupported element 'hostdev' in 'devices'.*model='sb16' of element 'sound'.*type='tcp' of element 'serial'" \
    "start of a domain with content the QEMU driver does not apply is refused, naming each"
vm_run "$VIRTMON" -c qemu:///session domstate hostdev
is "$OUT" "shut off" "and it stays shut off"
vm_run "$VIRTMON" -c qemu:///session undefine hostdev

# secrets: left out of dumpxml unless --security-info on a read-write
# connection
cat > "$VM_TMP/pw.xml" <<EOX
<domain type='test'>
  <name>pw</name>
  <memory>65536</memory>
  <devices>
    <graphics type='vnc' port='-1' passwd='s3cret'/>
    <graphics type='spice' autoport='yes' passwd='t0p'/>
  </devices>
</domain>
EOX
vm_run "$VIRTMON" -c test:///default "define $VM_TMP/pw.xml; dumpxml pw"
case $OUT in *s3cret*|*t0p*) ok 1 "dumpxml shows a password" ;; *) ok 0 "dumpxml leaves passwords out" ;; esac
vm_run "$VIRTMON" -c test:///default "define $VM_TMP/pw.xml; dumpxml --security-info pw"
like "$OUT" "passwd='s3cret'.*" "--security-info shows the VNC password"
like "$OUT" "type='spice' autoport='yes' passwd='t0p'" "and the kept SPICE one"
vm_run "$VIRTMON" -r -c test:///default "dumpxml --security-info test"
like "$RC:$ERR" "^1:.*read-only" "--security-info on a read-only connection is refused"
done_testing
