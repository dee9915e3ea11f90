#!/bin/sh
# cli-control.sh: CLI III's control commands on the test driver against
# virsh on a fixture file both read (libvirt's test driver's rules are the
# oracle): the messages and the resulting dominfo, vcpucount and list;
# then edit (with scripted editors), connect, console, and bad arguments.
. "$abs_top_srcdir/tests/lib.sh"
need virsh

fx="$VM_TMP/node.xml"
cat > "$fx" <<'XML'
<node>
  <domain type="test"><name>a</name><uuid>0000000a-0000-4000-8000-0000000000b1</uuid>
    <memory unit="KiB">1048576</memory><vcpu current="2">4</vcpu><os><type>hvm</type></os>
  </domain>
  <domain type="test" xmlns:test="http://libvirt.org/schemas/domain/test/1.0">
    <name>off</name><uuid>0000000a-0000-4000-8000-0000000000b2</uuid>
    <memory unit="KiB">1048576</memory><vcpu current="1">3</vcpu><os><type>hvm</type></os>
    <test:runstate>5</test:runstate>
  </domain>
  <domain type="test"><name>pin</name><uuid>0000000a-0000-4000-8000-0000000000b3</uuid>
    <memory unit="KiB">1048576</memory><vcpu cpuset="1-3">2</vcpu><os><type>hvm</type></os>
  </domain>
</node>
XML
uri="test://$fx"

# virsh's save, restore and managedsave watch their job through libvirt's
# event loop, which on the test driver now and then never returns: each
# virsh run has a deadline and, when it hits it, runs again (libvirt's test
# driver starts every connection from the fixture file, so a run cut short
# leaves nothing behind but its save files, which the next overwrites)
virsh_run() {  # virsh_run BATCH: stdout and stderr, exit status in VRC
    for _try in 1 2 3; do
        timeout 20 virsh -c "$uri" "$1" > "$VM_TMP/virsh.out" 2>&1
        VRC=$?
        [ "$VRC" -ne 124 ] && break
        echo "# virsh hung on its job watch; trying again" >&2
    done
    cat "$VM_TMP/virsh.out"
}

# what both print, with what differs by design left out: virsh's security
# lines, libvirt's OS type and made-up CPU time; an error is one line here
# and two (and a blank) in virsh: each is "ERROR"
# (and blank lines go: virsh's follow its errors; save and restore are
# compared byte for byte below); managedsave names the program that saved
norm() {
    grep -v -E '^(Security|OS Type:|CPU time:|$)' | sed 's/^error:.*/ERROR/' |
        sed -E "s/^(Domain '.*' state saved by) (libvirt|virtmon)$/\\1 PROGRAM/" |
        awk '$0 == "ERROR" && prev == "ERROR" { next } { prev = $0; print }'
}
same() {  # same DESCRIPTION BATCH
    $VM_TEST_WRAPPER "$VIRTMON" -c "$uri" "$2" > "$VM_TMP/ours" 2>&1
    r1=$?
    virsh_run "$2" > "$VM_TMP/theirs"
    r2=$VRC
    norm < "$VM_TMP/ours" > "$VM_TMP/ours.n"
    norm < "$VM_TMP/theirs" > "$VM_TMP/theirs.n"
    if [ "$r1" = "$r2" ] && cmp -s "$VM_TMP/ours.n" "$VM_TMP/theirs.n"; then
        ok 0 "$1"
    else
        ok 1 "$1 (exit $r1, virsh $r2)"
        diff "$VM_TMP/theirs.n" "$VM_TMP/ours.n" | head -n 20 | sed 's/^/# /'
    fi
}
rm -f "$VM_TMP"/s*.img
# save and restore print what virsh prints, blank lines and all
batch="save pin $VM_TMP/s0.img; list --all; restore $VM_TMP/s0.img; list --all"
$VM_TEST_WRAPPER "$VIRTMON" -c "$uri" "$batch" > "$VM_TMP/ours" 2>&1
rm -f "$VM_TMP/s0.img"
virsh_run "$batch" > "$VM_TMP/theirs"
is "$(cat "$VM_TMP/ours"; echo x)" "$(cat "$VM_TMP/theirs"; echo x)" "save and restore: virsh's output, byte for byte"
rm -f "$VM_TMP/s0.img"
same "setmem and setmaxmem: live, config, units, and what libvirt refuses" \
    "setmem a 524288; dominfo a; setmem a 9999999; setmaxmem a 2097152; setmaxmem off 2097152; dominfo off; setmem off 524288; setmem off 524288 --config; dominfo off; setmaxmem off 1G --config; dominfo off; setmaxmem off 262144; dominfo off; setmem a 256M --current; dominfo a"
same "setvcpus: live, config, current, maximum, and what exceeds the maximum" \
    "setvcpus a 1; vcpucount a; setvcpus a 3; vcpucount a; setvcpus a 5; setvcpus a 1 --config; vcpucount a; setvcpus off 5 --maximum --config; vcpucount off; setvcpus off 2; setvcpus off 2 --config; vcpucount off; setvcpus pin 1 --current; vcpucount pin; dominfo pin"
same "save and restore: the domain stops, comes back restored, a second restore is refused" \
    "save pin $VM_TMP/s1.img; list --all; dominfo pin; restore $VM_TMP/s1.img; list --all; domstate --reason pin; restore $VM_TMP/s1.img; save off $VM_TMP/s2.img; list --all"
same "save and restore of a paused domain, destroy --graceful" \
    "suspend a; save a $VM_TMP/s3.img; restore $VM_TMP/s3.img; domstate a; list --all; destroy a --graceful; list --all"
# (virsh's managedsave watches its job and can hang on the test driver:
# this one is checked on its own)
vm_run "$VIRTMON" -c "$uri" "managedsave a; list --all --managed-save; undefine a; undefine a --managed-save; list --all --name"
like "$ERR" "^error: .*managed-save image" "undefine of a domain with a managed-save image is refused"
like "$OUT" "^ -    a      saved$" "list --managed-save shows it saved"
is "$RC:$(printf '%s\n' "$OUT" | tail -n 3 | sed '/^$/d')" "0:pin
off" "undefine --managed-save removes it, image and all"
same "restore of a file that is not there, or not a save image" \
    "restore $VM_TMP/nosuch.img; restore $fx"
is "$(stat -c %a "$VM_TMP/s1.img")" 600 "a save file is the caller's alone (0600)"

# start --paused (libvirt's test driver refuses the flag: ours is checked
# alone), then resume
vm_run "$VIRTMON" -c "$uri" "start off --paused; domstate --reason off; resume off; domstate off"
is "$OUT" "Domain 'off' started

paused (user)

Domain 'off' resumed

running" "start --paused leaves it paused until resume"

# edit: an editor that changes the memory redefines the domain; one that
# changes nothing changes nothing; a refused definition is not defined
# (and, without a terminal, not offered again)
cat > "$VM_TMP/ed-mem" <<'SH'
#!/bin/sh
sed -i "s|<memory unit='KiB'>[0-9]*</memory>|<memory unit='KiB'>2097152</memory>|" "$1"
SH
printf '#!/bin/sh\nexit 0\n' > "$VM_TMP/ed-none"
cat > "$VM_TMP/ed-bad" <<'SH'
#!/bin/sh
sed -i "s|<memory unit='KiB'>|<memroy unit='KiB'>|; s|</memory>|</memroy>|" "$1"
SH
printf '#!/bin/sh\necho "$@" > "%s/ed-args"\n' "$VM_TMP" > "$VM_TMP/ed-args.sh"
chmod +x "$VM_TMP"/ed-*
vm_run env EDITOR="$VM_TMP/ed-mem" VISUAL= "$VIRTMON" -c "$uri" "edit off; dominfo off"
like "$OUT" "^Domain 'off' XML configuration edited\\.$" "edit: a changed definition is defined"
like "$OUT" "^Max memory: +2097152 KiB$" "and takes effect"
vm_run env EDITOR="$VM_TMP/ed-none" "$VIRTMON" -c "$uri" "edit off"
is "$RC:$OUT" "0:Domain 'off' XML configuration not changed." "edit: an unchanged file changes nothing"
vm_run env EDITOR="$VM_TMP/ed-bad" "$VIRTMON" -c "$uri" "edit off; dominfo off"
like "$ERR" "memroy" "edit: a refused definition says what is wrong"
like "$OUT" "^Max memory: +1048576 KiB$" "and the domain is as it was"
# on a terminal a refused definition is offered again: n leaves, y edits
# again (with an editor that now mends it)
python3 "$abs_top_srcdir/tests/pty-run.py" "$VM_TMP/tty-out" \
    'expect=Try again\? \[y,n,\?\]: ' 'send=n\r' 'exit=1' -- \
    env EDITOR="$VM_TMP/ed-bad" "$VIRTMON" -c "$uri" edit off > "$VM_TMP/tty-run" 2>&1
ok $? "edit on a terminal: a refused definition offers another try; n leaves (exit 1)"
cat > "$VM_TMP/ed-twice" <<SH
#!/bin/sh
if [ -e "$VM_TMP/ed-twice.done" ]; then sed -i 's/memroy/memory/g' "\$1"; exec "$VM_TMP/ed-mem" "\$1"; fi
touch "$VM_TMP/ed-twice.done"
exec "$VM_TMP/ed-bad" "\$1"
SH
chmod +x "$VM_TMP/ed-twice"
sed -i "s|<memory unit='KiB'>[0-9]*</memory>|<memory unit='KiB'>1048576</memory>|" "$fx"
python3 "$abs_top_srcdir/tests/pty-run.py" "$VM_TMP/tty-out" \
    'expect=Try again\? \[y,n,\?\]: ' 'send=y\r' "expect=Domain 'off' XML configuration edited" \
    'exit=0' -- env EDITOR="$VM_TMP/ed-twice" "$VIRTMON" -c "$uri" edit off > "$VM_TMP/tty-run" 2>&1
ok $? "y edits again, and the mended definition is defined"
vm_run env VISUAL="$VM_TMP/ed-args.sh --wait" EDITOR="$VM_TMP/ed-none" "$VIRTMON" -c "$uri" "edit off"
like "$(cat "$VM_TMP/ed-args")" "^--wait [^ ]*/virtmon-edit-[A-Za-z0-9]{6}\\.xml$" \
    "edit: \$VISUAL first, its words as arguments, then the file (no shell)"
is "$(ls "${TMPDIR:-/tmp}" | grep -c '^virtmon-edit-')" 0 "edit leaves no temporary file"

# connect switches the connection for the commands after it
vm_run "$VIRTMON" -c "$uri" "list --all --name; connect test:///default; list --all --name; uri"
like "$OUT" "^idle1$" "connect: the commands after it use the new connection"
like "$OUT" "^test:///default$" "and uri names it"
vm_run "$VIRTMON" -c "$uri" "connect test:///default --readonly; destroy test"
like "$RC:$ERR" "^1:.*read-only" "connect --readonly opens it read-only"
vm_run "$VIRTMON" -c "$uri" "connect test:///nosuch.xml; list"
is "$RC" 1 "connect to a URI that does not open fails"

# the test driver has no serial console, as libvirt's has none
vm_run "$VIRTMON" -c "$uri" "console a"
like "$RC:$ERR" "^1:error: .*not supported" "console on the test driver: not supported"

# bad arguments: an error, exit 1, nothing changed
for c in "setmem a" "setmem a 12x" "setmem a 0" "setvcpus a 0" "setvcpus a many" \
    "setvcpus a 2 --maximum" "setmem a 1024 --current --live" "save a" "restore" \
    "setvcpus a 2 --live --current"; do
    vm_run "$VIRTMON" -c "$uri" "$c"
    like "$RC:$ERR" "^1:error: " "'$c' is refused"
done
vm_run "$VIRTMON" -c "$uri" "setmem a 12x; dominfo a"
like "$OUT" "^Used memory: +1048576 KiB$" "and changes nothing"
done_testing
