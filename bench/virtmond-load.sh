#!/bin/sh
# virtmond-load.sh [CLIENTS] [ROUNDS] [N]: CLIENTS clients (default 50)
# each ROUNDS times (default 100) listing the domains, getting one
# domain's info and the bulk stats of all, over virtmond's UNIX socket
# while one client stalls half way through a message and one sends
# garbage all along; then the same load on libvirtd serving the same
# N-domain fixture (default 200) over its socket, in the same run
# (tests/helpers/vd_load drives both).  Prints requests, errors, p50/p99
# latency for each, and virtmond's RSS after a warm-up round (the same
# load once over) and after the load, each after a quiet second.  Goals: errors 0; virtmond's p99 <= 0.5 x libvirtd's; RSS after the
# load within 5 % of after the warm-up.  Not part of `make check` (its
# bounded cousin is tests/integration/virtmond-load.sh).  Run as root
# from the top directory after `make check` (which builds vd_load):
#   bench/virtmond-load.sh 50 100
set -eu
clients=${1:-50}
rounds=${2:-100}
n=${3:-200}
top=$(cd "$(dirname "$0")/.." && pwd)
virtmond=${VIRTMOND:-$top/build/daemon/virtmond}
load=${VD_LOAD:-$top/build/tests/helpers/vd_load}
[ -x "$virtmond" ] && [ -x "$load" ] || { echo "build first (make check builds vd_load)" >&2; exit 1; }
command -v libvirtd > /dev/null || { echo "libvirtd is needed (libvirt-daemon)" >&2; exit 1; }
. "$top/bench/lib.sh"

bench_tmp
sh "$top/tests/gen-testnode.sh" "$n" mixed 20 devices > "$tmp/node.xml"
chmod 0644 "$tmp/node.xml"

"$virtmond" -f -c "test://$tmp/node.xml" --runtime-dir "$tmp/vd" > "$tmp/virtmond.log" 2>&1 &
vd=$!
session_libvirtd "$tmp"
bench_pids="$vd $lv"
sock="$tmp/vd/virtmond-sock"
remote="test+unix:///?socket=$sock"
lvuri="test+unix://$tmp/node.xml?socket=$lvsock"
end=$(( $(date +%s) + 30 ))
until [ -S "$sock" ] && [ -S "$lvsock" ]; do
    [ "$(date +%s)" -lt "$end" ] || { echo "the daemons did not come up" >&2; exit 1; }
    sleep 0.1
done
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$vd/status"; }

# the misbehaving clients from the start: the warm-up is the same load
# once over; RSS once the daemon has had a quiet second (it trims then)
python3 "$top/tests/rpc-client.py" "$sock" stall > /dev/null 2>&1 &
stall=$!
python3 "$top/tests/rpc-client.py" "$sock" garbageloop > /dev/null 2>&1 &
garbage=$!
bench_pids="$bench_pids $stall $garbage"
"$load" virtmon "$remote" "$clients" "$rounds" > /dev/null
sleep 2
warm=$(rss)
v=$("$load" virtmon "$remote" "$clients" "$rounds") || { echo "virtmond: $v" >&2; exit 1; }
sleep 2
after=$(rss)
kill "$garbage" "$stall" 2>/dev/null || :
l=$("$load" libvirt "$lvuri" "$clients" "$rounds") || { echo "libvirtd: $l" >&2; exit 1; }

echo "virtmond load: $clients clients x $rounds rounds (list, info, bulk stats) on $n domains"
echo "  virtmond (a client stalled, garbage sent): $v"
echo "  libvirtd:                                  $l"
printf '%s\n%s\n' "$v" "$l" | awk -v warm="$warm" -v after="$after" '
    { for (i = 1; i <= NF; i++) { split($i, kv, "="); f[NR, kv[1]] = kv[2] } }
    END {
        r = f[1, "p99_ms"] / f[2, "p99_ms"]
        g = (after - warm) * 100 / warm
        printf "  errors: virtmond %d, libvirtd %d (goal 0: %s)\n", f[1, "errors"], f[2, "errors"],
            f[1, "errors"] + f[2, "errors"] == 0 ? "met" : "NOT met"
        printf "  p99: virtmond/libvirtd %.2f (goal <= 0.5: %s)\n", r, r <= 0.5 ? "met" : "NOT met"
        printf "  virtmond RSS: %d KiB after the warm-up, %d KiB after the load, %+.1f %% (goal within 5 %%: %s)\n",
            warm, after, g, (g <= 5 && g >= -5) ? "met" : "NOT met"
    }'
