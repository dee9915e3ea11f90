# rrd-lib.sh: what the RRD tests share, sourced after lib.sh: the tools,
# readers of RRD files, rrdcached, and waiting for the clock.

need rrdtool rrdcached
# under ASan: librrd's graph code keeps font caches for the process's life
export LSAN_OPTIONS="suppressions=$abs_top_srcdir/tests/lsan-rrd.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
COLLECTOR="$abs_top_builddir/collectors/virtmon-collector"
GRAPH="$abs_top_builddir/collectors/virtmon-graph"

# uuid_of I: the generated fixture's UUID of domain I (gen-testnode.sh)
uuid_of() { printf '%08x-0000-4000-8000-%012x' "$1" "$1"; }

# ds_of FILE: "name TYPE heartbeat min" per data source, in order
ds_of() {
    rrdtool info "$1" | awk -F' = ' '
        /^ds\[.*\]\.index/ { split($1, a, /[][]/); name[$2] = a[2]; n++ }
        /^ds\[.*\]\.type/ { split($1, a, /[][]/); type[a[2]] = $2 }
        /^ds\[.*\]\.minimal_heartbeat/ { split($1, a, /[][]/); hb[a[2]] = $2 }
        /^ds\[.*\]\.min / { split($1, a, /[][]/); mn[a[2]] = $2 }
        END { for (i = 0; i < n; i++) { d = name[i]; gsub(/"/, "", type[d]); print d, type[d], hb[d], mn[d] } }'
}

# rras_of FILE: "CF pdp_per_row rows" per archive
rras_of() {
    rrdtool info "$1" | awk -F' = ' '
        /^rra\[[0-9]+\]\.cf/ { split($1, a, /[][]/); cf[a[2]] = $2; n++ }
        /^rra\[[0-9]+\]\.rows/ { split($1, a, /[][]/); rows[a[2]] = $2 }
        /^rra\[[0-9]+\]\.pdp_per_row/ { split($1, a, /[][]/); pdp[a[2]] = $2 }
        END { for (i = 0; i < n; i++) { c = cf[i]; gsub(/"/, "", c); print c, pdp[i], rows[i] } }'
}

# last FILE DS [rrdtool options]: the value last written to DS ("U" when unknown)
last() {
    _f=$1 _d=$2
    shift 2
    rrdtool lastupdate "$@" "$_f" | awk -v d="$_d" '
        NR == 1 { for (i = 1; i <= NF; i++) if ($i == d) col = i }
        /^[0-9]+:/ { print $(col + 1) }'
}

# last_time FILE [rrdtool options]: the time of the last update
last_time() {
    _f=$1
    shift
    rrdtool lastupdate "$@" "$_f" | sed -n 's/^\([0-9]*\):.*/\1/p'
}

# next_second: returns once the wall clock has moved to a new second, so
# that two --once runs never write the same second (RRD refuses that)
next_second() {
    _s=$(date +%s)
    while [ "$(date +%s)" = "$_s" ]; do sleep 0.05; done
}

# rrdcached_start DIR: a private rrdcached for DIR/rrd on a UNIX socket;
# sets RRDCACHED_SOCK and RRDCACHED_PID
rrdcached_start() {
    mkdir -p "$1/rrd"
    RRDCACHED_SOCK="$1/rrdcached.sock"
    rrdcached -g -B -R -b "$1/rrd" -p "$1/rrdcached.pid" -l "unix:$RRDCACHED_SOCK" \
        > "$1/rrdcached.log" 2>&1 &
    RRDCACHED_PID=$!
    VM_PIDS="$VM_PIDS $RRDCACHED_PID"
    _end=$(( $(date +%s) + 10 ))
    while [ ! -S "$RRDCACHED_SOCK" ]; do
        if [ "$(date +%s)" -ge "$_end" ] || ! kill -0 "$RRDCACHED_PID" 2>/dev/null; then
            echo "Bail out! rrdcached does not start: $(cat "$1/rrdcached.log")"
            exit 99
        fi
        sleep 0.05
    done
}

# is_png FILE: a non-empty file that starts with the PNG signature
is_png() {
    [ -s "$1" ] && [ "$(od -An -tx1 -N8 "$1" | tr -d ' \n')" = 89504e470d0a1a0a ]
}
