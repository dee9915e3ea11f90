# xenapi-lib.sh: the XenAPI simulator (tests/xenapi-sim.py) over TLS on
# loopback with the test PKI's certificates, sourced after lib.sh and
# pki-lib.sh.  xen_sim NAME [PASSWORD] starts one serving NAME's
# certificate: XS_PORT, XS_PID, XS_URI (with the client PKI) and an
# auth.conf (0600) holding root's password for 127.0.0.1.
need python3 curl

XS_PASSWORD=xen-secret
export VIRTMON_AUTH_FILE="$VM_TMP/xen-auth.conf"
printf '[credentials-xen]\nusername=root\npassword=%s\n[auth-xenapi-127.0.0.1]\ncredentials=xen\n' \
    "$XS_PASSWORD" > "$VIRTMON_AUTH_FILE"
chmod 600 "$VIRTMON_AUTH_FILE"

xen_sim() {
    XS_NAME=$1 XS_PW=${2:-$XS_PASSWORD}
    on_free_port 23 "$VM_TMP/sim-$1.log" launch_xen_sim listening || {
        echo "Bail out! the XenAPI simulator does not start: $(cat "$VM_TMP/sim-$1.log")"
        exit 99
    }
    XS_PORT=$FREE_PORT XS_PID=$FREE_PID
    XS_URI="xenapi://127.0.0.1:$XS_PORT/?pki=$PKI/pki"
}
launch_xen_sim() {
    python3 "$abs_top_srcdir/tests/xenapi-sim.py" "$1" "$PKI/$XS_NAME.crt" "$PKI/$XS_NAME.key" \
        "$XS_PW" > "$VM_TMP/sim-$XS_NAME.log" 2>&1 &
}

# sim PATH [POST]: the simulator's test controls (no session, loopback; -k:
# the tests also serve certificates the client must refuse)
sim() {
    if [ "${2:-}" = POST ]; then
        curl -sk --max-time 5 -X POST "https://127.0.0.1:$XS_PORT/_sim/$1"
    else
        curl -sk --max-time 5 "https://127.0.0.1:$XS_PORT/_sim/$1"
    fi
}

# sim_vm NAME FIELD: a field of the simulator's record of VM NAME
sim_vm() {
    sim state | python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]][sys.argv[2]])' \
        "$1" "$2"
}
