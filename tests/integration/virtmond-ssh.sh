#!/bin/sh
# virtmond-ssh.sh: DRIVER+ssh:// through a private sshd on a loopback port
# with keys the test makes: the user's ssh (found in PATH) runs
# "virtmon bridge" on the far side, which relays to virtmond's socket.  A
# wrong host key is ssh's own refusal; a ?socket= holding $(...) and spaces
# reaches the bridge as one literal path; a user or host that would be an
# ssh option is refused.
#
# OpenSSH ignores $HOME, so the client side is an "ssh" wrapper first in
# PATH adding -F with the test's ssh_config (identity, known_hosts,
# BatchMode).  sshd runs in a mount namespace of its own with a tmpfs on
# /run (for its privilege separation directory): nothing of it is left in
# the system's directories.  Its SetEnv gives the far side a PATH holding
# virtmon and the daemon's runtime dir.
. "$abs_top_srcdir/tests/lib.sh"
need ssh ssh-keygen unshare
[ -x /usr/sbin/sshd ] || { echo "Bail out! /usr/sbin/sshd (openssh-server) is not installed"; exit 99; }

VIRTMOND="$abs_top_builddir/daemon/virtmond"
D="$VM_TMP/ssh"
RUN="$VM_TMP/run"
mkdir -p "$D/bin" "$D/rbin" "$RUN"
chmod 700 "$D"

ssh-keygen -q -t ed25519 -N '' -C host -f "$D/host_key" &&
    ssh-keygen -q -t ed25519 -N '' -C other -f "$D/other_key" &&
    ssh-keygen -q -t ed25519 -N '' -C client -f "$D/id" ||
    { echo "Bail out! ssh-keygen failed"; exit 99; }
cp "$D/id.pub" "$D/authorized_keys"

# the far side's virtmon: the build's, with the sanitizer settings of this
# run (sshd gives sessions a clean environment)
{
    echo '#!/bin/sh'
    for v in ASAN_OPTIONS LSAN_OPTIONS UBSAN_OPTIONS; do
        eval "val=\${$v:-}"
        [ -n "$val" ] && printf "export %s='%s'\n" "$v" "$val"
    done
    printf 'exec %s "$@"\n' "$VIRTMON"
} > "$D/rbin/virtmon"
chmod +x "$D/rbin/virtmon"

# the client's ssh: the test's config, and a record of its arguments
cat > "$D/ssh_config" <<EOF
Host *
    IdentityFile $D/id
    IdentitiesOnly yes
    UserKnownHostsFile $D/known_hosts
    GlobalKnownHostsFile /dev/null
    StrictHostKeyChecking yes
    BatchMode yes
    LogLevel ERROR
EOF
cat > "$D/bin/ssh" <<EOF
#!/bin/sh
printf '%s\\n' "\$*" >> "$D/ssh-args.log"
exec /usr/bin/ssh -F "$D/ssh_config" "\$@"
EOF
chmod +x "$D/bin/ssh"

launch_sshd() {
    cat > "$D/sshd_config" <<EOF
Port $1
ListenAddress 127.0.0.1
HostKey $D/host_key
PidFile $D/sshd.pid
AuthorizedKeysFile $D/authorized_keys
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
SetEnv PATH=$D/rbin:/usr/bin:/bin VIRTMON_RUNTIME_DIR=$RUN
LogLevel INFO
EOF
    unshare --mount sh -c 'mount -t tmpfs -o mode=755 virtmon-test /run && mkdir -m 755 /run/sshd &&
        exec /usr/sbin/sshd -D -e -f "$1"' sh "$D/sshd_config" > "$D/sshd.log" 2>&1 &
}
on_free_port 23 "$D/sshd.log" launch_sshd "Server listening on 127\\.0\\.0\\.1 port" ||
    { echo "Bail out! sshd does not start"; cat "$D/sshd.log"; exit 99; }
PORT=$FREE_PORT
echo "[127.0.0.1]:$PORT $(cat "$D/host_key.pub")" > "$D/known_hosts"
ok 0 "a private sshd on 127.0.0.1:$PORT"

$VM_TEST_WRAPPER "$VIRTMOND" -f -c test:///default --runtime-dir "$RUN" > "$VM_TMP/vd.log" 2>&1 &
VD=$!
VM_PIDS="$VM_PIDS $VD"
wait_for "$VM_TMP/vd.log" "serving test:///default" 10
ok $? "virtmond serves test:///default"

export PATH="$D/bin:$PATH"
U="test+ssh://root@127.0.0.1:$PORT/"
local_list=$($VIRTMON -c test:///default "list --all")
vm_run "$VIRTMON" -c "$U" "list --all"
is "$RC:$OUT" "0:$local_list" "list --all through ssh and virtmon bridge"
like "$(tail -n 1 "$D/ssh-args.log")" "^-p $PORT -- root@127\\.0\\.0\\.1 'virtmon' 'bridge'$" \
    "ssh ran as: ssh -p PORT -- root@HOST 'virtmon' 'bridge'"
vm_run "$VIRTMON" -c "$U" "suspend web1; domstate web1; resume web1"
like "$RC:$OUT" "^0:Domain 'web1' suspended" "control through ssh"
like "$OUT" "^paused$" "and its effect seen in the same batch"
vm_run "$VIRTMON" -r -c "$U" "suspend web1"
like "$RC:$ERR" "^1:error: .*read-only" "-r through ssh: the read-only socket"
like "$(tail -n 1 "$D/ssh-args.log")" "'bridge' '--readonly'$" "reached through virtmon bridge --readonly"

# a wrong host key: ssh's own refusal reaches the user
echo "[127.0.0.1]:$PORT $(cat "$D/other_key.pub")" > "$D/known_hosts"
vm_run "$VIRTMON" -c "$U" "list --all"
like "$RC:$ERR" "^1:error: .*Host key verification failed\\." "a wrong host key: ssh's message"
is "$OUT" "" "and nothing listed"
echo "[127.0.0.1]:$PORT $(cat "$D/host_key.pub")" > "$D/known_hosts"

# no key the server takes: ssh's message
mv "$D/authorized_keys" "$D/authorized_keys.off"
vm_run "$VIRTMON" -c "$U" "list --all"
like "$RC:$ERR" "^1:error: .*Permission denied \\(publickey\\)" "a key the server refuses: ssh's message"
mv "$D/authorized_keys.off" "$D/authorized_keys"

# the far side without virtmon, or without a daemon
vm_run "$VIRTMON" -c "test+ssh://root@127.0.0.1:$PORT/?socket=$VM_TMP/nosuch" "list --all"
like "$RC:$ERR" "^1:error: .*cannot connect to virtmond at '$VM_TMP/nosuch'" \
    "no daemon at the far end: the bridge's message"
mv "$D/rbin/virtmon" "$D/rbin/virtmon.off"
vm_run "$VIRTMON" -c "$U" "list --all"
like "$RC:$ERR" "^1:error: .*virtmon.*not found.*\\(ssh exit status 127\\)" \
    "no virtmon at the far end: the shell's message, exit 127"
mv "$D/rbin/virtmon.off" "$D/rbin/virtmon"

# a socket path with $(...) and spaces is one literal word on the far side
home=$(getent passwd root | cut -d: -f6)
rm -f "$home/canary" "$RUN/canary"
odd="$VM_TMP/a b \$(touch canary)"
mkdir -p "$odd"
$VM_TEST_WRAPPER "$VIRTMOND" -f -c test:///default --runtime-dir "$odd" > "$VM_TMP/vd2.log" 2>&1 &
VD2=$!
VM_PIDS="$VM_PIDS $VD2"
wait_for "$VM_TMP/vd2.log" "serving test:///default" 10
enc=$(printf '%s' "$odd/virtmond-sock" | sed 's/ /%20/g')
vm_run "$VIRTMON" -c "test+ssh://root@127.0.0.1:$PORT/?socket=$enc" "domstate db1"
is "$RC:$OUT" "0:paused" "a ?socket= with \$(...) and spaces reaches the bridge as one path"
[ ! -e "$home/canary" ] && [ ! -e "$odd/canary" ] && [ ! -e "$RUN/canary" ]
ok $? "and nothing ran on the far side (no canary)"
like "$(tail -n 1 "$D/ssh-args.log")" "'--socket' '$VM_TMP/a b \\\$\\(touch canary\\)/virtmond-sock'$" \
    "it went to ssh single-quoted"

# what would be an option to ssh is refused before ssh runs
: > "$D/ssh-args.log"
vm_run "$VIRTMON" -c "test+ssh://-oProxyCommand/" "list"
like "$RC:$ERR" "^1:error: .*an ssh host may not begin with '-': '-oProxyCommand'" \
    "a host of -oProxyCommand is refused"
vm_run "$VIRTMON" -c "test+ssh://-oProxyCommand=touch%20x/" "list"
like "$RC:$ERR" "^1:error: .*(may not begin with '-'|invalid character)" \
    "and -oProxyCommand=... too"
vm_run "$VIRTMON" -c "test+ssh://-lroot@127.0.0.1:$PORT/" "list"
like "$RC:$ERR" "^1:error: .*an ssh user may not begin with '-'" "a user beginning with '-' is refused"
is "$(cat "$D/ssh-args.log")" "" "ssh never ran for them"
vm_run "$VIRTMON" -c "test+ssh://root@127.0.0.1:$PORT/?pki=/x" "list"
like "$RC:$ERR" "^1:error: .*pki" "a +ssh URI takes no ?pki="

# no ssh left behind: each was reaped when its connection closed
n=$(pgrep -f "/usr/bin/ssh -F $D/ssh_config" | wc -l)
is "$n" 0 "no ssh client is left running"

kill -TERM "$VD" "$VD2"
wait_pid "$VD" 20
is "$?" 0 "virtmond stops cleanly"
wait_pid "$VD2" 20

done_testing
