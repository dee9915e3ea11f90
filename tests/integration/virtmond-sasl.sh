#!/bin/sh
# virtmond-sasl.sh: SASL (SCRAM-SHA-256 against a private sasldb in the
# config dir's sasl2/, /etc/sasl2 untouched) on virtmond's read-write
# socket and on its TLS listener: the right credentials from auth.conf get
# in, a wrong password or user is an auth error, a client that offers no
# SASL gets the refusal and nothing else; the read-only socket, left at
# none, asks nothing.
. "$abs_top_srcdir/tests/lib.sh"
. "$abs_top_srcdir/tests/pki-lib.sh"
need python3 saslpasswd2 sasldblistusers2

VIRTMOND="$abs_top_builddir/daemon/virtmond"
RUN="$VM_TMP/run"
CFG="$VM_TMP/cfg"
LOG="$VM_TMP/virtmond.log"
SOCK="$RUN/virtmond-sock"
mkdir -p "$RUN" "$CFG/sasl2" "$VM_TMP/saslplug"

# only the two plugins SCRAM against a sasldb needs (the others would be
# loaded too, and some read /etc)
set -- /usr/lib/*/sasl2/libscram.so* /usr/lib/*/sasl2/libsasldb.so*
[ -e "$1" ] || { echo "Bail out! the SCRAM and sasldb SASL plugins are not installed"; exit 99; }
ln -s "$@" "$VM_TMP/saslplug/"
export SASL_PATH="$VM_TMP/saslplug"

# a user in a sasldb of the test's own; saslpasswd2 files it under the
# host's name as realm, which is the realm virtmond's SASL uses
printf '%s' 'Correct horse 1' | saslpasswd2 -p -c -f "$CFG/sasl2/virtmond.db" -a virtmond fred
like "$(sasldblistusers2 -f "$CFG/sasl2/virtmond.db")" "^fred@.*: userPassword" \
    "a SCRAM user in the test's sasldb"
printf '%s\n' 'mech_list: scram-sha-256' 'pwcheck_method: auxprop' 'auxprop_plugin: sasldb' \
    "sasldb_path: $CFG/sasl2/virtmond.db" > "$CFG/sasl2/virtmond.conf"
printf '%s\n' 'auth_unix_rw = "sasl"' 'auth_unix_ro = "none"' 'auth_tcp = "sasl"' \
    'tls_allowed_dn_list = [ "C=GB,O=Example,CN=client1" ]' > "$CFG/virtmond.conf"
printf '%s\n' '[credentials-fred]' 'username=fred' 'password=Correct horse 1' \
    '[auth-virtmon-localhost]' 'credentials=fred' > "$CFG/auth.conf"
chmod 600 "$CFG/auth.conf"
# the same user with other passwords, and a user the sasldb lacks
authfile() {  # authfile NAME USER PASSWORD
    printf '%s\n' '[credentials-x]' "username=$2" "password=$3" '[auth-virtmon-localhost]' \
        'credentials=x' > "$VM_TMP/$1.conf"
    chmod 600 "$VM_TMP/$1.conf"
}
authfile wrong fred 'Correct horse 2'
authfile nouser mallory 'Correct horse 1'
printf '%s\n' '[credentials-x]' 'username=fred' '[auth-virtmon-localhost]' 'credentials=x' \
    > "$VM_TMP/nopass.conf"
chmod 600 "$VM_TMP/nopass.conf"

SRV="$VM_TMP/srvpki"
mkdir -p "$SRV/ca" "$SRV/server"
cp "$PKI/ca.crt" "$SRV/ca/cert.pem"
cp "$PKI/good.crt" "$SRV/server/cert.pem"
cp "$PKI/good.key" "$SRV/server/key.pem"
chmod 600 "$SRV/server/key.pem"
pki_client client1 client1 ca

export VIRTMON_CONFIG_DIR="$CFG"
launch_virtmond() {
    $VM_TEST_WRAPPER "$VIRTMOND" -f -c test:///default --runtime-dir "$RUN" \
        --listen "127.0.0.1:$1" --pki "$SRV" > "$LOG" 2>&1 &
}
on_free_port 19 "$LOG" launch_virtmond "listening for TLS" ||
    { echo "Bail out! virtmond does not start"; cat "$LOG"; exit 99; }
PORT=$FREE_PORT VD=$FREE_PID
like "$(cat "$LOG")" "SASL mechanisms: SCRAM-SHA-256" "virtmond offers SCRAM-SHA-256 from its sasl2/ config"
like "$(cat "$LOG")" "listening for TLS on 127\\.0\\.0\\.1 port $PORT, SASL required" \
    "and asks for SASL on its TLS listener"
R="test+unix:///?socket=$SOCK"

local_list=$($VIRTMON -c test:///default "list --all")
vm_run "$VIRTMON" -c "$R" "list --all"
is "$RC:$OUT" "0:$local_list" "the right credentials from auth.conf: list --all"
wait_for "$LOG" "SASL: authenticated as 'fred'" 10
ok $? "the daemon logs who authenticated"

vm_run "$VIRTMON" -c "$R&authfile=$VM_TMP/wrong.conf" "list --all"
like "$RC:$ERR" "^1:error: .*SASL authentication failed \\(wrong user name or password\\?\\)" \
    "a wrong password: an auth error"
is "$OUT" "" "and nothing listed"
wait_for "$LOG" "SASL authentication failed: .*StoredKey mismatch: closing its connection" 10
ok $? "the daemon logs why"
vm_run "$VIRTMON" -c "$R&authfile=$VM_TMP/nouser.conf" "list --all"
like "$RC:$ERR" "^1:error: .*SASL authentication failed" "a user the sasldb lacks: an auth error"
vm_run "$VIRTMON" -c "$R&authfile=$VM_TMP/nopass.conf" "list --all"
like "$RC:$ERR" "^1:error: .*no password for virtmon on 'localhost'" \
    "no password anywhere (no terminal either): an error saying so"
is "$(grep -c 'Correct horse' "$LOG")" 0 "no password reaches the daemon's log"

# a client that offers no SASL: the refusal, then nothing
vm_run python3 "$abs_top_srcdir/tests/rpc-client.py" "$SOCK" nosasl
like "$RC:$OUT" "^0:status 1 code [0-9]+ message: authentication required" \
    "a client offering no SASL gets the refusal"
like "$OUT" "^closed by the daemon$" "and its connection is closed"
wait_for "$LOG" "'open' before authenticating: refused" 10
ok $? "the daemon logs it"

# the read-only socket is left at none
vm_run env VIRTMON_AUTH_FILE=/nonexistent "$VIRTMON" -c "test+unix:///?socket=$SOCK-ro" \
    "list --name"
like "$RC:$OUT" "^0:test" "the read-only socket (auth_unix_ro = none) asks nothing"

# SASL on top of TLS: the client certificate and then the password
vm_run "$VIRTMON" -c "test+tls://localhost:$PORT/?pki=$VM_TMP/c-client1" "domstate db1"
is "$RC:$OUT" "0:paused" "over TLS with auth_tcp = sasl: certificate and credentials"
vm_run "$VIRTMON" -c "test+tls://localhost:$PORT/?pki=$VM_TMP/c-client1&authfile=$VM_TMP/wrong.conf" \
    "domstate db1"
like "$RC:$ERR" "^1:error: .*SASL authentication failed" "over TLS a wrong password is refused"
vm_run "$VIRTMON" -c "$R" "list --name"
like "$RC:$OUT" "^0:test" "the daemon serves on after the refusals"

kill -TERM "$VD"
wait_pid "$VD" 20
is "$?" 0 "SIGTERM stops it, exit 0"

# SASL asked for, but the configuration offers no mechanism: no start
mkdir -p "$VM_TMP/cfg2/sasl2"
printf '%s\n' 'auth_unix_rw = "sasl"' > "$VM_TMP/cfg2/virtmond.conf"
printf '%s\n' 'mech_list: gssapi' > "$VM_TMP/cfg2/sasl2/virtmond.conf"
vm_run env VIRTMON_CONFIG_DIR="$VM_TMP/cfg2" "$VIRTMOND" -f -c test:///default \
    --runtime-dir "$VM_TMP/run2"
is "$RC" 1 "SASL without a usable mechanism: virtmond does not start"
like "$ERR" "cannot start: SASL offers no mechanism: see $VM_TMP/cfg2/sasl2/virtmond\\.conf" \
    "and names the file"
[ ! -e "$VM_TMP/run2/virtmond-sock" ]
ok $? "and leaves no socket"

done_testing
