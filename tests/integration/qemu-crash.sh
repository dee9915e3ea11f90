#!/bin/sh
# qemu-crash.sh: the QEMU driver against crashes and hangs, on real TCG
# guests: a CLI killed at any point of a start or a managed save, pid and
# state files deleted or garbled under a running guest, QEMUs stopped with
# SIGSTOP.  Afterwards exactly one QEMU per domain runs or none, every tool
# agrees with it, and start/destroy work.
. "$abs_top_srcdir/tests/lib.sh"
. "$abs_top_srcdir/tests/snmp-lib.sh"
need qemu-system-x86_64 pgrep rrdtool

CHECK="$abs_top_builddir/nagios/check_virt"
COLLECTOR="$abs_top_builddir/collectors/virtmon-collector"
. "$abs_top_srcdir/tests/qemu-lib.sh"
M=""
umount_more() { [ -n "$M" ] && umount "$M" 2>/dev/null; pkill -CONT -f -- "-pidfile $RUN/" 2>/dev/null; :; }
QEMU_CLEANUP_MORE=umount_more

state() { $V domstate --reason "$1" 2>/dev/null | head -n 1; }
uuid_of() { sed -n 's|.*<uuid>\(.*\)</uuid>.*|\1|p' "$VIRTMON_CONFIG_DIR/qemu/$1.xml"; }
# how many QEMUs run for the domain (whatever virtmon's files say)
qemus() { pgrep -c -f -- "-uuid $(uuid_of "$1")" 2>/dev/null || true; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# consistent NAME WHAT: one QEMU and "running", or none and "shut off"; then
# start and destroy work from there
consistent() {
    st=$(state "$1")
    n=$(qemus "$1")
    case "$n:$st" in
    "1:running "*|"0:shut off "*) ok 0 "$2: $n QEMU, $st" ;;
    *) ok 1 "$2: $n QEMU, but domstate says '$st'"; sed 's/^/# /' "$RUN/$1.log" 2>/dev/null ;;
    esac
    vm_run $V start "$1"
    if [ "$n" = 1 ]; then
        like "$ERR" "is already running" "$2: start is refused while it runs"
    else
        is "$RC" 0 "$2: start works"
    fi
    is "$(qemus "$1")" 1 "$2: one QEMU runs"
    vm_run $V destroy "$1"
    is "$RC:$(qemus "$1"):$(state "$1")" "0:0:shut off (destroyed)" "$2: destroy leaves none"
}

guest g1 > "$VM_TMP/g1.xml"
vm_run $V define "$VM_TMP/g1.xml"

# 1. virtmon start killed at named points (a test-only pause holds it there)
for point in recorded spawned up; do
    VIRTMON_TEST_QEMU_PAUSE="$point:3000" $V start g1 > /dev/null 2>&1 &
    pid=$!
    # until the pause is reached: the state file, then QEMU's own pidfile
    end=$(( $(date +%s) + 20 ))
    case $point in
    recorded) until [ -e "$RUN/g1.state" ] || [ "$(date +%s)" -ge "$end" ]; do sleep 0.02; done ;;
    spawned) until [ "$(qemus g1)" = 1 ] || [ "$(date +%s)" -ge "$end" ]; do sleep 0.02; done ;;
    up) until [ -S "$RUN/$(uuid_of g1).qmp" ] || [ "$(date +%s)" -ge "$end" ]; do sleep 0.02; done
        sleep 0.5 ;;
    esac
    kill -KILL "$pid"
    wait "$pid" 2>/dev/null
    consistent g1 "start killed at '$point'"
done
# ... and at a series of increasing delays
for d in 0 0.02 0.05 0.1 0.15 0.2 0.3 0.5 0.8; do
    $V start g1 > /dev/null 2>&1 &
    pid=$!
    sleep "$d"
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    consistent g1 "start killed after ${d}s"
done

# 2. pid and state files deleted or garbled under a running guest
for how in "rm -f PID" "garble PID" "rm -f STATE" "garble STATE" "rm -f PID STATE" \
    "garble PID STATE"; do
    vm_run $V start g1
    cmd=$(printf '%s' "$how" | sed "s|PID|$RUN/g1.pid|; s|STATE|$RUN/g1.state|")
    case $cmd in
    garble*) for f in ${cmd#garble }; do printf '{"garbled' > "$f"; done ;;
    *) $cmd ;;
    esac
    is "$(qemus g1)" 1 "$how: one QEMU runs"
    consistent g1 "$how under a running guest"
done

# 3. a managed save killed in the middle: start (or resume) brings it back
vm_run $V start g1
VIRTMON_TEST_QEMU_PAUSE="saving:3000" $V managedsave g1 > /dev/null 2>&1 &
pid=$!
end=$(( $(date +%s) + 20 ))
until [ -e "$SAVE/g1.save.partial" ] || [ "$(date +%s)" -ge "$end" ]; do sleep 0.02; done
sleep 0.5
kill -KILL "$pid"
wait "$pid" 2>/dev/null
st=$(state g1)
case $st in
"shut off (saved)") vm_run $V start g1 ;;
"paused "*) vm_run $V resume g1 ;;
esac
is "$(state g1):$(qemus g1)" "running (restored):1" "an interrupted managedsave ($st) comes back with start"
[ ! -e "$SAVE/g1.save.partial" ] && [ ! -e "$SAVE/g1.save" ]
ok $? "and leaves no image behind"
for d in 0.01 0.05 0.1; do
    $V managedsave g1 > /dev/null 2>&1 &
    pid=$!
    sleep "$d"
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    st=$(state g1)
    case $st in "shut off (saved)") vm_run $V start g1 ;; "paused "*) vm_run $V resume g1 ;; esac
    like "$(state g1):$(qemus g1)" "^running \((restored|booted|unpaused|unknown)\):1$" \
        "managedsave killed after ${d}s ($st): the guest runs again"
    [ ! -e "$SAVE/g1.save.partial" ]
    ok $? "managedsave killed after ${d}s: no partial image"
done
# ... and a stopper killed once QEMU is gone and the stop is on record, with
# the live files still there: the record wins, it is no crash
stop_killed() {  # stop_killed COMMAND: run it, kill it at 'stop-recorded'
    VIRTMON_TEST_QEMU_PAUSE="stop-recorded:3000" $V "$1" g1 > /dev/null 2>&1 &
    pid=$!
    end=$(( $(date +%s) + 20 ))
    until [ -e "$RUN/g1.stop" ] || [ "$(date +%s)" -ge "$end" ]; do sleep 0.02; done
    kill -KILL "$pid"
    wait "$pid" 2>/dev/null
    [ -e "$RUN/g1.state" ]
    ok $? "$1 killed after its stop record: the state file is still there"
}
vm_run $V start g1
stop_killed managedsave
is "$(state g1):$(qemus g1)" "shut off (saved):0" "managedsave killed after its stop record: saved"
vm_run $V start g1
is "$(state g1):$(qemus g1)" "running (restored):1" "and start restores it"
stop_killed destroy
is "$(state g1):$(qemus g1)" "shut off (destroyed):0" "destroy killed after its stop record: destroyed"
[ ! -e "$RUN/g1.state" ] && [ ! -e "$RUN/g1.pid" ]
ok $? "the look cleans up what the stopper left"

# 4. a managed save onto a full state dir: the guest keeps running
M="$SAVE"
if mount -t tmpfs -o size=256k tmpfs "$M" 2> "$VM_TMP/mount.err"; then
    vm_run $V start g1
    vm_run $V managedsave g1
    like "$ERR" "No space left on device" "a full state dir is named as such"
    is "$(state g1)" "running (booted)" "and the guest keeps running"
    [ ! -e "$SAVE/g1.save.partial" ] && [ ! -e "$SAVE/g1.save" ]
    ok $? "no image is left on the full disk"
    vm_run $V destroy g1
    umount "$M"
else
    # mounting needs privileges a container may withhold: say so, never pass
    ok 1 "cannot mount a tmpfs here: $(cat "$VM_TMP/mount.err")"
fi
M=""

# 5. three guests, two of them stopped with SIGSTOP: every tool answers
# within one QMP timeout (5 s) + 1 s, with the stopped ones listed as last
# known and unresponsive, the third normal
guest s1 > "$VM_TMP/s1.xml"
guest s2 > "$VM_TMP/s2.xml"
vm_run $V "define $VM_TMP/s1.xml; define $VM_TMP/s2.xml; start g1; start s1; start s2"
s1pid=$(cat "$RUN/s1.pid")
s2pid=$(cat "$RUN/s2.pid")
kill -STOP "$s1pid" "$s2pid"

timed() {  # timed DESCRIPTION COMMAND...: runs it, sets OUT/RC, checks 6 s
    _d=$1; shift
    _t0=$(now_ms)
    vm_run "$@"
    _ms=$(( $(now_ms) - _t0 ))
    [ "$_ms" -le 6000 ]
    ok $? "$_d answers within one timeout + 1 s (${_ms} ms)"
}
timed "list --all" $V list --all
like "$OUT" '^ [0-9]+ +s1 +running$' "list: stopped s1 keeps its place, last known running"
like "$OUT" '^ [0-9]+ +g1 +running$' "list: g1 is there"
timed "domstats --json" $V domstats --json
for n in s1 s2; do
    like "$(printf '%s' "$OUT" | tr -d '\n ' | grep -o "\"name\":\"$n\",[^}]*\"control\":\"[a-z]*\"")" \
        '"state":"running","control":"unresponsive"' "domstats --json: $n is unresponsive"
done
like "$(printf '%s' "$OUT" | tr -d '\n ' | grep -o '"name":"g1",[^}]*"control":"[a-z]*"')" \
    '"control":"ok"' "domstats --json: g1 is ok"
timed "domcontrol s1" $V domcontrol s1
is "$OUT" "error: monitor not responding" "domcontrol s1: error: monitor not responding"
vm_run $V domcontrol g1
is "$OUT" "ok" "domcontrol g1: ok"
timed "check_virt state" "$CHECK" --mode=state -U "$U" -d s1
is "$RC" 3 "check_virt state of s1 is UNKNOWN"
like "$OUT" "^VIRT STATE UNKNOWN - s1: monitor not responding" "and says why"
timed "check_virt domains" "$CHECK" --mode=domains -U "$U" -w 3: -c 1:
like "$OUT" "1 running, 0 paused, 0 shut off, 2 other, 3 in all" \
    "check_virt domains counts the stopped ones under other"
rrd="$VM_TMP/rrd"
timed "virtmon-collector --once" "$COLLECTOR" -c "$U" -d "$rrd" --once -f
is "$(rrdtool lastupdate "$rrd/host.rrd" | awk 'NR == 3 { print $4 " " $5 }')" "1 3" \
    "collector: dom_running 1 of 3 defined"
is "$(rrdtool lastupdate "$rrd/$(uuid_of s1)/domain.rrd" | awk 'NR == 3 { print $2 }')" "U" \
    "collector: the stopped guest's cpu_ns is U"
snmpd_start
agent_start -c "$U" -i 1 --state-dir "$VM_TMP/st"
wait_value VM-MIB::vmNumber.0 3 30
ok $? "the subagent lists all three"
idx() { snmp snmpwalk -Oqn VM-MIB::vmName | awk -v n="$1" '$2 == n { sub(/.*\./, "", $1); print $1 }'; }
s1i=$(idx s1)
g1i=$(idx g1)
is "$(snmp snmpget -Oqv VM-MIB::vmOperState.$s1i VM-MIB::vmOperState.$g1i | tr '\n' ' ')" \
    "unknown running " "subagent: s1's vmOperState is unknown(1), g1's running"

# destroy of a stopped guest works within its grace period, no monitor needed
t0=$(now_ms)
vm_run $V destroy s2
ms=$(( $(now_ms) - t0 ))
is "$RC:$(qemus s2):$(state s2)" "0:0:shut off (destroyed)" "destroy of a stopped guest"
[ "$ms" -le 9000 ]
ok $? "within the QMP timeout and its grace period (${ms} ms)"
# the other, continued, is normal again in every tool
kill -CONT "$s1pid"
vm_run $V domcontrol s1
is "$OUT" "ok" "after SIGCONT, domcontrol s1 is ok"
vm_run "$CHECK" --mode=state -U "$U" -d s1
is "$RC" 0 "check_virt state of s1 is OK again"
wait_value VM-MIB::vmOperState.$s1i running 30
ok $? "subagent: s1 is running again"
"$COLLECTOR" -c "$U" -d "$rrd" --once -f > /dev/null 2>&1
is "$(rrdtool lastupdate "$rrd/host.rrd" | awk 'NR == 3 { print $4 }')" "2" \
    "collector: dom_running 2 again"
agent_stop
vm_run $V "destroy s1; destroy g1"

done_testing
