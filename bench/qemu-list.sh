#!/bin/sh
# qemu-list.sh [GUESTS] [RUNS]: with GUESTS (default 8) real TCG guests
# running on qemu:///session (private directories), the median wall time of
# `virtmon list --all` and of the bulk stats (`virtmon domstats`), each as a
# ratio to the floor: the same number of raw QMP query-status round trips
# from one process (tests/helpers/qmp_query).  Not part of `make check`.
#
# Run after a build (./quickstart check or make): bench/qemu-list.sh 8 7
set -eu
guests=${1:-8}
runs=${2:-7}
top=$(cd "$(dirname "$0")/.." && pwd)
b=${BUILD:-$top/build}
virtmon="$b/cli/virtmon"
qmpq="$b/tests/helpers/qmp_query"
[ -x "$virtmon" ] && [ -x "$qmpq" ] || { echo "build first (make check builds qmp_query)" >&2; exit 1; }

tmp=$(mktemp -d)
export VIRTMON_CONFIG_DIR="$tmp/c" VIRTMON_RUNTIME_DIR="$tmp/r" VIRTMON_STATE_DIR="$tmp/s"
V="$virtmon -q -c qemu:///session"
cleanup() {
    for p in "$tmp"/r/qemu/*.pid; do [ -f "$p" ] && kill -KILL "$(cat "$p")" 2>/dev/null || :; done
    rm -rf "$tmp"
}
trap cleanup EXIT

i=1
while [ "$i" -le "$guests" ]; do
    printf "<domain type='qemu'><name>b%d</name><memory unit='MiB'>64</memory></domain>" "$i" \
        > "$tmp/b$i.xml"
    $V "define $tmp/b$i.xml; start b$i"
    i=$((i + 1))
done

. "$top/bench/lib.sh"

floor=$(median_ms "$qmpq" query-status "$tmp"/r/qemu/*.qmp)
list=$(median_ms $V list --all)
stats=$(median_ms $V domstats)
[ "$($V list --all | grep -c running)" -eq "$guests" ] || { echo "not all guests run" >&2; exit 1; }
awk -v g="$guests" -v f="$floor" -v l="$list" -v s="$stats" 'BEGIN {
    if (f < 1) f = 1
    printf "%d running guests, median of runs: floor (%d raw query-status round trips) %d ms\n", g, g, f
    printf "  virtmon list --all  %4d ms  ratio %.2f\n", l, l / f
    printf "  virtmon domstats    %4d ms  ratio %.2f\n", s, s / f
}'
