#!/bin/sh
# bench/tls.sh: one TLS connection (TCP, handshake with certificate checks,
# one request and its answer, close) through virtmon's client, next to
# gnutls-cli doing the same against the same gnutls-serv: the floor, a
# program built for nothing else.  Prints both medians and the ratio.
# Run from the build directory: sh ../bench/tls.sh
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(pwd)
runs=${RUNS:-21}
. "$top/bench/lib.sh"
make -s bench/tls_echo >/dev/null
# the tests' helpers: a private directory cleaned on exit, the test PKI
abs_top_srcdir=$top abs_top_builddir=$build
. "$top/tests/lib.sh"
. "$top/tests/pki-lib.sh"
tls_serve good
ours() { "$build/bench/tls_echo" 127.0.0.1 "$TLS_PORT" "$PKI/pki"; }
floor() {
    echo ping | gnutls-cli --x509cafile "$PKI/pki/ca/cert.pem" -p "$TLS_PORT" 127.0.0.1 >/dev/null 2>&1
}
ours || { echo "tls_echo failed"; exit 1; }
a=$(median_ms ours)
b=$(median_ms floor)
echo "virtmon TLS client: ${a} ms per connection + request (median of $runs)"
echo "gnutls-cli:         ${b} ms per connection + request (median of $runs)"
awk -v a="$a" -v b="$b" 'BEGIN { printf "ratio virtmon/gnutls-cli: %.2f\n", a / b }'
