#!/bin/sh
# virtmond.sh: the daemon serving a test-driver fixture on its UNIX
# sockets: the CLI through test+unix:// sees and controls what the daemon
# serves; the read-only socket refuses every mutating call and changes
# nothing; malformed messages close only their own client; check_virt and
# the collector work through it; SIGTERM stops it cleanly.
. "$abs_top_srcdir/tests/lib.sh"
need python3

VIRTMOND="$abs_top_builddir/daemon/virtmond"
fx="$VM_TMP/node.xml"
sh "$abs_top_srcdir/tests/gen-testnode.sh" 20 mixed 5 devices > "$fx"
RUN="$VM_TMP/vd"
LOG="$VM_TMP/virtmond.log"
SOCK="$RUN/virtmond-sock"
R="test+unix:///?socket=$SOCK"
RO="test+unix:///?socket=$SOCK-ro"

wait_socket() {  # wait_socket PATH SECONDS
    _end=$(( $(date +%s) + $2 ))
    while [ ! -S "$1" ]; do
        [ "$(date +%s)" -ge "$_end" ] && return 1
        sleep 0.05
    done
}
VIRTMOND_TEST_MESSAGE_TIMEOUT_MS=3000 $VM_TEST_WRAPPER "$VIRTMOND" -f -c "test://$fx" \
    --runtime-dir "$RUN" > "$LOG" 2>&1 &
VD=$!
VM_PIDS="$VM_PIDS $VD"
wait_socket "$SOCK-ro" 10
ok $? "virtmond serves test://$fx on its sockets"
is "$(stat -c %a "$SOCK"):$(stat -c %a "$SOCK-ro")" "600:666" "read-write socket 0600, read-only 0666"
is "$(cat "$RUN/virtmond.pid")" "$VD" "its pidfile holds its pid"

# what the daemon serves is what the driver gives locally (a fresh copy of
# the same fixture, before anything changes)
for c in "list --all" "dominfo vm-00003" "nodeinfo" "vcpucount vm-00002" "dommemstat vm-00001" \
    "domiflist vm-00002" "domblklist vm-00002" "dumpxml vm-00004" "vcpuinfo vm-00005" \
    "nodecpustats" "list --state-shutoff" "domstats --state --balloon --list-running"; do
    vm_run "$VIRTMON" -c "$R" "$c"
    remote=$(printf '%s\n' "$OUT" | sed -E 's/^(CPU time: +).*/\1N/')
    local=$($VIRTMON -c "test://$fx" "$c" | sed -E 's/^(CPU time: +).*/\1N/')
    is "$RC:$remote" "0:$local" "'$c' through virtmond is what the driver gives"
done
vm_run "$VIRTMON" -c "$R" "uri; version"
like "$OUT" "^test\\+unix:///\\?socket=" "uri: the client's URI"
like "$OUT" "^Running hypervisor: Test 1\\.0\\.0$" "version: the daemon's hypervisor"

# control through the daemon: a second client sees what the first did
vm_run "$VIRTMON" -c "$R" "destroy vm-00001; suspend vm-00002; setmem vm-00003 524288"
is "$RC" 0 "destroy, suspend, setmem through the daemon"
vm_run "$VIRTMON" -c "$R" "domstate vm-00001; domstate vm-00002; dominfo vm-00003"
like "$OUT" "^shut off$" "another client sees vm-00001 shut off"
like "$OUT" "^paused$" "and vm-00002 paused"
like "$OUT" "^Used memory: +524288 KiB$" "and vm-00003's memory"
vm_run "$VIRTMON" -c "$R" "start vm-00001; resume vm-00002; domstate vm-00001; domstate vm-00002"
like "$RC:$OUT" "^0:" "and brings them back"
vm_run "$VIRTMON" -c "$R" "domstate nosuch"
like "$RC:$ERR" "^1:error: .*nosuch" "an unknown domain is the daemon's error, passed on"

# the read-only socket: every mutating command refused, nothing changed
snapshot() { $VIRTMON -c "$R" "list --all; dominfo vm-00003; vcpucount vm-00004" | grep -v '^CPU time:'; }
before=$(snapshot)
cp "$fx" "$VM_TMP/new.xml"
for c in "start vm-00007" "destroy vm-00003" "shutdown vm-00003" "suspend vm-00003" \
    "resume vm-00002" "reboot vm-00003" "reset vm-00003" "managedsave vm-00003" \
    "undefine vm-00006" "autostart vm-00003" "setmem vm-00003 262144" "setmaxmem vm-00007 1G" \
    "setvcpus vm-00004 1" "save vm-00003 $VM_TMP/x.img" "restore $VM_TMP/x.img" \
    "define $abs_top_srcdir/tests/data/domain-xml/vcpus.xml" \
    "create $abs_top_srcdir/tests/data/domain-xml/vcpus.xml" "dumpxml --security-info vm-00003"; do
    vm_run "$VIRTMON" -c "$RO" "$c"
    like "$RC:$ERR" "^1:error: .*(read-only|read-write connections)" "read-only socket refuses '$c'"
done
is "$(snapshot)" "$before" "and nothing changed"
vm_run "$VIRTMON" -c "$RO" "list --all --name; dominfo vm-00003"
like "$RC:$OUT" "^0:vm-0000" "the read-only socket answers what only reads"

# URIs: the default socket (the runtime dir's), -r picks the read-only
# one, a path must be what the daemon serves
vm_run env VIRTMON_RUNTIME_DIR="$RUN" "$VIRTMON" -c "test+unix:///" "list --name"
like "$RC:$OUT" "^0:vm-" "test+unix:/// finds the daemon in the runtime dir"
vm_run env VIRTMON_RUNTIME_DIR="$RUN" "$VIRTMON" -r -c "test+unix:///" "destroy vm-00003"
like "$RC:$ERR" "^1:.*read-only" "-r uses the read-only socket"
vm_run "$VIRTMON" -c "test+unix://$fx?socket=$SOCK" "list --name"
like "$RC:$OUT" "^0:vm-" "a path naming what the daemon serves is accepted"
vm_run "$VIRTMON" -c "test+unix:///other.xml?socket=$SOCK" "list"
like "$RC:$ERR" "^1:error: .*serves 'test://$fx'" "another path is refused, naming what it serves"
vm_run "$VIRTMON" -c "qemu+unix:///?socket=$SOCK" "list"
like "$RC:$ERR" "^1:error: .*serves" "another driver is refused"
vm_run "$VIRTMON" -c "test+unix:///?socket=$VM_TMP/nosuch" "list"
like "$RC:$ERR" "^1:error: .*cannot connect to virtmond's socket" "no daemon: a clear error"

# malformed clients: each is closed (and logged); the others are served
python3 "$abs_top_srcdir/tests/rpc-client.py" "$SOCK" stall > /dev/null 2>&1 &
STALL=$!
VM_PIDS="$VM_PIDS $STALL"
for case in garbage wrongprog oversize truncated early badbody; do
    vm_run python3 "$abs_top_srcdir/tests/rpc-client.py" "$SOCK" "$case"
    is "$RC:$OUT" "0:closed by the daemon" "a client sending '$case' is closed"
done
vm_run python3 "$abs_top_srcdir/tests/rpc-client.py" "$SOCK" hello
is "$RC" 0 "a well-formed HELLO is answered: $OUT"
vm_run "$VIRTMON" -c "$R" "list --all --name"
like "$RC:$OUT" "^0:vm-0000" "while one client stalls mid-message, the others are served"
for what in "not virtmond's protocol" "a message length out of bounds" \
    "the connection ended inside a message" "a call before HELLO" "a message cut short"; do
    grep -q "$what" "$LOG"
    ok $? "the log says: $what"
done
wait_for "$LOG" "its message did not arrive whole in time" 10
ok $? "the stalled client is dropped once its message is overdue (logged)"
kill "$STALL" 2>/dev/null

# the tools through the daemon
vm_run "$abs_top_builddir/nagios/check_virt" --mode=domains -U "$R"
like "$RC:$OUT" "^0:VIRT DOMAINS OK - 16 running, 2 paused, 2 shut off" "check_virt domains through virtmond"
vm_run "$abs_top_builddir/collectors/virtmon-collector" -c "$R" -d "$VM_TMP/rrd" --once
is "$RC" 0 "a collector cycle through virtmond"
[ -n "$(ls "$VM_TMP/rrd" 2>/dev/null)" ]
ok $? "writes its RRD files"

# the subagent through the daemon: its tables, and a lifecycle event
# another client causes reaches it as a notification at once (its own
# refresh is five minutes away)
. "$abs_top_srcdir/tests/snmp-lib.sh"
snmptrapd_start
snmpd_start
agent_start -c "$R" -i 300 --state-dir "$VM_TMP/agent-state"
wait_value VM-MIB::vmNumber.0 20 30
ok $? "virtmon-agentx through virtmond: vmNumber.0 is 20"
out=$(snmp snmpwalk -Oqv VM-MIB::vmName)
is "$(printf '%s\n' "$out" | grep -c vm-000)" 20 "vmName has every domain"
$VIRTMON -c "$R" suspend vm-00005 > /dev/null
wait_for "$VM_TMP/snmp/traps" "OID: \.1\.3\.6\.1\.2\.1\.236\.0\.4[[:space:]].*STRING: \"vm-00005\"" 10
ok $? "another client suspends vm-00005: the event reaches the subagent, which sends vmPaused"
$VIRTMON -c "$R" resume vm-00005 > /dev/null
agent_stop

# one daemon per runtime dir
vm_run "$VIRTMOND" -f -c "test:///default" --runtime-dir "$RUN"
like "$RC:$ERR" "^1:.*another virtmond" "a second daemon on the same runtime dir is refused"
[ -S "$SOCK" ]
ok $? "and leaves the first one's sockets alone"

# virtmond.conf: a wrong key, or a TLS listener without its PKI files,
# stops it at start; max_clients holds
printf 'max_client = 3\n' > "$VM_TMP/bad.conf"
vm_run "$VIRTMOND" -f -c test:///default --runtime-dir "$VM_TMP/vd2" --config "$VM_TMP/bad.conf"
like "$RC:$ERR" "^1:.*max_client" "an unknown key in virtmond.conf stops it, named"
printf 'listen_addr = "127.0.0.1"\ntls_port = 1\n' > "$VM_TMP/tcp.conf"
vm_run "$VIRTMOND" -f -c test:///default --runtime-dir "$VM_TMP/vd2" --config "$VM_TMP/tcp.conf"
like "$RC:$ERR" "^1:.*no CA certificate \\(ca/cert\\.pem\\) at .*/pki/ca/cert\\.pem" \
    "a TLS listener (listen_addr) without its PKI files does not start, naming the file"
printf 'max_clients = 1\nlog_level = "debug"\n' > "$VM_TMP/one.conf"
"$VIRTMOND" -f -c test:///default --runtime-dir "$VM_TMP/vd2" --config "$VM_TMP/one.conf" \
    > "$VM_TMP/vd2.log" 2>&1 &
VD2=$!
VM_PIDS="$VM_PIDS $VD2"
wait_socket "$VM_TMP/vd2/virtmond-sock" 10
python3 "$abs_top_srcdir/tests/rpc-client.py" "$VM_TMP/vd2/virtmond-sock" stall > /dev/null 2>&1 &
HOLD=$!
VM_PIDS="$VM_PIDS $HOLD"
wait_for "$VM_TMP/vd2.log" "client 1 connected" 10
vm_run "$VIRTMON" -c "test+unix:///?socket=$VM_TMP/vd2/virtmond-sock" list
like "$RC:$ERR" "^1:error: .*(closed the connection|Connection reset by peer)" "max_clients = 1: a second client is turned away"
grep -q "max_clients (1)" "$VM_TMP/vd2.log"
ok $? "and the daemon logs why"
kill "$HOLD" "$VD2"

# SIGHUP (it reloads TLS files once there is a TCP listener) leaves it
# serving
kill -HUP "$VD"
vm_run "$VIRTMON" -c "$R" "list --name"
like "$RC:$OUT" "^0:vm-" "after SIGHUP it serves on"

# without -f it detaches (logging to syslog): the command returns at once,
# the pidfile names the daemon, SIGTERM stops it
vm_run "$VIRTMOND" -c test:///default --runtime-dir "$VM_TMP/vd3"
is "$RC" 0 "without -f virtmond detaches and returns 0"
wait_socket "$VM_TMP/vd3/virtmond-sock" 10
bg=$(cat "$VM_TMP/vd3/virtmond.pid" 2>/dev/null)
VM_PIDS="$VM_PIDS $bg"
like "$(cat "/proc/$bg/cmdline" 2>/dev/null | tr '\0' ' ')" "virtmond -c test:///default" \
    "its pidfile names the detached daemon ($bg)"
vm_run "$VIRTMON" -c "test+unix:///?socket=$VM_TMP/vd3/virtmond-sock" "list --name"
like "$RC:$OUT" "^0:test" "and it serves"
kill -TERM "$bg"
for _ in $(seq 1 100); do kill -0 "$bg" 2>/dev/null || break; sleep 0.1; done
! kill -0 "$bg" 2>/dev/null && [ ! -e "$VM_TMP/vd3/virtmond-sock" ]
ok $? "SIGTERM stops the detached daemon, its sockets removed"

# SIGTERM: exit 0, sockets and pidfile gone
kill -TERM "$VD"
for _ in $(seq 1 100); do kill -0 "$VD" 2>/dev/null || break; sleep 0.1; done
wait "$VD"
is "$?" 0 "SIGTERM: virtmond exits 0"
[ ! -e "$SOCK" ] && [ ! -e "$SOCK-ro" ] && [ ! -e "$RUN/virtmond.pid" ]
ok $? "and removes its sockets and pidfile"
vm_run "$VIRTMON" -c "$R" "list"
like "$RC:$ERR" "^1:error: .*cannot connect" "a client then gets a clear error"
done_testing
