#!/bin/sh
# check-virt.sh [N] [RUNS]: the wall time of each check_virt mode on an
# N-domain fixture (default 1,000, mixed states, devices), next to
# `virtmon list --all` on the same file, in the same run.  The cpu mode
# runs with a saved sample (rewritten before each run by a shell builtin,
# since the test driver's counters restart with each process).  Goal: each
# mode <= 1.5 x the list.  Not part of `make check`.
#
# Run from the top directory after a build: bench/check-virt.sh 1000 7
set -eu
n=${1:-1000}
runs=${2:-7}
top=$(cd "$(dirname "$0")/.." && pwd)
virtmon=${VIRTMON:-$top/build/cli/virtmon}
cv=${CHECK_VIRT:-$top/build/nagios/check_virt}
[ -x "$virtmon" ] && [ -x "$cv" ] || { echo "build first: $virtmon or $cv is missing" >&2; exit 1; }
. "$top/bench/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export VIRTMON_STATE_DIR="$tmp/state" VIRTMON_CONFIG_DIR="$tmp/config" VIRTMON_RUNTIME_DIR="$tmp/run"
sh "$top/tests/gen-testnode.sh" "$n" mixed 100 devices > "$tmp/node.xml"
U="test://$tmp/node.xml"
dom=$(printf 'vm-%05d' $(( n / 2 + 1 )))

# the cpu mode's sample: 60 s old, so fresh for the whole run
uuid=$("$virtmon" -c "$U" domuuid "$dom")
id=$("$virtmon" -c "$U" domid "$dom")
"$cv" --mode=cpu -U "$U" -d "$dom" --interval 0.1 > /dev/null || :
sample_file=$(ls "$VIRTMON_STATE_DIR"/check_virt/cpu-*)
sample=$(printf 'check_virt cpu sample 1\nuri %s\nuuid %s\nid %s\ntime_ns %s\ncpu_time_ns 0' \
    "$U" "$uuid" "$id" $(( $(date +%s%N) - 60000000000 )))
cpu_saved() {
    printf '%s\n' "$sample" > "$sample_file"
    "$cv" --mode=cpu -U "$U" -d "$dom" "$@"
}

# each mode's answer first: a timing of an error means nothing
check() {  # check PATTERN COMMAND...
    _p=$1
    shift
    _out=$("$@" 2>&1 | head -n 1) || :
    case "$_out" in
        $_p) ;;
        *) echo "unexpected answer from $*: $_out" >&2; exit 1 ;;
    esac
}
check "VIRT STATE * - $dom is *" "$cv" --mode=state -U "$U" -d "$dom"
check "VIRT DOMAINS OK - * in all |*" "$cv" --mode=domains -U "$U"
check "VIRT MEM OK - $dom has *" "$cv" --mode=mem -U "$U" -d "$dom"
check "VIRT CPU OK - $dom* since the check 60 s ago |*" cpu_saved
check "VIRT NODE OK - *" "$cv" --mode=node -U "$U"

list=$(median_ms "$virtmon" -c "$U" list --all)
report() {  # report MODE MS
    awk -v m="$1" -v t="$2" -v l="$list" 'BEGIN {
        r = t / l
        printf "  %-8s %8.1f ms  %.2f x list  %s\n", m, t, r, r <= 1.5 ? "met" : "NOT met"
    }'
}
echo "check_virt on $n domains (median of $runs runs); virtmon list --all: $list ms; goal <= 1.5 x"
report state "$(median_ms "$cv" --mode=state -U "$U" -d "$dom")"
report domains "$(median_ms "$cv" --mode=domains -U "$U")"
report mem "$(median_ms "$cv" --mode=mem -U "$U" -d "$dom")"
report cpu "$(median_ms cpu_saved)"
report node "$(median_ms "$cv" --mode=node -U "$U")"
