#!/bin/sh
# agentx.sh [DOMAINS]: virtmon-agentx on a DOMAINS-domain fixture (default
# 1,000, mixed states, a disk and a NIC each, 64 host CPUs), in one run:
#  - a bulk walk of vmTable through AgentX, per value, next to the AgentX
#    floor: bench/agentx_floor serving a static tdata table of the same size;
#  - the snapshot rebuild per row, next to inserting rows into a bare tdata
#    table (the floor);
#  - the subagent's RSS at DOMAINS domains minus its RSS on an empty
#    fixture, per domain.
# Goals: <= 1.2x the AgentX floor per value, rebuild <= 2x its floor,
# <= 16 KiB per domain.  Not part of `make check`.  Run after a build.
set -eu
n=${1:-1000}
top=$(cd "$(dirname "$0")/.." && pwd)
b=${BUILD:-$top/build}
make -s -C "$b" bench/agentx_floor agentx/virtmon-agentx >/dev/null
agent="$b/agentx/virtmon-agentx"
floor="$b/bench/agentx_floor"
tmp=$(mktemp -d)
port=$((16400 + $$ % 100))
pids=""
cleanup() { for p in $pids; do kill "$p" 2>/dev/null || :; done; rm -rf "$tmp"; }
trap cleanup EXIT

sh "$top/tests/gen-testnode.sh" "$n" mixed 100 devices > "$tmp/node.xml"
printf '<node><cpu><active>64</active></cpu></node>\n' > "$tmp/empty.xml"
mkdir -p "$tmp/persist"
printf 'master agentx\nagentXSocket unix:%s/ax.sock\nrocommunity public 127.0.0.1\n' "$tmp" \
    > "$tmp/snmpd.conf"
SNMP_PERSISTENT_DIR="$tmp/persist" MIBS= snmpd -f -Lo -C -c "$tmp/snmpd.conf" \
    "udp:127.0.0.1:$port" > "$tmp/snmpd.log" 2>&1 &
pids="$pids $!"
sleep 1

walk_ns_per_value() {  # OID: ns per value of a bulk walk (best of 3)
    best=0
    for i in 1 2 3; do
        s=$(date +%s%N)
        count=$(MIBS= snmpbulkwalk -v2c -c public -Cr50 -Oqn "127.0.0.1:$port" "$1" | wc -l)
        e=$(date +%s%N)
        v=$(( (e - s) / count ))
        [ "$best" -eq 0 ] || [ "$v" -lt "$best" ] && best=$v
    done
    echo "$best $count"
}
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
wait_rows() {  # wait until the agent's log says the snapshot is in
    for i in $(seq 1 300); do grep -q 'virtmon:install: [0-9]* rows in' "$1" 2>/dev/null && return 0; sleep 0.1; done
    echo "the subagent did not install a snapshot" >&2; exit 1
}

# the subagent on the fixture, without debugging (it slows every request)
wait_number() {  # wait until vmNumber.0 answers $1
    for i in $(seq 1 300); do
        [ "$(MIBS= snmpget -v2c -c public -Oqv "127.0.0.1:$port" .1.3.6.1.2.1.236.1.2.0 2>/dev/null)" = "$1" ] && return 0
        sleep 0.1
    done
    echo "the subagent did not serve $1 domains" >&2; exit 1
}
VIRTMON_STATE_DIR="$tmp/state" VIRTMON_CONFIG_DIR="$tmp/cfg" "$agent" -f -x "$tmp/ax.sock" \
    -c "test://$tmp/node.xml" -i 3600 --state-dir "$tmp/state" > "$tmp/agent.log" 2>&1 &
apid=$!
pids="$pids $apid"
wait_number "$n"
set -- $(walk_ns_per_value .1.3.6.1.2.1.236.1.4)
ours=$1 values=$2
rss_full=$(rss_kib "$apid")
kill "$apid"; wait "$apid" 2>/dev/null || true

# the rebuild time, from a run with the install timing on (-Dvirtmon:install)
VIRTMON_STATE_DIR="$tmp/state" VIRTMON_CONFIG_DIR="$tmp/cfg" "$agent" -f -x "$tmp/none.sock" \
    -c "test://$tmp/node.xml" -i 3600 --state-dir "$tmp/state" -Dvirtmon:install \
    > "$tmp/agent-d.log" 2>&1 &
dpid=$!
pids="$pids $dpid"
wait_rows "$tmp/agent-d.log"
rows_ns=$(sed -n 's/.*virtmon:install: \([0-9]*\) rows in \([0-9]*\) ns.*/\1 \2/p' "$tmp/agent-d.log" | head -n 1)
kill "$dpid"

# the floor subagent with a table of the same shape (16 columns)
rows=$((values / 16))
"$floor" serve "$tmp/ax.sock" "$rows" 16 > "$tmp/floor.log" 2>&1 &
fpid=$!
pids="$pids $fpid"
sleep 1
set -- $(walk_ns_per_value .1.3.6.1.4.1.8072.9999.9999.237.1)
floor_ns=$1
kill "$fpid"

# RSS on an empty fixture
VIRTMON_STATE_DIR="$tmp/state2" VIRTMON_CONFIG_DIR="$tmp/cfg" "$agent" -f -x "$tmp/ax.sock" \
    -c "test://$tmp/empty.xml" -i 3600 --state-dir "$tmp/state2" > "$tmp/agent2.log" 2>&1 &
epid=$!
pids="$pids $epid"
wait_number 0
rss_empty=$(rss_kib "$epid")
kill "$epid"

set -- $rows_ns
install_rows=$1 install_ns=$2
insert_ns=$("$floor" insert "$install_rows")
awk -v n="$n" -v v="$values" -v o="$ours" -v f="$floor_ns" -v r="$install_rows" \
    -v ins="$install_ns" -v fl="$insert_ns" -v full="$rss_full" -v empty="$rss_empty" 'BEGIN {
    per_row = ins / r
    printf "%d domains; vmTable bulk walk through AgentX: %d values\n", n, v
    printf "  per value: virtmon-agentx %d ns, floor %d ns, ratio %.2f (goal <= 1.2)\n", o, f, o / f
    printf "  rebuild: %d rows, %.0f ns/row; bare tdata insert %d ns/row; ratio %.2f (goal <= 2)\n",
        r, per_row, fl, per_row / fl
    printf "  RSS: %d KiB with %d domains, %d KiB empty: %.1f KiB per domain (goal <= 16)\n",
        full, n, empty, (full - empty) / n
}'
