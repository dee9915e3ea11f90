#!/bin/sh
# bounded-input.sh: every file a tool reads has a bound.
# /dev/zero, /dev/urandom, a FIFO, a directory or an oversized file where a
# fixture, definition, cpu sample or vmIndex map should be is refused at
# once, named, the process staying small (maxrss: a memory ceiling, a hang
# guard with a wide margin); symlinks planted in state dirs are not
# followed for writing; definitions past the limits are refused; read-only
# work needs no writable state dir.
. "$abs_top_srcdir/tests/lib.sh"
. "$abs_top_srcdir/tests/snmp-lib.sh"
need timeout mkfifo

MAXRSS="$abs_top_builddir/tests/helpers/maxrss"
CHECK="$abs_top_builddir/nagios/check_virt"
CEILING=300000     # KiB: ASan's own share included; /dev/zero once took 7.9 GB
mkfifo "$VM_TMP/fifo"
mkdir "$VM_TMP/dir"
head -c 11000000 /dev/zero | tr '\0' ' ' > "$VM_TMP/big"

# bounded NAME COMMAND...: runs it under the memory ceiling and a 20 s guard
bounded() {
    _what=$1; shift
    vm_run timeout 20 "$MAXRSS" "$CEILING" "$@"
    [ "$RC" -ne 98 ] && [ "$RC" -ne 124 ]
    ok $? "$_what: refused promptly, the process staying small ($(printf '%s' "$ERR" | sed -n 's/^maxrss //p'))"
}

# 1. test driver fixtures
for f in /dev/zero /dev/urandom "$VM_TMP/fifo" "$VM_TMP/dir"; do
    bounded "fixture $f" "$VIRTMON" -c "test://$f" list
    like "$ERR" "cannot read test driver fixture '$f': not a regular file" "fixture $f is named"
done
bounded "an 11 MB fixture" "$VIRTMON" -c "test://$VM_TMP/big" list
like "$ERR" "test driver fixture '$VM_TMP/big' is larger than 10485760 bytes" "an 11 MB fixture is named"

# 2. definitions: files, sizes, limits, DTDs; nothing is defined
U=qemu:///session
V="$VIRTMON -c $U"
vm_run $V list --all --name
before=$OUT
for f in /dev/zero /dev/urandom "$VM_TMP/fifo"; do
    bounded "definition $f" $V define "$f"
    like "$ERR" "file '$f': not a regular file" "definition $f is named"
done
(printf "<domain type='qemu'><name>big</name><memory>1024</memory><description>"
 head -c 50000000 /dev/zero | tr '\0' a
 printf "</description></domain>") > "$VM_TMP/50mb.xml"
bounded "a 50 MB definition" $V define "$VM_TMP/50mb.xml"
like "$ERR" "larger than 10485760 bytes: refused" "a 50 MB definition is refused"
vm_run sh -c "$V define - < '$VM_TMP/50mb.xml'"
like "$ERR" "standard input is larger than 10485760 bytes" "and the same from a pipe"
printf "<domain type='qemu'><name>v</name><memory>1024</memory><vcpu>100000</vcpu></domain>" \
    > "$VM_TMP/vcpus.xml"
vm_run $V define "$VM_TMP/vcpus.xml"
like "$ERR" "line 1: <vcpu> 100000 is more than 4096 vCPUs" "100000 vCPUs are refused"
printf "<domain type='qemu'><name>m</name><memory>0</memory></domain>" > "$VM_TMP/mem0.xml"
vm_run $V define "$VM_TMP/mem0.xml"
like "$ERR" "line 1: <memory> must be at least 1 KiB" "memory 0 is refused"
printf '<?xml version="1.0"?>\n<!DOCTYPE domain [\n  <!ENTITY big "x">\n]>\n<domain type="qemu"><name>&big;</name><memory>1024</memory></domain>\n' \
    > "$VM_TMP/entity.xml"
vm_run $V define "$VM_TMP/entity.xml"
like "$ERR" "line 2: a document type declaration \(<!DOCTYPE>, entity declarations\) is not accepted" \
    "an entity declaration is refused with its line"
vm_run $V list --all --name
is "$OUT" "$before" "nothing was defined"
# the same limits hold on the test driver
vm_run "$VIRTMON" -c test:///default define "$VM_TMP/vcpus.xml"
like "$ERR" "more than 4096 vCPUs" "the test driver refuses them too"

# an old definition on disk past a new limit stays listed, with a warning
printf "<domain type='qemu'><name>wide</name><uuid>3c1f1a5e-9d7c-4d7e-8f7b-5b1c2d3e4f50</uuid><memory>1024</memory><vcpu>5000</vcpu></domain>" \
    > "$VIRTMON_CONFIG_DIR/qemu/wide.xml"
vm_run $V list --all --name
is "$(printf '%s\n' "$OUT" | grep -cx wide)" 1 "an old definition with 5000 vCPUs is listed"
like "$ERR" "^warning: domain 'wide' breaks a rule virtmon now enforces \(more than 4096 vCPUs\)" \
    "with a warning"
vm_run $V undefine wide
is "$RC" 0 "and can be undefined"

# 3. check_virt's cpu sample: /dev/zero behind a symlink, a FIFO
S="$VM_TMP/samples"
FIX="test:///default"
vm_run "$CHECK" --mode=cpu -U "$FIX" -d web1 --state-dir "$S" --interval 0.2
sample=$(ls "$S"/cpu-* 2>/dev/null | head -n 1)
[ -f "$sample" ]
ok $? "a first cpu check leaves its sample"
printf 'outside' > "$VM_TMP/outside"
for planted in /dev/zero "$VM_TMP/outside" fifo; do
    rm -f "$sample"
    if [ "$planted" = fifo ]; then mkfifo "$sample"; else ln -s "$planted" "$sample"; fi
    bounded "a cpu sample replaced by $planted" "$CHECK" --mode=cpu -U "$FIX" -d web1 \
        --state-dir "$S" --interval 0.2 -t 5
    like "$OUT" "^VIRT CPU OK - web1 uses" "check_virt cpu still answers ($planted)"
    [ -f "$sample" ] && [ ! -L "$sample" ] && [ ! -p "$sample" ]
    ok $? "the sample is a regular file again ($planted)"
done
is "$(cat "$VM_TMP/outside")" outside "a symlink's target is never written"
like "$(cat "$sample")" "^uri test:///default$" "and holds a sample again"

# 4. the subagent's vmIndex map: a FIFO is refused, named; a symlink is
# replaced, not followed
snmpd_start
mkdir -p "$VM_TMP/st1" "$VM_TMP/st2"
mkfifo "$VM_TMP/st1/vmindex"
agent_start -c test:///default -i 1 --state-dir "$VM_TMP/st1"
: "${VM_DEBUG_AGENT:=}"
wait_for "$VM_TMP/snmp/agent.log" "vmIndex map '$VM_TMP/st1/vmindex': not a regular file" 20
ok $? "a FIFO as the vmIndex map is refused, named"
kill -0 "$AGENT_PID" 2>/dev/null
ok $? "and the subagent keeps running"
agent_stop
printf 'next 1\n' > "$VM_TMP/outside-map"
ln -s "$VM_TMP/outside-map" "$VM_TMP/st2/vmindex"
agent_start -c test:///default -i 1 --state-dir "$VM_TMP/st2"
wait_value VM-MIB::vmNumber.0 5 30
ok $? "a symlinked vmIndex map is not fatal"
end=$(( $(date +%s) + 20 ))
while [ -L "$VM_TMP/st2/vmindex" ] && [ "$(date +%s)" -lt "$end" ]; do sleep 0.1; done
[ -f "$VM_TMP/st2/vmindex" ] && [ ! -L "$VM_TMP/st2/vmindex" ]
ok $? "the map is written as a file of its own"
is "$(cat "$VM_TMP/outside-map")" "next 1" "the symlink's target is untouched"
agent_stop

# 5. a read-only state dir: read-only work still works
printf "<domain type='qemu'><name>ro1</name><memory>65536</memory></domain>" > "$VM_TMP/ro1.xml"
vm_run $V define "$VM_TMP/ro1.xml"
rm -rf "$VIRTMON_STATE_DIR"
mkdir -p "$VIRTMON_STATE_DIR"
if mount -t tmpfs -o ro tmpfs "$VIRTMON_STATE_DIR" 2> "$VM_TMP/mount.err"; then
    vm_run $VIRTMON -r -c "$U" list --all
    like "$OUT" '^ -    ro1 +shut off$' "virtmon -r list with a read-only state dir"
    vm_run $VIRTMON -r -c "$U" dominfo ro1
    like "$OUT" '^State: +shut off$' "dominfo with a read-only state dir"
    vm_run "$CHECK" --mode=state -U "$U" -d ro1
    is "$OUT" "VIRT STATE CRITICAL - ro1 is shut off | state=5;;;0;7" \
        "check_virt state with a read-only state dir"
    umount "$VIRTMON_STATE_DIR"
else
    ok 1 "cannot mount a read-only tmpfs here: $(cat "$VM_TMP/mount.err")"
fi

done_testing
