#!/bin/sh
# qemu-agent.sh: the guest agent as a monitoring source (guestinfo, domstats --guest).
# A real qemu-ga (Debian's qemu-guest-agent, serving its protocol on a host
# UNIX socket, reporting this machine) is put where a guest's agent socket
# is: guestinfo and domstats --guest show what it reports, shutdown --mode
# agent reaches it (its shutdown command is a recorder, in a mount
# namespace of its own: nothing here powers off).  Then agents that never
# answer or send 10 MB of garbage cost guestinfo at most agent_timeout and
# delay nothing that does not ask them.
. "$abs_top_srcdir/tests/lib.sh"
need qemu-system-x86_64 qemu-ga python3 unshare timeout
. "$abs_top_srcdir/tests/qemu-lib.sh"
. "$abs_top_srcdir/tests/snmp-lib.sh"
MAXRSS="$abs_top_builddir/tests/helpers/maxrss"
printf 'agent_timeout = 1\n' > "$VIRTMON_CONFIG_DIR/virtmon.conf"
GA="$VM_TMP/ga.sock"
GA_PID=""
agent_cleanup() { [ -n "$GA_PID" ] && kill "$GA_PID" 2>/dev/null; }
QEMU_CLEANUP_MORE=agent_cleanup

cat > "$VM_TMP/ag.xml" <<EOF
<domain type='qemu'>
  <name>ag</name>
  <memory unit='MiB'>64</memory>
  <features><acpi/></features>
  <devices>
    $(disk "$QEMU_IMG/spin.img")
    <channel type='unix'>
      <source mode='bind' path='$GA'/>
      <target type='virtio' name='org.qemu.guest_agent.0'/>
    </channel>
  </devices>
</domain>
EOF
vm_run $V "define $VM_TMP/ag.xml; start ag"
is "$RC" 0 "a guest with an agent channel starts"
[ -S "$GA" ]
ok $? "QEMU serves its agent channel at the definition's path"

# a real agent where the guest's is: QEMU's socket file replaced by qemu-ga's
rm -f "$GA"
cat > "$VM_TMP/fake-shutdown" <<EOF
#!/bin/sh
echo "\$0 \$*" >> "$VM_TMP/shutdown-called"
EOF
chmod +x "$VM_TMP/fake-shutdown"
unshare --mount /bin/sh -c '
    mount --bind "$1/fake-shutdown" "$(readlink -f /sbin/shutdown)" &&
        cmp -s "$1/fake-shutdown" /sbin/shutdown &&
        exec qemu-ga -m unix-listen -p "$1/ga.sock" -t "$1" -f "$1/qga.pid" \
            -b guest-suspend-disk,guest-suspend-ram,guest-suspend-hybrid,guest-set-time,guest-exec,guest-file-open,guest-set-user-password,guest-set-vcpus,guest-set-memory-blocks,guest-fsfreeze-freeze,guest-fsfreeze-freeze-list,guest-fstrim
' sh "$VM_TMP" > "$VM_TMP/qga.log" 2>&1 &
GA_PID=$!
wait_for_socket() { _end=$(( $(date +%s) + 10 )); while [ ! -S "$1" ] && [ "$(date +%s)" -lt "$_end" ]; do sleep 0.05; done; [ -S "$1" ]; }
wait_for_socket "$GA"
ok $? "a real qemu-ga serves at the guest's agent socket"

vm_run $V guestinfo ag
is "$RC" 0 "guestinfo"
os_id=$(. /etc/os-release && echo "$ID")
like "$OUT" "^os\\.id +: $os_id\$" "os.id is this machine's ($os_id)"
like "$OUT" "^hostname +: $(hostname)\$" "hostname is this machine's"
like "$OUT" "^fs\\.count +: [1-9]" "it reports file systems"
like "$OUT" "^fs\\.0\\.mountpoint +: /" "with their mount points"
like "$OUT" "^if\\.count +: [1-9]" "and interfaces"
like "$OUT" "^if\\.[0-9]+\\.addr\\.[0-9]+\\.addr +: 127\\.0\\.0\\.1\$" "the loopback address among them"
vm_run $V domstats --guest --json
python3 -c '
import json, sys
d = [x for x in json.load(sys.stdin) if x["name"] == "ag"][0]["guest"]
assert d["os_id"] == sys.argv[1], d
assert d["hostname"] == sys.argv[2], d
assert any("127.0.0.1/8" in i["addresses"] for i in d["interfaces"]), d
assert d["fs"] and all("mountpoint" in f for f in d["fs"]), d
' "$os_id" "$(hostname)" <<EOF
$OUT
EOF
ok $? "domstats --guest --json has the agent's os, hostname, file systems and interfaces"
vm_run $V domstats --json ag
like "$OUT" '"guest": null' "without --guest, the agent is not asked (null)"
vm_run $V shutdown --mode agent ag
is "$RC:$OUT" "0:Domain 'ag' is being shutdown" "shutdown --mode agent"
end=$(( $(date +%s) + 10 ))
while [ ! -s "$VM_TMP/shutdown-called" ] && [ "$(date +%s)" -lt "$end" ]; do sleep 0.05; done
like "$(cat "$VM_TMP/shutdown-called" 2>/dev/null)" "-P" "the agent got guest-shutdown (it ran its power-off command)"
vm_run $V reboot --mode agent ag
is "$RC:$OUT" "0:Domain 'ag' is being rebooted" "reboot --mode agent"
end=$(( $(date +%s) + 10 ))
while ! grep -q -- "-r" "$VM_TMP/shutdown-called" && [ "$(date +%s)" -lt "$end" ]; do sleep 0.05; done
grep -q -- "-r" "$VM_TMP/shutdown-called"
ok $? "the agent got guest-shutdown mode reboot (it ran its reboot command)"
vm_run $V shutdown --mode bogus ag
like "$RC:$ERR" "^1:.*invalid value 'bogus' for --mode" "an unknown --mode is an error"
kill "$GA_PID"
wait "$GA_PID" 2>/dev/null
GA_PID=""
rm -f "$GA"

# hostile agents: one that never answers, one that floods garbage
hostile() {  # hostile silent|flood: a fake agent at the guest's socket
    python3 - "$GA" "$1" <<'EOF' &
import os, socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen(8)
while True:
    c, _ = s.accept()
    if sys.argv[2] == "flood":
        try:
            c.sendall(b"\xff" + b"{\"garbage\": [" * 1000 + os.urandom(10 * 1024 * 1024))
        except OSError:
            pass
    else:
        time.sleep(3600)
EOF
    GA_PID=$!
    wait_for_socket "$GA"
}
elapsed() {  # elapsed CMD...: runs it, sets ELAPSED (ms)
    _t0=$(date +%s%3N)
    "$@" > "$VM_TMP/out" 2> "$VM_TMP/err"
    RC=$?
    ELAPSED=$(( $(date +%s%3N) - _t0 ))
}
# the subagent refreshes every second from the bulk call, which does not
# ask agents
snmpd_start
agent_start -c "$U" -i 1 --state-dir "$VM_TMP/st"
wait_value VM-MIB::vmNumber.0 1 30
ok $? "the subagent serves the guest (vmNumber 1)"
for kind in silent flood; do
    hostile $kind
    elapsed $MAXRSS 65536 $V guestinfo ag
    like "$RC:$(cat "$VM_TMP/err")" "^1:.*guest agent at" "$kind agent: guestinfo fails, naming the agent"
    [ "$ELAPSED" -lt 5000 ]
    ok $? "$kind agent: guestinfo returns within the 1 s agent_timeout (${ELAPSED} ms; guard 5 s)"
    ! grep -q "^maxrss" "$VM_TMP/err" || [ "$RC" -ne 98 ]
    ok $? "$kind agent: its memory stays under 64 MiB (a ceiling, not a measure)"
    elapsed $V domstats --guest --json
    [ "$RC" -eq 0 ] && [ "$ELAPSED" -lt 5000 ] && grep -q '"guest": null' "$VM_TMP/out"
    ok $? "$kind agent: domstats --guest answers within the timeout, guest null (${ELAPSED} ms)"
    elapsed $V list --all
    [ "$RC" -eq 0 ] && [ "$ELAPSED" -lt 3000 ]
    ok $? "$kind agent: list does not wait on it (${ELAPSED} ms)"
    elapsed $V domstats ag
    [ "$RC" -eq 0 ] && [ "$ELAPSED" -lt 3000 ]
    ok $? "$kind agent: domstats without --guest does not wait on it (${ELAPSED} ms)"
    elapsed "$abs_top_builddir/nagios/check_virt" --mode=domains -U "$U"
    [ "$RC" -eq 0 ] && [ "$ELAPSED" -lt 3000 ] && grep -q "^VIRT DOMAINS OK" "$VM_TMP/out"
    ok $? "$kind agent: check_virt does not wait on it (${ELAPSED} ms: $(head -c 60 "$VM_TMP/out"))"
    # two refreshes of the subagent while the agent hangs or floods: it
    # answers at once
    sleep 2.5
    elapsed snmp snmpget -Oqv VM-MIB::vmOperState.1
    [ "$(cat "$VM_TMP/out")" = running ] && [ "$ELAPSED" -lt 3000 ]
    ok $? "$kind agent: the subagent does not wait on it (${ELAPSED} ms: $(cat "$VM_TMP/out"))"
    kill "$GA_PID"
    wait "$GA_PID" 2>/dev/null
    GA_PID=""
    rm -f "$GA"
done
vm_run $V "destroy ag; undefine ag"
done_testing
