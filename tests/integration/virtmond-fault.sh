#!/bin/sh
# virtmond-fault.sh: virtmond's hypervisor (the XenAPI simulator) goes away
# and comes back, then hangs, while clients are connected: they get errors
# within the driver's deadlines, never a hang, and recover without
# reconnecting; the daemon serves on throughout.
. "$abs_top_srcdir/tests/lib.sh"
. "$abs_top_srcdir/tests/pki-lib.sh"
. "$abs_top_srcdir/tests/xenapi-lib.sh"
need timeout

VIRTMOND="$abs_top_builddir/daemon/virtmond"
RUN="$VM_TMP/run"
LOG="$VM_TMP/virtmond.log"
xen_sim good
$VM_TEST_WRAPPER "$VIRTMOND" -f -c "$XS_URI" --runtime-dir "$RUN" > "$LOG" 2>&1 &
VD=$!
VM_PIDS="$VM_PIDS $VD"
wait_for "$LOG" "serving xenapi://" 20
ok $? "virtmond serves the simulated pool"
R="xenapi+unix:///?socket=$RUN/virtmond-sock"

# a client that stays connected: its commands come through a FIFO
fifo_client client "$R"
CL=$FIFO_PID
echo "domstate web" >&3
wait_for "$VM_TMP/client.out" "^running$" 20
ok $? "a connected client sees the pool"
vm_run timeout 60 "$VIRTMON" -c "$R" "domstate db"
is "$RC:$OUT" "0:paused" "and so does a new one"

# the hypervisor goes away
kill -9 "$XS_PID"
wait "$XS_PID" 2>/dev/null
echo "domstate web" >&3
wait_for "$VM_TMP/client.out" "^error:" 40
ok $? "the connected client gets an error, not a hang"
vm_run timeout 60 "$VIRTMON" -c "$R" "domstate db"
is "$RC" 1 "a new client gets an error too (not the deadline's 124)"
like "$ERR" "^error: .*(127\\.0\\.0\\.1|refused|connect)" "saying it cannot reach the pool"
kill -0 "$VD"
ok $? "the daemon is still up"

# it comes back on the same port: the clients recover
launch_xen_sim "$XS_PORT" 3>&-   # the FIFO stays the client's alone
XS_PID=$!
VM_PIDS="$VM_PIDS $XS_PID"
wait_for "$VM_TMP/sim-good.log" listening 20
ok $? "the pool is back"
n=$(grep -c '^running$' "$VM_TMP/client.out")
echo "domstate web" >&3
wait_count "$VM_TMP/client.out" '^running$' $((n + 1)) 40
ok $? "the connected client recovers without reconnecting"
vm_run timeout 60 "$VIRTMON" -c "$R" "domstate db"
is "$RC:$OUT" "0:paused" "and a new client is served"

# the hypervisor hangs: the driver's deadline turns it into an error
sim silent POST > /dev/null
errs=$(grep -c '^error:' "$VM_TMP/client.out")
echo "domstate web" >&3
wait_count "$VM_TMP/client.out" '^error:' $((errs + 1)) 60
ok $? "a hung hypervisor: the connected client gets an error at the deadline"
like "$(tail -n 1 "$VM_TMP/client.out")" "^error: .*(time|answer|within)" "a timeout, saying so"
sim normal POST > /dev/null
n=$(grep -c '^running$' "$VM_TMP/client.out")
echo "domstate web" >&3
wait_count "$VM_TMP/client.out" '^running$' $((n + 1)) 40
ok $? "and recovers when it answers again"

exec 3>&-
wait_pid "$CL" 20
is "$?" 0 "the client ends with its input (its last command succeeded: status 0)"
kill -TERM "$VD"
wait_pid "$VD" 30
is "$?" 0 "SIGTERM stops the daemon, exit 0"

done_testing
