#!/bin/sh
# pki.sh: the TLS client against real TLS servers (gnutls-serv
# on loopback) with certificates the test makes: pki-check's verdicts for a
# good server, another CA, another name, a revoked and an expired
# certificate; pki-trust pins for one HOST:PORT only, and a pinned
# certificate past its dates is refused; a server that never speaks TLS
# fails within the timeout; the client's private key must be private.
. "$abs_top_srcdir/tests/lib.sh"
. "$abs_top_srcdir/tests/pki-lib.sh"
need ss

P="$PKI/pki"
check() { vm_run "$VIRTMON" pki-check --pki "$P" "$@"; }

tls_serve good
good=$TLS_PORT
check "127.0.0.1:$good"
is "$RC" 0 "pki-check of the good server exits 0"
like "$OUT" "^trusted: CA$" "trusted: CA"
like "$OUT" "^Subject: +CN=localhost$" "it shows the subject"
like "$OUT" "^Issuer: +CN=Test CA$" "the issuer"
like "$OUT" "^Valid until: +[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} UTC$" "the validity"
fp=$(certtool --fingerprint --hash sha256 --infile "$PKI/good.crt" 2>/dev/null | tr a-f A-F |
    sed 's/../&:/g; s/:$//')
like "$OUT" "^SHA-256: +$fp$" "and the SHA-256 fingerprint certtool gives"
check "localhost:$good"
like "$OUT" "^trusted: CA$" "by name too (the DNS SAN)"

tls_serve other
other=$TLS_PORT
check "127.0.0.1:$other"
is "$RC" 1 "another CA's certificate: exit 1"
like "$ERR" "^error: the certificate of 127.0.0.1:$other is not trusted: .*issuer is unknown" \
    "and why: the issuer is unknown"
tls_serve name
check "127.0.0.1:$TLS_PORT"
like "$RC:$ERR" "^1:error: .*not trusted: .*name in the certificate does not match" \
    "a certificate for another name: refused, saying so"
tls_serve revoked
check "127.0.0.1:$TLS_PORT"
like "$RC:$ERR" "^1:error: .*not trusted: .*revoked" "a revoked certificate: refused, saying so"
tls_serve expired
expired=$TLS_PORT
check "127.0.0.1:$expired"
like "$RC:$ERR" "^1:error: .*not trusted: .*expired" "an expired certificate: refused, saying so"

# pinning: for that HOST:PORT only, and only within its dates
vm_run "$VIRTMON" pki-trust --pki "$P" --yes "127.0.0.1:$other"
is "$RC" 0 "pki-trust --yes pins the other CA's certificate"
like "$OUT" "^SHA-256: " "showing its fingerprint first"
like "$(cat "$P/server/trusted.pem")" "^# 127.0.0.1:$other$" "trusted.pem marks it for its HOST:PORT"
check "127.0.0.1:$other"
is "$RC" 0 "now pki-check exits 0"
like "$OUT" "^trusted: pinned$" "trusted: pinned"
# the same certificate served on another port is not pinned there
tls_serve other
check "127.0.0.1:$TLS_PORT"
like "$RC:$ERR" "^1:error: .*not trusted" "the same certificate on another port is refused"
vm_run "$VIRTMON" pki-trust --pki "$P" --yes "127.0.0.1:$expired"
check "127.0.0.1:$expired"
like "$RC:$ERR" "^1:error: .*pinned for 127.0.0.1:$expired .* outside its validity dates" \
    "a pinned certificate past its validity is refused"
vm_run "$VIRTMON" pki-trust --pki "$P" "127.0.0.1:$other" < /dev/null
is "$RC" 0 "pki-trust of a trusted server succeeds"
like "$OUT" "^trusted: pinned \(nothing to do\)$" "and changes nothing"

# a client key that others can read is refused
mkdir -p "$P/client"
cp "$PKI/good.crt" "$P/client/cert.pem"
cp "$PKI/good.key" "$P/client/key.pem"
chmod 0644 "$P/client/key.pem"
check "127.0.0.1:$good"
like "$RC:$ERR" "^1:error: private key '$P/client/key.pem' is readable by others \(mode 0644\)" \
    "a private key readable by others is refused"
chmod 0600 "$P/client/key.pem"
check "127.0.0.1:$good"
is "$RC" 0 "with mode 0600 the handshake (presenting it) works"

# a server that takes TCP and never speaks TLS: pki-check gives up in time
"$abs_top_builddir/tests/helpers/silent_server" "$VM_TMP/silent.port" 30 &
VM_PIDS="$VM_PIDS $!"
wait_for "$VM_TMP/silent.port" '^[0-9]+$' 10
start=$(date +%s)
check "127.0.0.1:$(cat "$VM_TMP/silent.port")"
took=$(( $(date +%s) - start ))
like "$RC:$ERR" "^1:error: .*no TLS handshake within 10000 ms" "a silent server: a timeout error"
[ "$took" -le 15 ]
ok $? "within its timeout (${took} s, the timeout is 10 s)"
check "127.0.0.1:1"
like "$RC:$ERR" "^1:error: cannot connect to 127.0.0.1:1: Connection refused" "nothing listening: said"

done_testing
