#!/bin/sh
# virtmond-tls.sh: virtmond's TLS listener with client certificates the
# test makes: a good one gets in through test+tls://; none, one from
# another CA, a revoked one and one off the DN allow-list are each refused
# with a clear error on the client and a line in the daemon's log.  SIGHUP
# brings in a new CRL and allow-list without a restart, and a client
# connected before goes on; a client stalled in its handshake holds nobody
# up and is dropped at the deadline.
. "$abs_top_srcdir/tests/lib.sh"
. "$abs_top_srcdir/tests/pki-lib.sh"
need python3

VIRTMOND="$abs_top_builddir/daemon/virtmond"
RUN="$VM_TMP/run"
CFG="$VM_TMP/cfg"
LOG="$VM_TMP/virtmond.log"
SRV="$VM_TMP/srvpki"
mkdir -p "$RUN" "$CFG" "$SRV/ca" "$SRV/server"

pki_client client1 client1 ca
pki_client client2 client2 ca
pki_client revoked client-revoked ca
pki_client stranger stranger ca
pki_client foreign client1 ca2
mkdir -p "$VM_TMP/c-nocert/ca"
cp "$PKI/ca.crt" "$VM_TMP/c-nocert/ca/cert.pem"

# crl NAME...: the daemon's CRL revoking those clients
crl() {
    : > "$PKI/revoke.pem"
    for n in "$@"; do cat "$PKI/$n.crt" >> "$PKI/revoke.pem"; done
    printf 'crl_next_update = 30\ncrl_number = %s\n' "$(date +%s%N)" > "$PKI/crl2.tmpl"
    certtool --generate-crl --load-ca-privkey "$PKI/ca.key" --load-ca-certificate "$PKI/ca.crt" \
        --load-certificate "$PKI/revoke.pem" --template "$PKI/crl2.tmpl" \
        --outfile "$SRV/ca/crl.pem.new" 2>/dev/null && mv "$SRV/ca/crl.pem.new" "$SRV/ca/crl.pem"
}
cp "$PKI/ca.crt" "$SRV/ca/cert.pem"
cp "$PKI/good.crt" "$SRV/server/cert.pem"
cp "$PKI/good.key" "$SRV/server/key.pem"
chmod 600 "$SRV/server/key.pem"
crl revoked
printf '%s\n' 'tls_allowed_dn_list = [ "C=GB,O=Example,CN=client*" ]' > "$CFG/virtmond.conf"

export VIRTMON_CONFIG_DIR="$CFG"
launch_virtmond() {
    VIRTMOND_TEST_MESSAGE_TIMEOUT_MS=3000 $VM_TEST_WRAPPER "$VIRTMOND" -f -c test:///default \
        --runtime-dir "$RUN" --listen "127.0.0.1:$1" --pki "$SRV" > "$LOG" 2>&1 &
}
on_free_port 13 "$LOG" launch_virtmond "listening for TLS" ||
    { echo "Bail out! virtmond does not listen"; cat "$LOG"; exit 99; }
PORT=$FREE_PORT VD=$FREE_PID
ok 0 "virtmond listens for TLS on 127.0.0.1:$PORT"
uri() { echo "test+tls://${2:-localhost}:$PORT/?pki=$VM_TMP/c-$1"; }
logged() {  # logged REGEX MESSAGE: a line of the daemon's log, within 10 s
    wait_for "$LOG" "$1" 10
    ok $? "$2"
}

local_list=$($VIRTMON -c test:///default "list --all")
vm_run "$VIRTMON" -c "$(uri client1)" "list --all"
is "$RC:$OUT" "0:$local_list" "a client certificate from the CA on the allow-list: list --all"
logged "client [0-9]* \\(127\\.0\\.0\\.1;[0-9]*\\): TLS, certificate DN 'C=GB,O=Example,CN=client1'" \
    "the daemon logs the client's DN as gnutls prints it"
vm_run "$VIRTMON" -c "$(uri client1 127.0.0.1)" "domstate test; uri"
like "$RC:$OUT" "^0:running" "by IP address too (the server certificate's IP SAN)"
vm_run "$VIRTMON" -c "test+tls://localhost:$PORT/default?pki=$VM_TMP/c-client1" "domstate db1"
is "$RC:$OUT" "0:paused" "a path that is what the daemon serves"
vm_run "$VIRTMON" -c "test+tls://localhost:$PORT/other.xml?pki=$VM_TMP/c-client1" "list"
like "$RC:$ERR" "^1:.*serves 'test:///default', not 'test:///other.xml'" "another path is refused"
vm_run "$VIRTMON" -c "test+tls://localhost:$PORT/?pki=$VM_TMP/c-client1&socket=/x" "list"
like "$RC:$ERR" "^1:.*socket" "a +tls URI takes no ?socket="

# refusals: the client says why, the daemon's log says more
vm_run "$VIRTMON" -c "$(uri nocert)" "list --all"
like "$RC:$ERR" "^1:error: .*virtmond at localhost:$PORT closed the connection after the TLS handshake \\(did it refuse this client's certificate.*TLS alert 'Certificate is required'" \
    "no client certificate: refused, the client says why"
is "$OUT" "" "and lists nothing"
logged "TLS handshake failed: the client sent no certificate" "the daemon logs it"
n_nocert=$(grep -c "the client sent no certificate" "$LOG")
vm_run "$VIRTMON" -c "$(uri foreign)" "list --all"
like "$RC:$ERR" "^1:error: .*TLS alert 'Certificate is required'" \
    "a certificate from another CA (never offered to this daemon): refused"
wait_for "$LOG" "the client sent no certificate" 10
is "$(grep -c "the client sent no certificate" "$LOG")" "$((n_nocert + 1))" "the daemon logs it"
vm_run "$VIRTMON" -c "$(uri revoked)" "list --all"
like "$RC:$ERR" "^1:error: .*refuse this client's certificate.*TLS alert 'Certificate is bad'" \
    "a revoked certificate: refused"
logged "client certificate refused: The certificate is NOT trusted\\. The certificate chain is revoked" \
    "the daemon logs that it is revoked"
vm_run "$VIRTMON" -c "$(uri stranger)" "list --all"
like "$RC:$ERR" "^1:error: .*its DN 'C=GB,O=Example,CN=stranger' is not on the daemon's tls_allowed_dn_list" \
    "a DN off the allow-list: refused, naming the DN"
is "$OUT" "" "and lists nothing"
logged "certificate DN 'C=GB,O=Example,CN=stranger' is not on tls_allowed_dn_list: refused" \
    "the daemon logs the DN it refused"
vm_run "$VIRTMON" -c "test+tls://localhost:$PORT/?pki=$VM_TMP/c-client1" "list"
is "$RC" 0 "the daemon still serves after the refusals"

# a client connected before SIGHUP: its commands come through a FIFO
fifo_client client2 "$(uri client2)"
C2=$FIFO_PID
echo "domstate db1" >&3
wait_for "$VM_TMP/client2.out" "^paused$" 10
ok $? "a client (client2) connected before SIGHUP"

# SIGHUP: client2 revoked, the allow-list now client2 and stranger only
crl revoked client2
printf '%s\n' 'tls_allowed_dn_list = [ "C=GB,O=Example,CN=client2",' \
    '                        "C=GB,O=Example,CN=str*" ]' > "$CFG/virtmond.conf"
kill -HUP "$VD"
logged "SIGHUP: reloaded the CRL and tls_allowed_dn_list \\(2 entries\\)" "SIGHUP reloads them"
vm_run "$VIRTMON" -c "$(uri stranger)" "domstate web1"
is "$RC:$OUT" "0:running" "without a restart: a DN now on the allow-list gets in"
vm_run "$VIRTMON" -c "$(uri client1)" "list"
like "$RC:$ERR" "^1:error: .*its DN 'C=GB,O=Example,CN=client1' is not on the daemon's tls_allowed_dn_list" \
    "a DN taken off the allow-list is refused"
vm_run "$VIRTMON" -c "$(uri client2)" "list"
like "$RC:$ERR" "^1:error: .*TLS alert 'Certificate is bad'" "the newly revoked certificate is refused"
logged "client certificate refused: .*revoked" "the daemon logs it"
echo "domstate huge1" >&3
wait_for "$VM_TMP/client2.out" "^running$" 10
ok $? "the client connected before SIGHUP is not dropped"
exec 3>&-
wait_pid "$C2" 10
is "$?:$(grep -c '^error' "$VM_TMP/client2.out")" "0:0" "and ends without an error"
is "$(kill -0 "$VD" 2>/dev/null && echo up)" "up" "the daemon is up after SIGHUP"

# a SIGHUP with a broken CRL keeps what it had
echo "not a CRL" > "$SRV/ca/crl.pem"
kill -HUP "$VD"
logged "SIGHUP: .*CRL.*keeping the current CRL and allow-list" "a broken CRL at SIGHUP is logged"
vm_run "$VIRTMON" -c "$(uri client2)" "list"
like "$RC:$ERR" "^1:.*Certificate is bad" "and the last good CRL stays in force"
vm_run "$VIRTMON" -c "$(uri stranger)" "list --name"
like "$RC:$OUT" "^0:test" "and the daemon goes on serving"
crl revoked client2

# a client stalled in its handshake holds nobody up, and goes at the deadline
python3 "$abs_top_srcdir/tests/rpc-client.py" "tcp:127.0.0.1:$PORT" tlsstall > /dev/null 2>&1 &
ST1=$!
python3 -c 'import socket, time; s = socket.create_connection(("127.0.0.1", '"$PORT"')); time.sleep(3600)' &
ST2=$!
VM_PIDS="$VM_PIDS $ST1 $ST2"
vm_run "$VIRTMON" -c "$(uri stranger)" "list --name; dominfo test"
like "$RC:$OUT" "^0:test" "while two clients stall in their TLS handshakes, another is served"
logged "its TLS handshake did not end in time: closing" "the stalled handshakes are dropped at the deadline"
wait_for "$LOG" "its TLS handshake did not end in time.*" 10
is "$(grep -c 'its TLS handshake did not end in time' "$LOG")" 2 "both of them"
kill "$ST1" "$ST2" 2>/dev/null

# SIGTERM: a clean stop
kill -TERM "$VD"
wait_pid "$VD" 20
is "$?" 0 "SIGTERM stops it, exit 0"

# what keeps the listener from starting is said plainly
chmod 644 "$SRV/server/key.pem"
vm_run "$VIRTMOND" -f -c test:///default --runtime-dir "$RUN" --listen "127.0.0.1:$PORT" \
    --pki "$SRV"
like "$RC:$ERR" "^1:.*private key '$SRV/server/key.pem' is readable by others" \
    "a server key readable by others: it does not start"
chmod 600 "$SRV/server/key.pem"
rm "$SRV/server/cert.pem"
vm_run "$VIRTMOND" -f -c test:///default --runtime-dir "$RUN" --listen "127.0.0.1:$PORT" \
    --pki "$SRV"
like "$RC:$ERR" "^1:.*no server certificate \\(server/cert.pem\\)" "no server certificate: it says which file"
vm_run "$VIRTMOND" -f -c test:///default --runtime-dir "$RUN" --listen "127.0.0.1:0x"
like "$RC:$ERR" "^1:.*'127.0.0.1:0x' is not HOST\\[:PORT\\]" "a bad --listen is named"
printf 'tls_allowed_dn_list = [ ]\n' > "$CFG/virtmond.conf"
vm_run "$VIRTMOND" -f -c test:///default --runtime-dir "$RUN"
like "$RC:$ERR" "^1:.*tls_allowed_dn_list is empty" "an empty allow-list is refused, not a lock-out"
printf 'auth_tcp = "kerberos"\n' > "$CFG/virtmond.conf"
vm_run "$VIRTMOND" -f -c test:///default --runtime-dir "$RUN"
like "$RC:$ERR" "^1:.*auth_tcp is \"none\" or \"sasl\", not \"kerberos\"" "an unknown auth_tcp is refused"

done_testing
