# pki-lib.sh: a test PKI made with certtool, sourced after
# lib.sh: in $PKI, a CA and another CA; server certificates for localhost
# and 127.0.0.1 that are good, from the other CA, for another name,
# revoked (ca/crl.pem lists it) and expired; and $PKI/pki, the client's
# PKI directory (ca/cert.pem, ca/crl.pem).  pki_client makes client
# certificates.  tls_serve NAME starts
# gnutls-serv with NAME's certificate on a free port: TLS_PORT.
need certtool gnutls-serv

PKI="$VM_TMP/pki-gen"
mkdir -p "$PKI/pki/ca" "$PKI/pki/server"
(
    cd "$PKI" || exit 99
    t() { printf '%s\n' "$@"; }
    srv() { t "cn = \"$1\"" "dns_name = \"$1\"" "ip_address = \"$2\"" tls_www_server signing_key \
        encryption_key "$3"; }
    t 'cn = "Test CA"' ca cert_signing_key crl_signing_key 'expiration_days = 30' > ca.tmpl
    t 'cn = "Other CA"' ca cert_signing_key crl_signing_key 'expiration_days = 30' > ca2.tmpl
    srv localhost 127.0.0.1 'expiration_days = 30' > good.tmpl
    cp good.tmpl other.tmpl
    cp good.tmpl revoked.tmpl
    srv example.com 192.0.2.1 'expiration_days = 30' > name.tmpl
    srv localhost 127.0.0.1 'activation_date = "2020-01-01 00:00:00 UTC"' > expired.tmpl
    echo 'expiration_date = "2020-06-01 00:00:00 UTC"' >> expired.tmpl
    t 'crl_next_update = 30' 'crl_number = 1' > crl.tmpl
    for c in ca ca2; do
        certtool --generate-privkey --key-type=ecdsa --outfile $c.key 2>/dev/null &&
            certtool --generate-self-signed --load-privkey $c.key --template $c.tmpl \
                --outfile $c.crt 2>/dev/null || exit 99
    done
    for n in good other name revoked expired; do
        ca=ca
        [ $n = other ] && ca=ca2
        certtool --generate-privkey --key-type=ecdsa --outfile $n.key 2>/dev/null &&
            certtool --generate-certificate --load-privkey $n.key --load-ca-certificate $ca.crt \
                --load-ca-privkey $ca.key --template $n.tmpl --outfile $n.crt 2>/dev/null ||
            exit 99
    done
    certtool --generate-crl --load-ca-privkey ca.key --load-ca-certificate ca.crt \
        --load-certificate revoked.crt --template crl.tmpl --outfile crl.pem 2>/dev/null || exit 99
    cp ca.crt pki/ca/cert.pem && cp crl.pem pki/ca/crl.pem
) || { echo "Bail out! certtool could not make the test PKI"; exit 99; }

# pki_client NAME CN CA: a client certificate (O=Example, C=GB) from CA
# (ca, or ca2: another), and $VM_TMP/c-NAME, a client PKI directory with
# it and the CA.
pki_client() {
    printf 'cn = "%s"\norganization = "Example"\ncountry = GB\ntls_www_client\nsigning_key\nexpiration_days = 30\n' \
        "$2" > "$PKI/$1.tmpl"
    certtool --generate-privkey --key-type=ecdsa --outfile "$PKI/$1.key" 2>/dev/null &&
        certtool --generate-certificate --load-privkey "$PKI/$1.key" \
            --load-ca-certificate "$PKI/$3.crt" --load-ca-privkey "$PKI/$3.key" \
            --template "$PKI/$1.tmpl" --outfile "$PKI/$1.crt" 2>/dev/null ||
        { echo "Bail out! certtool could not make $1's certificate"; exit 99; }
    mkdir -p "$VM_TMP/c-$1/ca" "$VM_TMP/c-$1/client"
    cp "$PKI/ca.crt" "$VM_TMP/c-$1/ca/cert.pem"
    cp "$PKI/$1.crt" "$VM_TMP/c-$1/client/cert.pem"
    cp "$PKI/$1.key" "$VM_TMP/c-$1/client/key.pem"
    chmod 600 "$VM_TMP/c-$1/client/key.pem"
}
# tls_serve NAME: gnutls-serv (echo mode) with NAME's certificate; TLS_PORT
# and its pid in TLS_PID.  gnutls-serv has no bind address option: it
# listens on every interface, for the test's few seconds.
tls_serve() {
    TLS_NAME=$1
    on_free_port 17 "$VM_TMP/serv-$1.log" launch_tls_serve listening || {
        echo "Bail out! gnutls-serv does not start"
        exit 99
    }
    TLS_PORT=$FREE_PORT TLS_PID=$FREE_PID
}
launch_tls_serve() {
    gnutls-serv --echo -p "$1" --x509certfile "$PKI/$TLS_NAME.crt" \
        --x509keyfile "$PKI/$TLS_NAME.key" > "$VM_TMP/serv-$TLS_NAME.log" 2>&1 &
}
