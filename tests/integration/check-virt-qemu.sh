#!/bin/sh
# check-virt-qemu.sh: check_virt_state and check_virt_cpu against a real
# TCG guest on qemu:///session, through each state a guest goes through.
. "$abs_top_srcdir/tests/lib.sh"
. "$abs_top_srcdir/tests/qemu-lib.sh"

mkdir -p "$VM_TMP/bin"
for m in state cpu; do
    ln -s "$abs_top_builddir/nagios/check_virt" "$VM_TMP/bin/check_virt_$m"
done
STATE="$VM_TMP/bin/check_virt_state -U $U"
CPU="$VM_TMP/bin/check_virt_cpu -U $U"

# one vCPU that spins (`cli; jmp $`): busy whatever the machine's load
guest spin "$(disk "$QEMU_IMG/spin.img")" 1 > "$VM_TMP/spin.xml"
vm_run $V define "$VM_TMP/spin.xml"
vm_run $STATE -d spin
is "$OUT" "VIRT STATE CRITICAL - spin is shut off | state=5;;;0;7" "defined, not started: CRITICAL"
is "$RC" 2 "exit 2"
vm_run $STATE -d spin --expect=shutoff
is "$RC" 0 "--expect=shutoff: OK"

vm_run $V start spin
vm_run $STATE -d spin
is "$OUT" "VIRT STATE OK - spin is running (booted) | state=1;;;0;7" "started: OK"
is "$RC" 0 "exit 0"

# The spinning vCPU is busy: far above 10 % even on a loaded machine (TCG
# runs it in a host thread that never sleeps).
vm_run $CPU -d spin -c 10: --interval 0.5 -v
like "$OUT" "^VIRT CPU OK - spin uses [0-9.]+% of its 1 vCPU over 0\.[0-9] s \| cpu_pct=[0-9.]+%;;10:;0;100" \
    "first run: measured over --interval"
is "$RC" 0 "the busy vCPU is above 10 %"
uuid=$($V domuuid spin)
sample=$(ls "$VIRTMON_STATE_DIR/check_virt/cpu-$uuid-"* 2>/dev/null)
like "$(sed -n 2p "$sample" 2>&1)" "^uri qemu:///session\$" "the sample is kept under its URI and UUID"
# the next check must find the sample at least the interval old
sleep 0.6
vm_run $CPU -d spin -c 10: --interval 0.5
like "$OUT" "^VIRT CPU OK - spin uses [0-9.]+% of its 1 vCPU since the check [0-9]+ s ago" \
    "second run: from the saved sample, no waiting"
pct=$(printf '%s\n' "$OUT" | sed -n 's/.*cpu_pct=\([0-9.]*\)%.*/\1/p')
ok $(awk -v p="$pct" 'BEGIN { exit !(p > 10 && p <= 100) }'; echo $?) "between 10 and 100 % ($pct)"

vm_run $V suspend spin
vm_run $STATE -d spin
like "$OUT" "^VIRT STATE WARNING - spin is paused" "paused: WARNING"
is "$RC" 1 "exit 1"
# paused vCPUs do not run: under 5 % from a sample taken while paused
vm_run $CPU -d spin --interval 0.5
sleep 0.6
vm_run $CPU -d spin -c 5 --interval 0.5
like "$OUT" "^VIRT CPU OK - spin \(paused\) uses [0-9.]+% " "a paused guest's CPU"
is "$RC" 0 "is under 5 %"
vm_run $V resume spin

vm_run $V destroy spin
vm_run $STATE -d spin
is "$OUT" "VIRT STATE CRITICAL - spin is shut off (destroyed) | state=5;;;0;7" "destroyed: CRITICAL"
vm_run $CPU -d spin -c 5
is "$OUT" "VIRT CPU OK - spin (shut off) uses 0% of its 1 vCPU | cpu_pct=0%;;5;0;100" \
    "a shut-off guest uses no CPU"

vm_run $V undefine spin
vm_run $STATE -d spin
is "$OUT" "VIRT STATE CRITICAL - domain 'spin' not found" "undefined: CRITICAL (--missing)"
vm_run $CPU -d spin
is "$OUT" "VIRT CPU UNKNOWN - domain 'spin' not found" "and UNKNOWN in the cpu mode"
is "$RC" 3 "exit 3"
done_testing
