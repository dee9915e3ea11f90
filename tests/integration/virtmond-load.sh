#!/bin/sh
# virtmond-load.sh: 50 clients listing, getting info and bulk stats in a
# loop over the UNIX socket while one client stalls half way through a
# message and another sends garbage: every request of the well-behaved
# clients is answered, the misbehaving ones are dropped and logged, and
# the daemon's memory after the load stays under a wide ceiling (the 5 %
# figure is bench/virtmond-load.sh's, which also runs libvirtd).  Bounded:
# 50 x 10 rounds, each run under a deadline.
. "$abs_top_srcdir/tests/lib.sh"
need python3 timeout

VIRTMOND="$abs_top_builddir/daemon/virtmond"
LOAD="$abs_top_builddir/tests/helpers/vd_load"
RUN="$VM_TMP/run"
LOG="$VM_TMP/virtmond.log"
SOCK="$RUN/virtmond-sock"
fx="$VM_TMP/node.xml"
sh "$abs_top_srcdir/tests/gen-testnode.sh" 50 mixed 5 devices > "$fx"

# under AddressSanitizer freed memory waits in a quarantine (256 MiB by
# default): a small one keeps the ceiling below meaningful
slack=16384
if grep -q __asan_init "$VIRTMOND"; then
    export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=8"
    slack=65536
fi
VIRTMOND_TEST_MESSAGE_TIMEOUT_MS=3000 $VM_TEST_WRAPPER "$VIRTMOND" -f -c "test://$fx" \
    --runtime-dir "$RUN" > "$LOG" 2>&1 &
VD=$!
VM_PIDS="$VM_PIDS $VD"
wait_for "$LOG" "serving test://" 10
ok $? "virtmond serves a 50-domain fixture"
R="test+unix:///?socket=$SOCK"
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$VD/status"; }

vm_run timeout 120 "$LOAD" virtmon "$R" 50 2
like "$RC:$OUT" "^0:requests=300 errors=0 " "a warm-up round: 50 clients, every request answered"
warm=$(rss)

python3 "$abs_top_srcdir/tests/rpc-client.py" "$SOCK" stall > /dev/null 2>&1 &
STALL=$!
VM_PIDS="$VM_PIDS $STALL"
# garbage all the while the load runs
(
    while [ ! -s "$VM_TMP/load.out" ]; do
        python3 "$abs_top_srcdir/tests/rpc-client.py" "$SOCK" garbage > /dev/null 2>&1 || break
    done
) &
GARBAGE=$!
VM_PIDS="$VM_PIDS $GARBAGE"
timeout 120 "$LOAD" virtmon "$R" 50 40 > "$VM_TMP/load.out" 2> "$VM_TMP/load.err"
RC=$? OUT=$(cat "$VM_TMP/load.out")
wait_pid "$GARBAGE" 20
like "$RC:$OUT" "^0:requests=6000 errors=0 p50_ms=[0-9.]+ p99_ms=[0-9.]+ max_ms=[0-9.]+" \
    "under load, with a client stalled and garbage sent: every request answered"
echo "# $OUT"
[ "$(grep -c 'a message length out of bounds: closing' "$LOG")" -ge 1 ]
ok $? "the garbage clients are dropped and logged"
wait_for "$LOG" "its message did not arrive whole in time" 10
ok $? "the stalled client is dropped at the deadline"
kill "$STALL" 2>/dev/null
after=$(rss)
echo "# virtmond RSS: $warm KiB after the warm-up, $after KiB after the load"
[ "$after" -lt $((warm * 3 / 2 + slack)) ]
ok $? "its memory after the load is under a wide ceiling (1.5 x the warm-up's + $((slack / 1024)) MiB)"
vm_run "$VIRTMON" -c "$R" "list --name"
like "$RC:$OUT" "^0:vm-" "the daemon serves on"

kill -TERM "$VD"
wait_pid "$VD" 20
is "$?" 0 "SIGTERM stops it, exit 0"

done_testing
