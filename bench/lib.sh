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
