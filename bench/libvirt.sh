#!/bin/sh
# bench/libvirt.sh: virtmon through the libvirt driver against the tools it
# means to replace, on one 1,000-domain libvirt test fixture, in one run:
#   1. check_virt domains via libvirt: against check_libvirt
#      (monitoring-plugins-contrib), median wall time, with the fixture
#      served by a libvirtd (loaded once, as a host's domains are; its CPU
#      per check counted apart), and in-process on test:///FILE (where
#      libvirt parses the whole fixture again at every open, for both);
#   2. one collector cycle against collectd's virt plugin, both writing to
#      their own rrdcached: CPU per cycle in steady state, daemons counted;
#   3. one scrape of prometheus-libvirt-exporter against one collector
#      cycle: time, and how many domains each side reports;
#   4. the subagent's refresh against the bare virConnectGetAllDomainStats
#      (bench/lv_refresh).
# Goals (issue 18): 1 <= 0.2x, 2 <= 0.1x, 3 <= 0.1x with every domain
# present, 4 <= 1.5x.  Run from the build directory: sh ../bench/libvirt.sh
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(pwd)
runs=${RUNS:-7}
. "$top/bench/lib.sh"
for p in /usr/lib/nagios/plugins/check_libvirt collectd prometheus-libvirt-exporter rrdcached curl; do
    command -v "$p" > /dev/null 2>&1 || {
        echo "bench/libvirt.sh: $p is missing (apt-get install monitoring-plugins-contrib" \
            "libsys-virt-perl libxml-simple-perl collectd-core prometheus-libvirt-exporter" \
            "rrdcached curl)"
        exit 1
    }
done
make -s bench/lv_refresh > /dev/null || exit 1
# the tests' helpers: a private directory, daemons stopped by PID on exit
abs_top_srcdir=$top abs_top_builddir=$build
. "$top/tests/lib.sh"
T=$VM_TMP
sh "$top/tests/gen-testnode.sh" 1000 mixed 0 devices > "$T/node.xml"
U="test://$T/node.xml"
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }   # utime + stime, clock ticks
hz=$(getconf CLK_TCK)

echo "== 1. check_virt domains vs check_libvirt (median of $runs)"
# a session libvirtd (user nobody, its directories under $T) whose
# test:///default holds the fixture: a virsh watching events keeps that
# shared connection (and so the domains) alive between the checks
chmod 0711 "$T"   # nobody walks through to its own directories only
session_libvirtd "$T/lvd"
VM_PIDS="$VM_PIDS $lv"
S="test+unix:///default?socket=$lvsock"
i=0
until [ -S "$lvsock" ] || [ $i -gt 100 ]; do i=$((i + 1)); sleep 0.1; done
[ -S "$lvsock" ] || { echo "libvirtd did not start:"; tail -5 "$T/lvd/libvirtd.log"; exit 1; }
virsh -c "$S" event --loop --all > /dev/null 2>&1 &
VM_PIDS="$VM_PIDS $!"
mkdir -p "$T/doms"
python3 "$top/bench/testnode-to-virsh.py" "$T/node.xml" "$T/doms" > "$T/load.virsh" || exit 1
timeout 600 virsh -c "$S" < "$T/load.virsh" > "$T/load.log" 2>&1 || {
    echo "bench/libvirt.sh: loading the fixture into libvirtd failed:"; tail -5 "$T/load.log"; exit 1
}
# both must see the whole fixture before either is timed
ours=$("$build/nagios/check_virt" --mode=domains -U "libvirt:$S" -t 60)
theirs=$(/usr/lib/nagios/plugins/check_libvirt -H "$S" -l list -t 60)
case "$ours" in *" 1000 in all"*) ;; *) echo "check_virt saw: $ours"; exit 1 ;; esac
case "$theirs" in *"/1000 VMs up"*) ;; *) echo "check_libvirt saw: $theirs" | cut -c1-200; exit 1 ;; esac
# served_ms DAEMON_PID COMMAND...: COMMAND's median wall time, then the
# daemon's CPU per run in ms
served_ms() {
    _d=$1
    shift
    _c0=$(cpu_ticks "$_d")
    _m=$(median_ms "$@")
    _c1=$(cpu_ticks "$_d")
    echo "$_m $(( (_c1 - _c0) * 1000 / hz / runs ))"
}
set -- $(served_ms "$lv" "$build/nagios/check_virt" --mode=domains -U "libvirt:$S" -t 60)
a=$1 a_d=$2
set -- $(served_ms "$lv" /usr/lib/nagios/plugins/check_libvirt -H "$S" -l list -t 60)
b=$1 b_d=$2
echo "served by libvirtd: check_virt ${a} ms (libvirtd's CPU ${a_d} ms a check)," \
    "check_libvirt ${b} ms (libvirtd's CPU ${b_d} ms a check)"
awk -v a="$a" -v b="$b" 'BEGIN { printf "ratio %.2f (goal <= 0.2)\n", a / b }'
kill "$lv"
# in-process: test:///FILE, a private copy of the fixture parsed at each open
a=$(median_ms "$build/nagios/check_virt" --mode=domains -U "libvirt:$U" -t 60)
b=$(median_ms /usr/lib/nagios/plugins/check_libvirt -H "$U" -l list -t 60)
o=$(median_ms virsh -c "$U" uri)
echo "in-process on test:///FILE: check_virt ${a} ms, check_libvirt ${b} ms;" \
    "libvirt's open alone (virsh uri) ${o} ms, which both pay"
awk -v a="$a" -v b="$b" -v o="$o" 'BEGIN {
    printf "ratio %.2f", a / b
    if (b > o)
        printf "; beyond the open: %.0f ms vs %.0f ms, ratio %.2f", a - o, b - o,
            (a > o ? a - o : 0) / (b - o)
    printf "\n"
}'

echo "== 2. collector vs collectd virt plugin, CPU per cycle in steady state"
# each with its own rrdcached (-w $WB -f 2*WB), interval 1 s, daemons
# counted.  rrdcached exists to batch writes: each file is written once per
# write-back period with the values queued since (rrdcached's default
# period is 300 s; WB defaults to 30 to keep the run short).  Steady state:
# every file exists (creating an RRD file per domain is a first cycle's
# work, not a cycle's) and one flush period has passed, so the values
# queued while the files were made are written; then two write-back
# periods are measured, so every file is written as often on both sides.
WB=${WB:-30}
steady() {  # steady PID DAEMON_PID: CPU ms per cycle over 2*WB s, all and PID's own
    sleep $((2 * WB))
    p0=$(cpu_ticks "$1") d0=$(cpu_ticks "$2")
    sleep $((2 * WB))
    p1=$(cpu_ticks "$1") d1=$(cpu_ticks "$2")
    echo $(( (p1 - p0 + d1 - d0) * 1000 / hz / (2 * WB) )) $(( (p1 - p0) * 1000 / hz / (2 * WB) ))
}
nfiles() { find "$1" -name '*.rrd' | wc -l; }
# settled DIR SECONDS: bounded wait until DIR holds RRD files and their
# count stays the same for 3 s
settled() {
    _end=$(( $(date +%s) + $2 )) _last=-1 _same=0
    while [ "$(date +%s)" -lt "$_end" ]; do
        _n=$(nfiles "$1")
        if [ "$_n" -gt 0 ] && [ "$_n" = "$_last" ]; then
            _same=$((_same + 1))
            [ "$_same" -ge 3 ] && return 0
        else
            _same=0
        fi
        _last=$_n
        sleep 1
    done
    echo "bench/libvirt.sh: $1 did not settle within $2 s ($_n files)" >&2
    return 1
}
mkdir -p "$T/r1/rrd" "$T/r2/rrd"
rrdcached -g -B -b "$T/r1/rrd" -p "$T/r1/pid" -l "unix:$T/r1/sock" -w "$WB" -f $((2 * WB)) \
    > /dev/null 2>&1 &
R1=$!
rrdcached -g -B -b "$T/r2/rrd" -p "$T/r2/pid" -l "unix:$T/r2/sock" -w "$WB" -f $((2 * WB)) \
    > /dev/null 2>&1 &
R2=$!
VM_PIDS="$VM_PIDS $R1 $R2"
for r in r1 r2; do
    i=0
    until [ -S "$T/$r/sock" ] || [ $i -gt 100 ]; do i=$((i + 1)); sleep 0.1; done
    [ -S "$T/$r/sock" ] || { echo "rrdcached did not open $T/$r/sock"; exit 1; }
done
"$build/collectors/virtmon-collector" -c "libvirt:$U" -d "$T/r1/rrd" --step 1 -f -v \
    --daemon "unix:$T/r1/sock" > "$T/collector.log" 2>&1 &
C=$!
VM_PIDS="$VM_PIDS $C"
settled "$T/r1/rrd" 600 || exit 1
ours=$(steady "$C" "$R1")
kill "$C"
cat > "$T/collectd.conf" <<EOC
Interval 1
BaseDir "$T/cd"
PIDFile "$T/cd/pid"
PluginDir "/usr/lib/collectd"
LoadPlugin virt
LoadPlugin rrdcached
<Plugin virt>
  Connection "$U"
  RefreshInterval 60
  HostnameFormat name
  BlockDevice "/:vd.*/"
  InterfaceFormat name
</Plugin>
<Plugin rrdcached>
  DaemonAddress "unix:$T/r2/sock"
  DataDir "$T/r2/rrd"
  CreateFiles true
</Plugin>
EOC
mkdir -p "$T/cd"
collectd -f -C "$T/collectd.conf" > "$T/collectd.log" 2>&1 &
D=$!
VM_PIDS="$VM_PIDS $D"
settled "$T/r2/rrd" 600 || exit 1
theirs=$(steady "$D" "$R2")
kill "$D"
set -- $ours $theirs
ours=$1 theirs=$3
echo "virtmon-collector ${ours} ms CPU per cycle (itself $2 ms; $(nfiles "$T/r1/rrd") files)," \
    "collectd ${theirs} ms (itself $4 ms; $(nfiles "$T/r2/rrd") files), each with its rrdcached" \
    "(-w $WB)"
awk -v a="$ours" -v b="$theirs" 'BEGIN { if (b > 0) printf "ratio %.2f (goal <= 0.1)\n", a / b }'

echo "== 3. one prometheus-libvirt-exporter scrape vs one collector cycle"
port=$((16400 + $$ % 100))
prometheus-libvirt-exporter --web.listen-address="127.0.0.1:$port" --libvirt.uri="$U" \
    > "$T/exporter.log" 2>&1 &
E=$!
VM_PIDS="$VM_PIDS $E"
i=0
until curl -s "http://127.0.0.1:$port/" > /dev/null 2>&1 || [ $i -gt 100 ]; do i=$((i + 1)); sleep 0.1; done
for i in $(seq "$runs"); do
    s0=$(date +%s%N)
    curl -s "http://127.0.0.1:$port/metrics" > "$T/metrics"
    s1=$(date +%s%N)
    echo $(( (s1 - s0) / 1000 ))
done | sort -n > "$T/scrapes"
theirs_us=$(sed -n "$(( (runs + 1) / 2 ))p" "$T/scrapes")
theirs_n=$(grep -o 'domain="[^"]*"' "$T/metrics" | sort -u | wc -l)
# a cycle in steady state, as the collector of 2. timed its own cycles
# (-v): the median of those after the files existed
ours_us=$(sed -n 's/.*all written in \([0-9.]*\) s.*/\1/p' "$T/collector.log" | tail -n 8 |
    sort -n | awk '{ v[NR] = $1 } END { if (NR) printf "%d", v[int((NR + 1) / 2)] * 1000000 }')
ours_n=$(find "$T/r1/rrd" -name domain.rrd | wc -l)
echo "exporter scrape $((theirs_us / 1000)) ms (median of $runs), $theirs_n domains;" \
    "collector cycle $((${ours_us:-0} / 1000)) ms, $ours_n domains (of 1000)"
awk -v a="${ours_us:-0}" -v b="$theirs_us" \
    'BEGIN { if (b > 0 && a > 0) printf "ratio %.2f (goal <= 0.1)\n", a / b }'

echo "== 4. subagent refresh vs bare virConnectGetAllDomainStats"
mkdir -p "$T/st"
"$build/bench/lv_refresh" "$U" "$T/st" 21 | tee "$T/refresh"
sed -n 's/^refresh \([0-9.]*\) ms.*floor \([0-9.]*\) ms.*/\1 \2/p' "$T/refresh" |
    awk '{ if ($2 > 0) printf "ratio %.2f (goal <= 1.5)\n", $1 / $2 }'
