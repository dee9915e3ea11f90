#!/bin/sh
# bench/xenapi.sh: the xenapi driver on a simulated pool (tests/xenapi-sim.py
# over TLS on loopback), in one run:
#   1. XML-RPC calls of `list --all` and of one bulk stats refresh, on the
#      pool of 8 VMs and after 1,000 more: the count must not grow;
#   2. one bulk refresh of the 1,008 VMs, CPU time of the client, against
#      libxml2 parsing the same replies captured from the same server (the
#      floor; bench/xa_refresh).  Goal (issue 19): at most 2x.
# Run from the build directory: sh ../bench/xenapi.sh
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(pwd)
runs=${RUNS:-11}
make -s bench/xa_refresh > /dev/null || exit 1
abs_top_srcdir=$top abs_top_builddir=$build
. "$top/tests/lib.sh"
. "$top/tests/pki-lib.sh"
. "$top/tests/xenapi-lib.sh"
xen_sim good
V="$build/cli/virtmon -c $XS_URI"

total_calls() { sim calls | python3 -c 'import json,sys; print(sum(json.load(sys.stdin).values()))'; }
# calls COMMAND...: the calls one CLI run makes, its login and logout aside
calls() {
    c0=$(total_calls)
    $V "$@" > /dev/null || exit 1
    echo $(( $(total_calls) - c0 - 2 ))
}
echo "== 1. calls per operation, 8 VMs and 1,008"
l8=$(calls list --all)
s8=$(calls domstats)
sim vms:1000 POST > /dev/null
l1008=$(calls list --all)
s1008=$(calls domstats)
echo "list --all: $l8 calls for 8 VMs, $l1008 for 1,008"
echo "bulk stats: $s8 calls for 8 VMs, $s1008 for 1,008 (including GET /rrd_updates)"
[ "$l8" = "$l1008" ] && [ "$s8" = "$s1008" ] && echo "constant: yes" || echo "constant: NO"

echo "== 2. one bulk refresh against libxml2 parsing its replies"
# the replies of one refresh, captured from the same server
req() {
    printf '<?xml version="1.0"?><methodCall><methodName>%s</methodName><params>' "$1"
    shift
    for p in "$@"; do printf '<param><value><string>%s</string></value></param>' "$p"; done
    printf '</params></methodCall>'
}
post() { curl -sk -X POST -H 'Content-Type: text/xml' --data-binary "$1" "https://127.0.0.1:$XS_PORT/"; }
S=$(post "$(req session.login_with_password root "$XS_PASSWORD" 2.0 bench)" |
    sed -n 's|.*<string>\(OpaqueRef:[^<]*\)</string>.*|\1|p')
files=""
for cls in VM VM_metrics host host_metrics pool VBD VIF; do
    post "$(req "$cls.get_all_records" "$S")" > "$VM_TMP/$cls.reply"
    files="$files $VM_TMP/$cls.reply"
done
curl -sk "https://127.0.0.1:$XS_PORT/rrd_updates?start=$(( $(date +%s) - 60 ))&cf=AVERAGE&interval=5&host=true&session_id=$S" \
    > "$VM_TMP/rrd.xport"
# shellcheck disable=SC2086
"$build/bench/xa_refresh" "$XS_URI" "$runs" $files "$VM_TMP/rrd.xport"
