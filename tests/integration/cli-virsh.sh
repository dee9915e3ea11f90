#!/bin/sh
# cli-virsh.sh: CLI II's monitoring commands against virsh on fixture files
# both read (libvirt's test driver is the oracle): byte for byte
# where virsh's answer is deterministic, virsh's fields in virsh's order
# where it is not (libvirt's test driver makes counters up from the clock).
. "$abs_top_srcdir/tests/lib.sh"
need virsh

fx="$VM_TMP/node.xml"
sh "$abs_top_srcdir/tests/gen-testnode.sh" 12 mixed 5 devices > "$fx"
# domains gen-testnode does not make: vCPUs partly online and pinned, a
# balloon, a persistent one that is off
sed -i 's#</node>##' "$fx"
cat >> "$fx" <<'XML'
  <domain type="test">
    <name>pinned</name><uuid>0000000a-0000-4000-8000-0000000000a1</uuid>
    <memory unit="KiB">2097152</memory><currentMemory unit="KiB">1048576</currentMemory>
    <vcpu cpuset="1-3,^2,6" current="3">6</vcpu><os><type>hvm</type></os>
    <devices><memballoon model="virtio"/></devices>
  </domain>
  <domain type="test" xmlns:test="http://libvirt.org/schemas/domain/test/1.0">
    <name>offpin</name><uuid>0000000a-0000-4000-8000-0000000000a2</uuid>
    <memory unit="KiB">1048576</memory><vcpu cpuset="0,4-5" current="1">3</vcpu>
    <os><type>hvm</type></os><devices><memballoon model="virtio"/></devices>
    <test:runstate>5</test:runstate>
  </domain>
</node>
XML
uri="test://$fx"
names=$(virsh -c "$uri" list --all --name | sed '/^$/d')
is "$(printf '%s\n' "$names" | wc -l)" 14 "the fixture has 14 domains for virsh"

# same: the same commands, one batch each, through both tools
same() {  # same DESCRIPTION BATCH [FILTER]
    $VM_TEST_WRAPPER "$VIRTMON" -c "$uri" "$2" > "$VM_TMP/ours" 2> "$VM_TMP/ours.err"
    r1=$?
    timeout 60 virsh -c "$uri" "$2" > "$VM_TMP/theirs" 2> /dev/null
    r2=$?
    if [ -n "${3:-}" ]; then
        $3 < "$VM_TMP/ours" > "$VM_TMP/ours.f"; mv "$VM_TMP/ours.f" "$VM_TMP/ours"
        $3 < "$VM_TMP/theirs" > "$VM_TMP/theirs.f"; mv "$VM_TMP/theirs.f" "$VM_TMP/theirs"
    fi
    if [ "$r1" = "$r2" ] && [ -s "$VM_TMP/theirs" ] && cmp -s "$VM_TMP/ours" "$VM_TMP/theirs"; then
        ok 0 "$1"
    else
        ok 1 "$1 (exit $r1, virsh $r2)"
        diff "$VM_TMP/theirs" "$VM_TMP/ours" | head -n 20 | sed 's/^/# /'
        head -n 5 "$VM_TMP/ours.err" | sed 's/^/# stderr: /'
    fi
}
each() {  # each COMMAND-PREFIX [SUFFIX]: "CMD dom1 SUFFIX; CMD dom2 SUFFIX; ..."
    printf '%s\n' "$names" | while read -r d; do printf '%s %s %s; ' "$1" "$d" "${2:-}"; done
}
# virsh's counters come from the clock; ours grow at the test driver's pinned rates
counters() {
    sed -E -e 's/^(CPU time: +)[0-9]+\.[0-9]s$/\1N/' \
        -e 's/^([^ ]* ?[a-z_]+ )[0-9]+$/\1N/' \
        -e 's/^( [a-z][a-z ()]+: +)[0-9]+$/\1N/'
}

# deterministic in libvirt's test driver: byte for byte
same "vcpucount of every domain is virsh's" "$(each vcpucount)"
same "vcpucount --maximum, --active, --config, --current, --live" \
    "vcpucount pinned --maximum; vcpucount pinned --active; vcpucount pinned --config; vcpucount offpin --current; vcpucount pinned --live --maximum; vcpucount offpin --config --maximum"
same "dommemstat of every running domain (balloon or none) is virsh's" \
    "$(virsh -c "$uri" list --name | sed '/^$/d' | while read -r d; do printf 'dommemstat %s; ' "$d"; done)"
same "vcpuinfo of shut-off domains (their pinning) is virsh's" \
    "$(virsh -c "$uri" list --inactive --name | sed '/^$/d' | while read -r d; do printf 'vcpuinfo %s; vcpuinfo --pretty %s; ' "$d" "$d"; done)"
same "nodecpustats, of all CPUs and of one, is virsh's" "nodecpustats; nodecpustats 3; nodecpustats --cpu 1"
same "nodecpustats --percent is virsh's" "nodecpustats --percent"
for f in "--state-running" "--state-paused" "--state-shutoff" "--state-other --all" \
    "--persistent" "--transient --all" "--autostart --all" "--no-autostart" \
    "--with-managed-save --all" "--without-managed-save --all" "--inactive --state-running" \
    "--state-running --state-shutoff" "--all --state-paused --state-running" "--id --all" \
    "--uuid --name --all"; do
    same "list $f is virsh's" "list $f"
done
same "domstats --state of every domain is virsh's" "domstats --state $(printf '%s ' $names)"
# virsh lists the bulk records in hash order: compare the sets
sorted_domains() { grep '^Domain:' | sort; }
for f in --list-running --list-paused --list-shutoff --list-active --list-inactive \
    "--list-persistent --list-running"; do
    same "domstats --state $f picks virsh's domains" "domstats --state $f" sorted_domains
done

# counters: virsh's fields, in virsh's order
same "vcpuinfo of running domains has virsh's fields, CPUs and affinity" \
    "$(virsh -c "$uri" list --name | sed '/^$/d' | while read -r d; do printf 'vcpuinfo %s; vcpuinfo --pretty %s; ' "$d" "$d"; done)" counters
run1=$(virsh -c "$uri" list --name | sed -n 1p)
m1=$(virsh -c "$uri" domiflist "$run1" | awk 'NR == 3 { print $5 }')
like "$m1" '^52:54:00:' "the first running domain has a NIC for virsh ($run1, $m1)"
dom_of_m1=$run1
src=$(virsh -c "$uri" domblklist "$run1" | awk 'NR == 3 { print $2 }')
same "domblkstat by source path has virsh's fields" "domblkstat $dom_of_m1 $src" counters

# what both refuse (exit 1): unknown devices, a domain that is off, vCPUs
# of the live side of one, node memory of the test driver
off=$(virsh -c "$uri" list --inactive --name | sed -n 1p)
for c in "domifstat $dom_of_m1 nosuch" "domblkstat $dom_of_m1 vdz" "dommemstat $off" \
    "domifstat $off 52:54:00:00:00:01" "domblkstat $off vda" "vcpucount $off --live" \
    "vcpucount pinned --maximum --active" "nodememstats" "vcpucount nosuch"; do
    vm_run "$VIRTMON" -c "$uri" "$c"
    virsh -c "$uri" "$c" > /dev/null 2>&1
    is "$RC/$?" "1/1" "'$c' fails in both"
    like "$ERR" '^error: ' "'$c' says why"
done
done_testing
