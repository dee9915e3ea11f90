# bench/lib.sh: what the benchmark scripts share.  Source it after setting
# runs (how many timed runs a median takes).

# median_ms COMMAND...: the median wall time of $runs runs of COMMAND, in
# ms with a decimal.  The command's exit status is not the point (a
# plugin's is its verdict): callers check its output once before timing.
median_ms() {
    _i=0
    while [ "$_i" -lt "$runs" ]; do
        _s=$(date +%s%N)
        "$@" > /dev/null 2>&1 || :
        _e=$(date +%s%N)
        echo $(( (_e - _s) / 1000 ))
        _i=$((_i + 1))
    done | sort -n | awk '{ a[NR] = $1 } END { printf "%.1f\n", a[int((NR + 1) / 2)] / 1000 }'
}

# bench_tmp: a private directory in tmp, traversable (a session libvirtd
# runs as nobody), with the VIRTMON_* directories under it; on exit the
# processes listed in bench_pids are stopped and it is removed.
bench_tmp() {
    tmp=$(mktemp -d)
    chmod 0755 "$tmp"
    bench_pids=
    trap bench_cleanup EXIT
    export VIRTMON_STATE_DIR="$tmp/state" VIRTMON_CONFIG_DIR="$tmp/config" \
        VIRTMON_RUNTIME_DIR="$tmp/run"
}
bench_cleanup() {
    for _p in $bench_pids; do kill -TERM "$_p" 2>/dev/null || :; done
    wait 2>/dev/null || :
    rm -rf "$tmp"
}

# session_libvirtd DIR: a private libvirtd (tests/libvirtd-lib.sh)
. "$top/tests/libvirtd-lib.sh"
