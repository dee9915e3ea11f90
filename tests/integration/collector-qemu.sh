#!/bin/sh
# collector-qemu.sh: virtmon-collector against a real TCG guest: its files,
# and counters that are what domstats says (each value written lies between
# a domstats reading just before and one just after).
. "$abs_top_srcdir/tests/lib.sh"
. "$abs_top_srcdir/tests/qemu-lib.sh"
. "$abs_top_srcdir/tests/rrd-lib.sh"

R="$VM_TMP/rrd"

guest spin "$(disk "$QEMU_IMG/spin.img")" 1 > "$VM_TMP/spin.xml"
vm_run $V "define $VM_TMP/spin.xml; start spin"
is "$RC" 0 "a guest with a disk runs"
uuid=$($V domuuid spin)
stat_of() { $V domstats spin | sed -n "s/^  $1=//p"; }

for run in 1 2 3; do
    before_cpu=$(stat_of cpu.time)
    before_rd=$(stat_of block.0.rd.bytes)
    before_req=$(stat_of block.0.rd.reqs)
    vm_run "$COLLECTOR" -c "$U" -d "$R" --once
    is "$RC" 0 "--once run $run"
    after_cpu=$(stat_of cpu.time)
    after_rd=$(stat_of block.0.rd.bytes)
    after_req=$(stat_of block.0.rd.reqs)
    cpu=$(last "$R/$uuid/domain.rrd" cpu_ns)
    rd=$(last "$R/$uuid/disk-vda.rrd" rd_bytes)
    req=$(last "$R/$uuid/disk-vda.rrd" rd_req)
    ok $([ "$before_cpu" -le "$cpu" ] && [ "$cpu" -le "$after_cpu" ]; echo $?) \
        "run $run: cpu_ns $cpu within domstats' $before_cpu..$after_cpu"
    ok $([ "$before_rd" -le "$rd" ] && [ "$rd" -le "$after_rd" ] && \
         [ "$before_req" -le "$req" ] && [ "$req" -le "$after_req" ]; echo $?) \
        "run $run: rd_bytes $rd and rd_req $req as domstats says"
    [ $run -lt 3 ] && next_second
done
is "$(cd "$R" && find . -type f | sed 's|^\./||' | sort | tr '\n' ' ')" \
    "$uuid/disk-vda.rrd $uuid/domain.rrd $uuid/name host.rrd " \
    "the guest's files: domain, its one disk (no NIC), name; and the host's"
info=$($V dominfo spin)
is "$(last "$R/$uuid/domain.rrd" mem_max_kib) $(last "$R/$uuid/domain.rrd" mem_cur_kib) $(last "$R/$uuid/domain.rrd" vcpus)" \
    "$(printf '%s\n' "$info" | sed -n 's/^Max memory: *\([0-9]*\) KiB/\1/p') $(printf '%s\n' "$info" | sed -n 's/^Used memory: *\([0-9]*\) KiB/\1/p') 1" \
    "memory in KiB and vCPUs as dominfo says"
is "$(last "$R/host.rrd" dom_running) $(last "$R/host.rrd" dom_defined)" "1 1" "the host: 1 running of 1"

# shut off: its counters are unknown, not zero
vm_run $V destroy spin
next_second
vm_run "$COLLECTOR" -c "$U" -d "$R" --once
is "$(last "$R/$uuid/domain.rrd" cpu_ns) $(last "$R/$uuid/disk-vda.rrd" rd_bytes)" "U U" \
    "a destroyed guest's counters are U"
is "$(last "$R/host.rrd" dom_running)" 0 "and the host counts 0 running"
vm_run $V undefine spin
done_testing
