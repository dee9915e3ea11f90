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

# session_libvirtd DIR: starts libvirtd as a session daemon of nobody with
# its home and runtime dir under DIR (so nothing of it lands in the
# system's directories); its pid in lv, its socket in lvsock.  The caller
# stops it (kill -TERM "$lv").
session_libvirtd() {
    mkdir -p "$1/home" "$1/lrun"
    chown nobody:nogroup "$1/home" "$1/lrun"
    chmod 0700 "$1/lrun"
    setpriv --reuid=nobody --regid=nogroup --clear-groups env -i HOME="$1/home" \
        XDG_RUNTIME_DIR="$1/lrun" XDG_CONFIG_HOME="$1/home/.config" \
        XDG_CACHE_HOME="$1/home/.cache" PATH=/usr/sbin:/usr/bin:/sbin:/bin \
        libvirtd > "$1/libvirtd.log" 2>&1 &
    lv=$!
    lvsock="$1/lrun/libvirt/libvirt-sock"
}
