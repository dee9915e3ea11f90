#!/bin/sh
# qemu-names.sh: hostile domain names on real TCG guests.  Names with
# quotes, "$(...)", ';', ',', spaces and 200 bytes of UTF-8 go through the
# whole life cycle, managed save and restore included (which once built an
# "exec:cat > '...'" command around the name: a root shell); no command
# hidden in a name ever runs.  Names with control characters are refused;
# an emulator outside the allowed list is refused, named.
. "$abs_top_srcdir/tests/lib.sh"
. "$abs_top_srcdir/tests/snmp-lib.sh"
need qemu-system-x86_64

. "$abs_top_srcdir/tests/qemu-lib.sh"
# Every command runs here: a shell started by virtmon or QEMU would leave its
# canary here, or in the state dirs, or in /tmp.
CWD="$VM_TMP/cwd"
mkdir -p "$CWD"
cd "$CWD" || exit 99
canaries() { find "$VM_TMP" /tmp -maxdepth 3 \( -name 'canary*' -o -name 'PWNED*' \) 2>/dev/null; }
state() { $V domstate --reason "$1" 2>&1 | head -n 1; }

# XML-escaped text for a name (& < > only: quotes are fine in element text)
xml_text() { printf '%s' "$1" | sed 's/&/\&amp;/g; s/</\&lt;/g; s/>/\&gt;/g'; }

u200=$(printf 'é%.0s' $(seq 1 100))
i=0
for name in "x';touch canary1;'" 'x"; touch canary2; "' '$(touch canary3)' \
    'a;touch canary4' 'c,process=x,canary5' 'with  spaces and `touch canary6`' "$u200"; do
    i=$((i + 1))
    guest "$(xml_text "$name")" > "$VM_TMP/n$i.xml"
    vm_run $V define "$VM_TMP/n$i.xml"
    is "$RC" 0 "name $i defines"
    vm_run $V start "$name"
    is "$RC$ERR" 0 "name $i starts"
    is "$(state "$name")" "running (booted)" "name $i runs"
    vm_run $V managedsave "$name"
    is "$RC$ERR" 0 "name $i: managedsave"
    is "$(state "$name")" "shut off (saved)" "name $i is saved"
    vm_run $V start "$name"
    is "$(state "$name")" "running (restored)" "name $i: start restores the image"
    vm_run $V destroy "$name"
    is "$(state "$name")" "shut off (destroyed)" "name $i: destroy"
    vm_run $V undefine "$name"
    is "$RC" 0 "name $i: undefine"
done
is "$(canaries)" "" "no command hidden in a name ran"
is "$(printf '%s' "$u200" | wc -c)" 200 "the UTF-8 name had 200 bytes"

# 201 bytes, a tab, an escape character: refused, nothing defined
guest "${u200}x" > "$VM_TMP/long.xml"
vm_run $V define "$VM_TMP/long.xml"
like "$ERR" "invalid domain name '.*': a name has at most 200 bytes" "a 201-byte name is refused"
printf "<domain type='qemu'><name>a\tb</name><memory>65536</memory></domain>" > "$VM_TMP/tab.xml"
vm_run $V define "$VM_TMP/tab.xml"
like "$ERR" "invalid domain name: a name cannot contain control characters" "a tab is refused"
printf "<domain type='qemu'><name>a\033b</name><memory>65536</memory></domain>" > "$VM_TMP/esc.xml"
vm_run $V define "$VM_TMP/esc.xml"
is "$RC" 1 "an escape character is refused"
like "$ERR" "^error: .*line 1" "with the line it is on"
vm_run $V list --all --name
is "$OUT" "" "and nothing was defined"

# a definition an older virtmon stored, with a name the rules now refuse (a
# tab; 230 bytes): listed with a warning, and it can be destroyed and
# undefined
long230=$(printf 'n%.0s' $(seq 1 230))
for old in "$(printf 'old\tname')" "$long230"; do
    # as virtmon writes them: with a UUID
    guest "$old" | sed "s|</name>|</name><uuid>$(cat /proc/sys/kernel/random/uuid)</uuid>|" \
        > "$VIRTMON_CONFIG_DIR/qemu/$old.xml"
    vm_run $V list --all --name
    is "$(printf '%s\n' "$OUT" | grep -cxF "$old")" 1 "an old definition (${#old} bytes) is listed"
    like "$ERR" "^warning: domain '.*' breaks a rule virtmon now enforces \(a name" \
        "with a warning"
    vm_run $V start "$old"
    is "$(state "$old")" "running (booted)" "it still starts"
    vm_run $V destroy "$old"
    is "$RC:$(state "$old")" "0:shut off (destroyed)" "it can be destroyed"
    vm_run $V undefine "$old"
    is "$RC" 0 "and undefined"
    [ ! -e "$VIRTMON_CONFIG_DIR/qemu/$old.xml" ]
    ok $? "its definition is gone"
done

# an emulator outside virtmon.conf's list: refused at start, named
cat > "$VM_TMP/emu.xml" <<XMLEOF
<domain type='qemu'><name>emu</name><memory>65536</memory>
<devices><emulator>/bin/true</emulator></devices></domain>
XMLEOF
vm_run $V "define $VM_TMP/emu.xml; start emu"
like "$ERR" "emulator '/bin/true' of domain 'emu' is not allowed: virtmon.conf's 'emulators' allows '/usr/bin/qemu-system-\*', '/usr/local/bin/qemu-system-\*'" \
    "an emulator outside the allowed list is refused, named"
[ ! -e "$RUN/emu.state" ]
ok $? "and nothing is left behind"
# the operator may widen the list (here: to a QEMU under another name)
mkdir -p "$VM_TMP/bin"
ln -s "$(command -v qemu-system-x86_64)" "$VM_TMP/bin/qemu-test"
sed "s|/bin/true|$VM_TMP/bin/qemu-test|" "$VM_TMP/emu.xml" > "$VM_TMP/emu2.xml"
printf 'emulators = [ "%s/bin/qemu-*" ]\n' "$VM_TMP" > "$VIRTMON_CONFIG_DIR/virtmon.conf"
vm_run $V undefine emu
vm_run $V "define $VM_TMP/emu2.xml; start emu"
is "$RC$ERR" 0 "an emulator virtmon.conf allows starts"
vm_run $V "destroy emu; undefine emu"
rm -f "$VIRTMON_CONFIG_DIR/virtmon.conf"

# the same through SNMP: virtmonVmAdminState suspended saves, running restores
name="s';touch canary7;'\$(touch canary8)"
guest "$name" > "$VM_TMP/s.xml"
vm_run $V "define $VM_TMP/s.xml"
vm_run $V start "$name"
snmpd_start
agent_start -c "$U" -i 1 --state-dir "$VM_TMP/st" --allow-control=start,save,destroy
wait_value VM-MIB::vmNumber.0 1 30
ok $? "the subagent serves the guest"
idx=$(snmp snmpwalk -Oqn VM-MIB::vmName | sed -n 's/^[.0-9]*\.\([0-9]*\) .*/\1/p' | head -n 1)
out=$(snmp snmpset private VIRTMON-MIB::virtmonVmAdminState.$idx i 2)
like "$out" "= INTEGER" "virtmonVmAdminState suspended(2) saves it"
is "$(state "$name")" "shut off (saved)" "the guest is saved"
out=$(snmp snmpset private VIRTMON-MIB::virtmonVmAdminState.$idx i 1)
like "$out" "= INTEGER" "virtmonVmAdminState running(1) restores it"
is "$(state "$name")" "running (restored)" "the guest runs from its image"
agent_stop
vm_run $V destroy "$name"
vm_run $V undefine "$name"
is "$(canaries)" "" "no command hidden in a name ran through SNMP either"

done_testing
