#!/bin/sh
# virtmond.sh [N] [RUNS]: on an N-domain fixture (default 1,000), `list
# --all` and the bulk stats (`domstats`) through virtmond's UNIX socket,
# against the same commands run locally, and against libvirtd serving the
# same fixture file over its own socket (virsh -c test+unix:///PATH), in
# one run.  libvirtd runs as a session daemon of nobody in a temporary
# directory and is stopped at the end.  Goals: remote <= 1.3 x local,
# <= 0.5 x libvirtd.  Not part of `make check`.  Run as root from the top
# directory after a build: bench/virtmond.sh 1000 7
set -eu
n=${1:-1000}
runs=${2:-7}
top=$(cd "$(dirname "$0")/.." && pwd)
virtmon=${VIRTMON:-$top/build/cli/virtmon}
virtmond=${VIRTMOND:-$top/build/daemon/virtmond}
[ -x "$virtmon" ] && [ -x "$virtmond" ] || { echo "build first" >&2; exit 1; }
command -v libvirtd > /dev/null && command -v virsh > /dev/null ||
    { echo "libvirtd and virsh are needed (libvirt-daemon, libvirt-clients)" >&2; exit 1; }
. "$top/bench/lib.sh"

bench_tmp
sh "$top/tests/gen-testnode.sh" "$n" mixed 100 devices > "$tmp/node.xml"
chmod 0644 "$tmp/node.xml"
local_uri="test://$tmp/node.xml"

"$virtmond" -f -c "$local_uri" --runtime-dir "$tmp/vd" > "$tmp/virtmond.log" 2>&1 &
vd=$!
session_libvirtd "$tmp"
bench_pids="$vd $lv"
remote="test+unix:///?socket=$tmp/vd/virtmond-sock"
lvuri="test+unix://$tmp/node.xml?socket=$lvsock"
end=$(( $(date +%s) + 30 ))
until [ -S "$tmp/vd/virtmond-sock" ] && virsh -c "$lvuri" uri > /dev/null 2>&1; do
    [ "$(date +%s)" -lt "$end" ] || { echo "the daemons did not come up" >&2; exit 1; }
    sleep 0.1
done
# the answers first: a timing of an error means nothing
a=$("$virtmon" -c "$remote" list --all | wc -l)
b=$("$virtmon" -c "$local_uri" list --all | wc -l)
c=$(virsh -c "$lvuri" list --all | wc -l)
[ "$a" = "$b" ] && [ "$a" = "$c" ] || { echo "the lists differ: $a, $b, $c lines" >&2; exit 1; }

echo "virtmond: $n domains, median of $runs runs"
for what in "list --all" "domstats"; do
    r=$(median_ms "$virtmon" -c "$remote" $what)
    l=$(median_ms "$virtmon" -c "$local_uri" $what)
    v=$(median_ms virsh -c "$lvuri" $what)
    awk -v w="$what" -v r="$r" -v l="$l" -v v="$v" 'BEGIN {
        printf "  %-10s remote %8.1f ms  local %8.1f ms  libvirtd %8.1f ms\n", w, r, l, v
        printf "  %-10s remote/local %.2f (goal <= 1.3: %s)  remote/libvirtd %.2f (goal <= 0.5: %s)\n",
            "", r / l, r / l <= 1.3 ? "met" : "NOT met", r / v, r / v <= 0.5 ? "met" : "NOT met"
    }'
done
