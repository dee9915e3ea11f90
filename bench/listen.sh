#!/bin/sh
# listen.sh [DOMAINS]: what --listen buys, in one run on a DOMAINS-domain
# fixture (default 1,000, mixed states, a disk and a NIC each): a bulk walk
# of vmTable, per value,
#  - through snmpd's AgentX master (virtmon-agentx -x),
#  - from virtmon-agentx --listen (its own master),
#  - and the floor: snmpd walking a native table of 10,000 rows (the
#    nsExtendOutLine rows of an `extend` printing 10,000 lines; Debian's
#    snmpd 5.9.3 crashes above about 11,000).
# Goal: --listen <= 1.5x the native floor per value.  Not part of `make
# check`.  Run after a build.
set -eu
n=${1:-1000}
top=$(cd "$(dirname "$0")/.." && pwd)
b=${BUILD:-$top/build}
make -s -C "$b" agentx/virtmon-agentx >/dev/null
agent="$b/agentx/virtmon-agentx"
tmp=$(mktemp -d)
port=$((16400 + $$ % 100))
lport=$((16400 + ($$ + 50) % 100))
pids=""
cleanup() { for p in $pids; do kill "$p" 2>/dev/null || :; done; rm -rf "$tmp"; }
trap cleanup EXIT

sh "$top/tests/gen-testnode.sh" "$n" mixed 100 devices > "$tmp/node.xml"
mkdir -p "$tmp/persist"
cat > "$tmp/snmpd.conf" <<EOC
master agentx
agentXSocket unix:$tmp/ax.sock
rocommunity public 127.0.0.1
extend big /usr/bin/seq 1 10000
EOC
SNMP_PERSISTENT_DIR="$tmp/persist" MIBS= snmpd -f -Lo -C -c "$tmp/snmpd.conf" \
    "udp:127.0.0.1:$port" > "$tmp/snmpd.log" 2>&1 &
pids="$pids $!"
echo 'rocommunity public 127.0.0.1' > "$tmp/agent.conf"

walk_ns_per_value() {  # PORT OID: ns per value of a bulk walk (best of 3)
    best=0
    for i in 1 2 3; do
        s=$(date +%s%N)
        count=$(MIBS= snmpbulkwalk -v2c -c public -t 10 -Cr50 -Oqn "127.0.0.1:$1" "$2" | wc -l)
        e=$(date +%s%N)
        v=$(( (e - s) / count ))
        [ "$best" -eq 0 ] || [ "$v" -lt "$best" ] && best=$v
    done
    echo "$best $count"
}
wait_number() {  # PORT N: wait until vmNumber.0 answers N
    for i in $(seq 1 300); do
        [ "$(MIBS= snmpget -v2c -c public -Oqv "127.0.0.1:$1" .1.3.6.1.2.1.236.1.2.0 2>/dev/null)" = "$2" ] && return 0
        sleep 0.1
    done
    echo "virtmon-agentx did not serve $2 domains on port $1" >&2; exit 1
}
run_agent() {  # ARGS...: the agent on the fixture; its pid in apid
    VIRTMON_STATE_DIR="$tmp/state" VIRTMON_CONFIG_DIR="$tmp/cfg" "$agent" -f \
        -c "test://$tmp/node.xml" -i 3600 --state-dir "$tmp/state" "$@" > "$tmp/agent.log" 2>&1 &
    apid=$!
    pids="$pids $apid"
}

run_agent -x "$tmp/ax.sock"
wait_number "$port" "$n"
set -- $(walk_ns_per_value "$port" .1.3.6.1.2.1.236.1.4)
agentx_ns=$1 values=$2
kill "$apid"; wait "$apid" 2>/dev/null || true

run_agent --listen "udp:127.0.0.1:$lport" --config "$tmp/agent.conf"
wait_number "$lport" "$n"
set -- $(walk_ns_per_value "$lport" .1.3.6.1.2.1.236.1.4)
listen_ns=$1
kill "$apid"; wait "$apid" 2>/dev/null || true

# NET-SNMP-EXTEND-MIB::nsExtendOutLine."big": index "big" is 3.98.105.103
big=.1.3.6.1.4.1.8072.1.3.2.4.1.2.3.98.105.103
MIBS= snmpbulkwalk -v2c -c public -t 10 -Cr50 -Oqn "127.0.0.1:$port" "$big" > /dev/null  # runs it once
set -- $(walk_ns_per_value "$port" "$big")
native_ns=$1 native_values=$2
[ "$native_values" -ge 10000 ] || { echo "the native table has $native_values rows, not 10000" >&2; exit 1; }

awk -v n="$n" -v v="$values" -v a="$agentx_ns" -v l="$listen_ns" -v f="$native_ns" \
    -v nv="$native_values" 'BEGIN {
    printf "%d domains; bulk walk of vmTable (%d values), per value:\n", n, v
    printf "  through snmpd + AgentX: %d ns (%.2fx the native floor)\n", a, a / f
    printf "  virtmon-agentx --listen: %d ns (%.2fx the native floor; goal <= 1.5)\n", l, l / f
    printf "  native floor: snmpd walking %d nsExtendOutLine rows: %d ns\n", nv, f
    printf "  --listen is %.1fx faster than AgentX\n", a / l
}'
