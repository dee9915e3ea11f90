#!/bin/sh
# fixtures.sh: test:///PATH.xml fixture files in libvirt's <node> format give
# what virsh gives on the same file: the list, the dominfo fields both have,
# and nodeinfo.  Broken fixtures are refused with the element and line.
. "$abs_top_srcdir/tests/lib.sh"
need virsh

fx="$VM_TMP/node.xml"
sh "$abs_top_srcdir/tests/gen-testnode.sh" 1000 mixed 97 devices > "$fx"
uri="test://$fx"

vm_run "$VIRTMON" -c "$uri" list --all
is "$RC" 0 "a 1,000-domain mixed fixture opens"
virsh -c "$uri" list --all > "$VM_TMP/virsh-list"
if cmp -s "$VM_TMP/out" "$VM_TMP/virsh-list"; then ok 0 "list --all is virsh's, byte for byte"
else ok 1 "list --all is virsh's, byte for byte"; diff "$VM_TMP/virsh-list" "$VM_TMP/out" | head -n 20 | sed 's/^/# /'; fi
is "$(grep -c 'shut off' "$VM_TMP/out")" "$(grep -c 'shut off' "$VM_TMP/virsh-list")" \
    "the same number of shut-off domains"
like "$(cat "$VM_TMP/out")" ' paused$' "paused domains are listed"

vm_run "$VIRTMON" -c "$uri" list
virsh -c "$uri" list > "$VM_TMP/virsh-active"
cmp -s "$VM_TMP/out" "$VM_TMP/virsh-active"
ok $? "list (active only) is virsh's"

# dominfo of every domain, in one batch each (one connection, as virsh does)
batch=$(awk '/<name>/ { gsub(/.*<name>|<\/name>.*/, ""); printf "dominfo %s; ", $0 }' "$fx")
fields='^(Id|Name|UUID|State|CPU\(s\)|Max memory|Used memory|Persistent|Autostart):'
$VM_TEST_WRAPPER "$VIRTMON" -c "$uri" "$batch" | grep -E "$fields" > "$VM_TMP/ours"
virsh -c "$uri" "$batch" | grep -E "$fields" > "$VM_TMP/theirs"
is "$(wc -l < "$VM_TMP/ours")" 9000 "dominfo printed 9 compared fields for each of 1,000 domains"
if cmp -s "$VM_TMP/ours" "$VM_TMP/theirs"; then ok 0 "dominfo agrees with virsh on all of them"
else ok 1 "dominfo agrees with virsh on all of them"; diff "$VM_TMP/theirs" "$VM_TMP/ours" | head -n 20 | sed 's/^/# /'; fi
grep -q '^Max memory:     6442450944 KiB$' "$VM_TMP/ours"
ok $? "the 6 TiB domains show exact KiB"

vm_run "$VIRTMON" -c "$uri" nodeinfo
is "$OUT" "$(virsh -c "$uri" nodeinfo | sed '$d')" "nodeinfo is virsh's"

# A fixture without <cpu>/<memory> gets libvirt's defaults, as virsh shows.
printf '<node>\n  <domain type="test"><name>solo</name><memory>1024</memory><os><type>hvm</type></os></domain>\n</node>\n' \
    > "$VM_TMP/bare.xml"
vm_run "$VIRTMON" -c "test://$VM_TMP/bare.xml" nodeinfo
is "$OUT" "$(virsh -c "test://$VM_TMP/bare.xml" nodeinfo | sed '$d')" "a bare fixture's nodeinfo is virsh's"
vm_run "$VIRTMON" -c "test://$VM_TMP/bare.xml" domstate solo
is "$OUT" "running" "a domain without test:runstate runs"

# Broken fixtures: refused with where and what, nothing half-loaded.
broken() {  # broken NAME CONTENT REGEX
    printf '%s\n' "$2" > "$VM_TMP/$1.xml"
    vm_run "$VIRTMON" -c "test://$VM_TMP/$1.xml" list --all
    [ "$RC" -eq 1 ]
    ok $? "fixture '$1' is refused"
    like "$ERR" "$3" "fixture '$1': the error says where and what"
}
# libvirt's own fixtures (tests/data/libvirt-test): testnode.xml with its
# <domain file=...>, <network file=...> and <pool file=...> includes, read
# by virsh and virtmon alike
L="$abs_top_srcdir/tests/data/libvirt-test"
# (the fields above: OS Type and CPU time aside, libvirt's test driver says
# "linux" for every domain and counts CPU time from 1970)
vm_run "$VIRTMON" -c "test://$L/testnode.xml" list --all
is "$OUT" "$(virsh -c "test://$L/testnode.xml" list --all | sed '$d')" \
    "libvirt's testnode.xml (includes, networks, a pool): list --all as virsh's"
vm_run "$VIRTMON" -c "test://$L/testnode.xml" nodeinfo
is "$OUT" "$(virsh -c "test://$L/testnode.xml" nodeinfo | sed '$d')" "nodeinfo as virsh's"
for d in fv0 fc4; do
    vm_run "$VIRTMON" -c "test://$L/testnode.xml" dominfo "$d"
    is "$(printf '%s\n' "$OUT" | grep -E "$fields")" \
        "$(virsh -c "test://$L/testnode.xml" dominfo "$d" | grep -E "$fields")" \
        "dominfo $d as virsh's"
done
vm_run "$VIRTMON" -c "test://$L/testnodeinline.xml" list --all
is "$RC:$(printf '%s\n' "$OUT" | awk 'NR > 2 && NF { print $2 }' | tr '\n' ' ')" "0:fv0 fc4 " \
    "testnodeinline.xml loads (libvirt 9.0's own test driver refuses its maxMemory)"
# a node device (libvirt's testdev.xml) and a host interface beside a domain
cp "$L/testdev.xml" "$VM_TMP/"
cat > "$VM_TMP/devs.xml" <<EOX
<node>
  <device file="testdev.xml"/>
  <interface type="ethernet" name="eth1"><start mode="onboot"/><mac address="aa:bb:cc:dd:ee:ff"/></interface>
  <domain type="test"><name>withdev</name><memory>1024</memory><os><type>hvm</type></os></domain>
</node>
EOX
vm_run "$VIRTMON" -c "test://$VM_TMP/devs.xml" list --all
is "$OUT" "$(virsh -c "test://$VM_TMP/devs.xml" list --all | sed '$d')" \
    "a fixture with a node device and a host interface: list --all as virsh's"
mkfifo "$VM_TMP/fifo-dom.xml"
printf '<node><domain file="fifo-dom.xml"/></node>\n' > "$VM_TMP/fifo.xml"
vm_run timeout 10 "$VIRTMON" -c "test://$VM_TMP/fifo.xml" list
like "$RC:$ERR" "^1:.*fifo-dom.xml.*not a regular file" "an included FIFO is refused, not waited on"

broken unknown '<node><domain type="test"><name>a</name><memory>1</memory><video/></domain></node>' \
    "$VM_TMP/unknown.xml: line 1: unsupported element 'video' in 'domain'"
broken dupname '<node>
<domain type="test"><name>a</name><memory>1</memory></domain>
<domain type="test"><name>a</name><memory>1</memory></domain></node>' \
    "line 3: domain name 'a' is used twice"
broken runstate '<node xmlns:test="http://libvirt.org/schemas/domain/test/1.0"><domain type="test"><name>a</name><memory>1</memory><test:runstate>9</test:runstate></domain></node>' \
    "invalid test:runstate '9'"
broken notnode '<domain type="test"><name>a</name><memory>1</memory></domain>' \
    "a fixture is a <node> document, not <domain>"
broken badcpu '<node><cpu><mhz>fast</mhz></cpu></node>' "line 1: invalid <mhz> 'fast'"
vm_run "$VIRTMON" -c "test://$VM_TMP/nosuch.xml" list
like "$ERR" "cannot read test driver fixture '$VM_TMP/nosuch.xml': No such file" \
    "a missing fixture file is named"
vm_run "$VIRTMON" -c "test:///relative.xml" list
is "$RC" 1 "a fixture that is not there fails"

done_testing
