#!/bin/sh
# check-virt.sh: check_virt's -t deadline holds while the driver call does
# not return: a QEMU domain whose lock another process holds (flock(1))
# keeps the driver waiting, a real hang with no test hook in the library.
# A FIFO as the fixture, which once hung, is refused at once.  Then the cpu
# mode's samples: kept per URI and UUID, used when fresh, ignored when stale
# or damaged.
. "$abs_top_srcdir/tests/lib.sh"
need flock

CHECK_VIRT="$abs_top_builddir/nagios/check_virt"
printf "<domain type='qemu'><name>held</name><memory>65536</memory></domain>" > "$VM_TMP/held.xml"
"$VIRTMON" -c qemu:///session define "$VM_TMP/held.xml" > /dev/null || exit 99
flock "$VIRTMON_RUNTIME_DIR/qemu/held.lock" sleep 60 &
VM_PIDS="$VM_PIDS $!"
# until flock holds it (a bounded wait)
i=0
while flock -n "$VIRTMON_RUNTIME_DIR/qemu/held.lock" true; do
    i=$((i + 1)); [ $i -gt 100 ] && break; sleep 0.05
done

start=$(date +%s%N)
vm_run "$CHECK_VIRT" --mode=state -t 2 -U qemu:///session -d held
ms=$(( ($(date +%s%N) - start) / 1000000 ))
is "$OUT" "VIRT STATE UNKNOWN - no answer within 2 s" "-t 2: the timeout line"
is "$RC" 3 "UNKNOWN (3) by default"
[ "$ms" -ge 1900 ] && [ "$ms" -le 3000 ]
ok $? "within -t and 1 s more (${ms} ms)"

vm_run "$CHECK_VIRT" --mode=domains -t 1:critical -U qemu:///session
is "$OUT" "VIRT DOMAINS CRITICAL - no answer within 1 s" "-t 1:critical: the state given"
is "$RC" 2 "exit 2"

mkfifo "$VM_TMP/fifo.xml" || exit 99
start=$(date +%s%N)
vm_run "$CHECK_VIRT" --mode=state -t 5 -U "test://$VM_TMP/fifo.xml" -d web1
ms=$(( ($(date +%s%N) - start) / 1000000 ))
is "$OUT" "VIRT STATE UNKNOWN - cannot read test driver fixture '$VM_TMP/fifo.xml': not a regular file" \
    "a FIFO as the fixture is refused, named"
[ "$ms" -le 1000 ]
ok $? "at once, not at -t (${ms} ms)"

# Two hosts (two fixture URIs) with the same guest, same name and UUID.
sh "$abs_top_srcdir/tests/gen-testnode.sh" 4 > "$VM_TMP/a.xml" || exit 99
cp "$VM_TMP/a.xml" "$VM_TMP/b.xml"
dir="$VM_TMP/samples"
cpu() { vm_run "$CHECK_VIRT" --mode=cpu --state-dir "$dir" --interval 0.2 -d vm-00002 "$@"; }
cpu -U "test://$VM_TMP/a.xml"
like "$OUT" "^VIRT CPU OK - vm-00002 uses [0-9.]+% of its [0-9]+ vCPUs? over 0\.[0-9] s \|" \
    "no sample yet: measured over --interval"
cpu -U "test://$VM_TMP/b.xml"
is "$(ls "$dir" | wc -l)" 2 "one sample file per host for the same guest"
fa=$(grep -l "^uri test://$VM_TMP/a.xml\$" "$dir"/cpu-*)
fb=$(grep -l "^uri test://$VM_TMP/b.xml\$" "$dir"/cpu-*)
ok $([ -n "$fa" ] && [ -n "$fb" ] && [ "$fa" != "$fb" ]; echo $?) "each file names its URI"
uuid=$(sed -n 's/^uuid //p' "$fa")
ok $([ "$uuid" = "$(sed -n 's/^uuid //p' "$fb")" ] && [ -n "$uuid" ]; echo $?) \
    "and the same UUID ($uuid)"

# A sample from 30 s ago: used, no new measurement.  The test driver counts
# CPU time from when the connection opened, so the new reading is tiny and
# the percentage about 0: the point is where it came from.
sample() {   # AGE_SECONDS CPU_TIME_NS
    printf 'check_virt cpu sample 1\nuri test://%s\nuuid %s\nid 2\ntime_ns %s\ncpu_time_ns %s\n' \
        "$VM_TMP/a.xml" "$uuid" $(( $(date +%s%N) - $1 * 1000000000 )) "$2" > "$fa"
}
cp "$fb" "$VM_TMP/b.before"
sample 30 0
cpu -U "test://$VM_TMP/a.xml"
like "$OUT" "uses 0% of its [0-9]+ vCPUs since the check 30 s ago" "a fresh saved sample is used"
cmp -s "$fb" "$VM_TMP/b.before"
ok $? "the other host's sample is untouched"
sample 700 0
cpu -U "test://$VM_TMP/a.xml"
like "$OUT" "over 0\.[0-9] s" "a sample older than 10 minutes is not used"
sample 30 999999999999999
cpu -U "test://$VM_TMP/a.xml"
like "$OUT" "over 0\.[0-9] s" "a counter that went back (a restart) is not used"
echo 'garbage' > "$fa"
cpu -U "test://$VM_TMP/a.xml"
like "$OUT" "over 0\.[0-9] s" "a damaged sample is ignored"
like "$(head -1 "$fa")" "^check_virt cpu sample 1\$" "and replaced by a good one"
is "$(ls -a "$dir" | grep -c tmp)" 0 "no temporary files left by the atomic writes"

# A sample that cannot be saved still gives the answer, and says why.
: > "$VM_TMP/notadir"
cpu -U "test://$VM_TMP/a.xml" -w 200 --state-dir "$VM_TMP/notadir/sub"
is "$RC" 0 "an unwritable state dir does not change the status"
like "$OUT" "sample not saved, so the next check measures for 0.2 s: cannot create directory" \
    "the long output says the sample was not saved"

# The default state dir is check_virt under VIRTMON_STATE_DIR.
vm_run "$CHECK_VIRT" --mode=cpu --interval 0.2 -U test:///default -d test
ls "$VIRTMON_STATE_DIR/check_virt/cpu-6695eb01-f6a4-8304-79aa-97f2502e193f-"* > /dev/null 2>&1
ok $? "default samples go to \$VIRTMON_STATE_DIR/check_virt"
# The monitoring-plugins range vectors on exact values: one fixture domain
# per row of tests/data/check_virt/range-vectors.txt, checked in mem mode.
V="$abs_top_srcdir/tests/data/check_virt/range-vectors.txt"
{
    echo "<node>"
    grep -v '^#' "$V" | awk '{ printf "<domain type=\"test\"><name>r%d</name><memory>1000000</memory><currentMemory>%d</currentMemory></domain>\n", NR, $1 * 10000 + 0.5 }'
    echo "</node>"
} > "$VM_TMP/vectors.xml"
n=0
grep -v '^#' "$V" | while read -r pct range verdict; do
    n=$((n + 1))
    out=$("$CHECK_VIRT" --mode=mem -U "test://$VM_TMP/vectors.xml" -d "r$n" -w "$range" 2>&1)
    got=$(printf '%s' "$out" | sed -n 's/^VIRT MEM \([A-Z]*\) .*/\1/p')
    if [ "$got" = "$verdict" ]; then echo "ok"; else echo "not ok $pct $range: $out"; fi
done > "$VM_TMP/vectors.out"
is "$(grep -v '^ok$' "$VM_TMP/vectors.out")" "" \
    "every range vector's verdict, on the exact value ($(grep -c '^ok$' "$VM_TMP/vectors.out") rows)"
vm_run "$CHECK_VIRT" --mode=mem -U "test://$VM_TMP/vectors.xml" -d r5 -w 30
like "$OUT" "^VIRT MEM WARNING - .*\| mem_used=300001KB;;;0;1000000 mem_max=1000000KB;;;0 mem_pct=30%;30;;0;100$" \
    "30.0001 % against -w 30: WARNING, printed rounded"

# -V as the monitoring-plugins print it, with the name it was run by; -h
# names every option and mode in lines of at most 80 columns
PACKAGE_VERSION=$("$VIRTMON" -V | sed 's/^virtmon //')
vm_run "$CHECK_VIRT" -V
is "$OUT:$RC" "check_virt v$PACKAGE_VERSION (virtmon $PACKAGE_VERSION):3" "check_virt -V"
ln -s "$CHECK_VIRT" "$VM_TMP/check_virt_cpu"
vm_run "$VM_TMP/check_virt_cpu" -V
is "$OUT" "check_virt_cpu v$PACKAGE_VERSION (virtmon $PACKAGE_VERSION)" "-V of a link names the link"
vm_run "$CHECK_VIRT" -h
is "$(printf '%s\n' "$OUT" | awk 'length($0) > 80')" "" "-h: no line over 80 columns"
missing=""
for o in --mode --uri --domain --warning --critical --timeout --expect --state-map --missing \
    --not-running --expect-running --units --interval --state-dir --raw --verbose --version \
    --help "  state " "  domains " "  mem " "  cpu " "  node "; do
    printf '%s\n' "$OUT" | grep -q -- "$o" || missing="$missing $o"
done
is "$missing" "" "-h names every option and mode"

done_testing
