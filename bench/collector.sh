#!/bin/sh
# collector.sh [N] [CYCLES]: one virtmon-collector cycle on an N-domain
# fixture with devices (default 1,000: 3,001 RRD files), written directly
# and through rrdcached, next to the floors measured in the same run: the
# bulk stats call alone and one raw rrdcached BATCH of the same updates
# (bench/rrd_floor).  Cycle figures are medians over CYCLES steady cycles
# (default 4; the first, which creates the files, is left out).  Goal:
# through rrdcached <= 2 x (bulk call + BATCH).  Not part of `make check`.
#
# Run from the top directory after a build: bench/collector.sh 1000 4
set -eu
n=${1:-1000}
cycles=${2:-4}
top=$(cd "$(dirname "$0")/.." && pwd)
b=${BUILD:-$top/build}
make -s -C "$b" bench/rrd_floor collectors/virtmon-collector > /dev/null
col="$b/collectors/virtmon-collector"
floor="$b/bench/rrd_floor"
command -v rrdcached > /dev/null || { echo "rrdcached is needed (apt-get install rrdcached)" >&2; exit 1; }

tmp=$(mktemp -d)
pids=""
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null || :; done
    rm -rf "$tmp"
}
trap cleanup EXIT
sh "$top/tests/gen-testnode.sh" "$n" uniform 0 devices > "$tmp/node.xml"
U="test://$tmp/node.xml"
step=$(( n / 250 + 2 ))     # room for a direct cycle

# run_cycles NAME ARGS...: the collector in the foreground until CYCLES+1
# cycles are logged; prints "WALL CPU" medians of the steady ones
run_cycles() {
    name=$1
    shift
    "$col" -c "$U" --step "$step" -f -v "$@" 2> "$tmp/$name.log" &
    pid=$!
    pids="$pids $pid"
    end=$(( $(date +%s) + (cycles + 3) * step + 60 ))
    while [ "$(grep -c ': all written in' "$tmp/$name.log")" -le "$cycles" ]; do
        [ "$(date +%s)" -lt "$end" ] || { echo "$name: cycles did not complete" >&2; cat "$tmp/$name.log" >&2; exit 1; }
        sleep 0.2
    done
    kill "$pid"
    wait "$pid" || :
    grep ': all written in' "$tmp/$name.log" | tail -n "$cycles" |
        sed 's/.* in \([0-9.]*\) s, \([0-9.]*\) s CPU/\1 \2/' | sort -n |
        awk '{ w[NR] = $1 * 1000; c[NR] = $2 * 1000 } END { m = int((NR + 1) / 2); printf "%.1f %.1f\n", w[m], c[m] }'
}

direct=$(run_cycles direct -d "$tmp/direct")
mkdir -p "$tmp/rc/rrd"
rrdcached -g -B -R -b "$tmp/rc/rrd" -p "$tmp/rc/pid" -l "unix:$tmp/rc/sock" -w 3600 -z 1 \
    > "$tmp/rc/log" 2>&1 &
pids="$pids $!"
while [ ! -S "$tmp/rc/sock" ]; do sleep 0.05; done
cached=$(run_cycles cached -d "$tmp/rc/rrd/h" --daemon "unix:$tmp/rc/sock")

# the floors, three times, at times after the collector's last update
t=$(( $(date +%s) + 10 ))
for i in 1 2 3; do
    "$floor" "$U" "$tmp/rc/rrd/h" "$tmp/rc/sock" $((t + i))
done > "$tmp/floor"
floor_line=$(sort -k2 -n "$tmp/floor" | sed -n 2p)
bulk=$(echo "$floor_line" | awk '{ print $2 }')
batch=$(echo "$floor_line" | awk '{ print $4 }')
updates=$(echo "$floor_line" | awk '{ print $6 }')

echo "virtmon-collector, $n domains with devices ($updates files), median of $cycles steady cycles:"
echo "$direct" | awk '{ printf "  direct:          %8.1f ms wall %8.1f ms CPU\n", $1, $2 }'
echo "$cached" | awk '{ printf "  via rrdcached:   %8.1f ms wall %8.1f ms CPU\n", $1, $2 }'
awk -v b="$bulk" -v t="$batch" -v c="$(echo "$cached" | cut -d' ' -f1)" 'BEGIN {
    f = b + t
    printf "  floor: bulk stats call %.1f ms + raw BATCH %.1f ms = %.1f ms\n", b, t, f
    printf "  via rrdcached / floor: %.2f (goal <= 2): %s\n", c / f, c / f <= 2 ? "met" : "NOT met"
}'
