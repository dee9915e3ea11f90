#!/bin/sh
# list-fixture.sh [N] [RUNS]: `virtmon list --all` on an N-domain fixture
# (default 10,000, mixed states, devices) next to `virsh list --all` on the
# same file, in the same run.  Prints the median wall time of each and the
# ratio; the goal is virtmon <= 0.2 x virsh.  Not part of `make check`.
#
# Run from a build directory (default ./build): bench/list-fixture.sh 10000 5
set -eu
n=${1:-10000}
runs=${2:-5}
top=$(cd "$(dirname "$0")/.." && pwd)
virtmon=${VIRTMON:-$top/build/cli/virtmon}
command -v virsh >/dev/null || { echo "virsh is needed (apt-get install libvirt-clients)" >&2; exit 1; }
[ -x "$virtmon" ] || { echo "build first: $virtmon is missing" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sh "$top/tests/gen-testnode.sh" "$n" mixed 100 devices > "$tmp/node.xml"

. "$top/bench/lib.sh"

ours=$(median_ms "$virtmon" -c "test://$tmp/node.xml" list --all)
theirs=$(median_ms virsh -c "test://$tmp/node.xml" list --all)
# the outputs must agree, or the timing means nothing
"$virtmon" -c "test://$tmp/node.xml" list --all > "$tmp/a"
virsh -c "test://$tmp/node.xml" list --all > "$tmp/b"
cmp -s "$tmp/a" "$tmp/b" || { echo "outputs differ: not comparable" >&2; exit 1; }
awk -v n="$n" -v o="$ours" -v t="$theirs" 'BEGIN {
    r = o / t
    printf "list --all, %d domains (median of runs): virtmon %d ms, virsh %d ms, ratio %.3f (goal <= 0.2): %s\n",
        n, o, t, r, r <= 0.2 ? "met" : "NOT met"
}'
