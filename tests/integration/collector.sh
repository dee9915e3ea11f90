#!/bin/sh
# collector.sh: virtmon-collector writing straight into the files, on a
# generated fixture: exactly the documented files and data sources, the values
# dominfo and domstats give, renames, new and vanished domains, files that
# cannot be written, a hypervisor that cannot be reached, and the
# foreground loop with its rates and SIGTERM.
. "$abs_top_srcdir/tests/lib.sh"
. "$abs_top_srcdir/tests/rrd-lib.sh"

N=6
FIX="$VM_TMP/node.xml"
sh "$abs_top_srcdir/tests/gen-testnode.sh" $N mixed 0 devices > "$FIX" || exit 99
U="test://$FIX"
R="$VM_TMP/rrd"

# 1. --once three times, a second or more apart
for run in 1 2 3; do
    vm_run "$COLLECTOR" -c "$U" -d "$R" --once
    is "$RC" 0 "--once run $run: everything written"
    [ $run -lt 3 ] && next_second
done

# exactly the documented files
{
    echo host.rrd
    i=1
    while [ $i -le $N ]; do
        u=$(uuid_of $i)
        printf '%s\n' "$u/disk-vda.rrd" "$u/domain.rrd" "$u/if-vnet$i.rrd" "$u/name"
        i=$((i + 1))
    done
} | sort > "$VM_TMP/expected-files"
(cd "$R" && find . -type f | sed 's|^\./||' | sort) > "$VM_TMP/files"
is "$(cat "$VM_TMP/files")" "$(cat "$VM_TMP/expected-files")" "exactly host.rrd and each domain's files"

u2=$(uuid_of 2)
is "$(ds_of "$R/host.rrd")" "mem_total_kib GAUGE 120 0.0000000000e+00
mem_free_kib GAUGE 120 0.0000000000e+00
dom_running GAUGE 120 0.0000000000e+00
dom_defined GAUGE 120 0.0000000000e+00
cpus GAUGE 120 0.0000000000e+00" "host.rrd: its data sources, heartbeat 2 x step, min 0"
is "$(ds_of "$R/$u2/domain.rrd")" "cpu_ns DERIVE 120 0.0000000000e+00
cpu_pct GAUGE 120 0.0000000000e+00
vcpus GAUGE 120 0.0000000000e+00
mem_max_kib GAUGE 120 0.0000000000e+00
mem_cur_kib GAUGE 120 0.0000000000e+00" "domain.rrd: counters DERIVE, gauges GAUGE"
is "$(ds_of "$R/$u2/disk-vda.rrd" | cut -d' ' -f1,2 | tr '\n' ' ')" \
    "rd_req DERIVE rd_bytes DERIVE wr_req DERIVE wr_bytes DERIVE " "disk-DEV.rrd"
is "$(ds_of "$R/$u2/if-vnet2.rrd" | cut -d' ' -f1,2 | tr '\n' ' ')" \
    "rx_bytes DERIVE rx_pkts DERIVE rx_errs DERIVE rx_drop DERIVE tx_bytes DERIVE tx_pkts DERIVE tx_errs DERIVE tx_drop DERIVE " \
    "if-DEV.rrd"
is "$(rras_of "$R/$u2/domain.rrd" | tr '\n' ' ')" \
    "AVERAGE 1 1440 AVERAGE 5 2016 AVERAGE 30 1488 AVERAGE 360 1464 MAX 1 1440 MAX 5 2016 MAX 30 1488 MAX 360 1464 " \
    "RRAs: AVERAGE and MAX, a day at the step, then a week, a month, a year"
is "$(rrdtool info "$R/host.rrd" | sed -n 's/^step = //p')" 60 "step 60 by default"

# the values: memory in KiB as dominfo says, counts as list and nodeinfo say
V="$VIRTMON -c $U"
i=1
while [ $i -le $N ]; do
    u=$(uuid_of $i)
    info=$($V dominfo "vm-0000$i")
    is "$(last "$R/$u/domain.rrd" mem_max_kib) $(last "$R/$u/domain.rrd" mem_cur_kib) $(last "$R/$u/domain.rrd" vcpus)" \
        "$(printf '%s\n' "$info" | sed -n 's/^Max memory: *\([0-9]*\) KiB/\1/p') $(printf '%s\n' "$info" | sed -n 's/^Used memory: *\([0-9]*\) KiB/\1/p') $(printf '%s\n' "$info" | sed -n 's/^CPU(s): *//p')" \
        "vm-0000$i: mem_max_kib, mem_cur_kib, vcpus as dominfo"
    is "$(cat "$R/$u/name")" "vm-0000$i" "vm-0000$i: its name file"
    state=$(printf '%s\n' "$info" | sed -n 's/^State: *//p')
    cpu=$(last "$R/$u/domain.rrd" cpu_ns)
    rd=$(last "$R/$u/disk-vda.rrd" rd_bytes)
    if [ "$state" = "shut off" ]; then
        is "$cpu $rd" "U U" "vm-0000$i (shut off): counters unknown, never a false 0"
    else
        like "$cpu $rd" "^[0-9]+ [0-9]+\$" "vm-0000$i ($state): counters written"
    fi
    is "$(last "$R/$u/domain.rrd" cpu_pct)" U "vm-0000$i: cpu_pct unknown (the source gives CPU time)"
    i=$((i + 1))
done
node=$($V nodeinfo)
is "$(last "$R/host.rrd" mem_total_kib) $(last "$R/host.rrd" cpus)" \
    "$(printf '%s\n' "$node" | sed -n 's/^Memory size: *\([0-9]*\) KiB/\1/p') $(printf '%s\n' "$node" | sed -n 's/^CPU(s): *//p')" \
    "host: mem_total_kib and cpus as nodeinfo"
is "$(last "$R/host.rrd" dom_defined) $(last "$R/host.rrd" dom_running)" \
    "$($V list --all --name | grep -c .) $($V list | grep -c " running$")" \
    "host: dom_defined and dom_running as list"
free=$(last "$R/host.rrd" mem_free_kib)
ok $([ "$free" -gt 0 ] && [ "$free" -le "$(last "$R/host.rrd" mem_total_kib)" ]; echo $?) \
    "host: mem_free_kib within the total ($free)"

# 2. a rename, a new domain and a vanished one (another fixture, same UUIDs)
sh "$abs_top_srcdir/tests/gen-testnode.sh" 7 mixed 0 devices | awk '
    /<domain / { block = $0 "\n"; inside = 1; next }
    inside { block = block $0 "\n"; if ($0 ~ /<\/domain>/) { inside = 0; if (block !~ /vm-00006/) printf "%s", block }; next }
    { print }' | sed 's|<name>vm-00002</name>|<name>renamed</name>|' > "$VM_TMP/changed.xml"
u6=$(uuid_of 6)
u7=$(uuid_of 7)
before6=$(last_time "$R/$u6/domain.rrd")
next_second
vm_run "$COLLECTOR" -c "test://$VM_TMP/changed.xml" -d "$R" --once
is "$RC" 0 "a run after the changes"
is "$(cat "$R/$u2/name")" renamed "a renamed domain's name file follows"
ok $([ -f "$R/$u7/domain.rrd" ] && [ -f "$R/$u7/disk-vda.rrd" ] && [ -f "$R/$u7/if-vnet7.rrd" ]; echo $?) \
    "a new domain gets its files on first sight"
is "$(last_time "$R/$u6/domain.rrd")" "$before6" "a vanished domain keeps its files, untouched"

# 3. files that cannot be updated: one replaced by a directory, one by a
# FIFO (librrd would block on it), one by a symlink (never followed), one
# corrupted (root ignores mode bits, so none is a permission)
u1=$(uuid_of 1)
u3=$(uuid_of 3)
u4=$(uuid_of 4)
rm "$R/$u1/domain.rrd" && mkdir "$R/$u1/domain.rrd"
rm "$R/$u4/domain.rrd" && mkfifo "$R/$u4/domain.rrd"
printf 'outside' > "$VM_TMP/outside"
rm "$R/$u4/disk-vda.rrd" && ln -s "$VM_TMP/outside" "$R/$u4/disk-vda.rrd"
printf 'not an RRD file at all' > "$R/$u3/disk-vda.rrd"
before=$(last_time "$R/$u2/domain.rrd")
next_second
vm_run "$COLLECTOR" -c "$U" -d "$R" --once
is "$RC" 1 "--once exits 1 when some files failed"
like "$ERR" "$u1/domain.rrd: cannot create: '[^']*' is a directory, not a regular file" \
    "the directory in place of a file is logged"
like "$ERR" "$u4/domain.rrd: cannot create: '[^']*' is a FIFO, not a regular file" \
    "the FIFO in place of a file is refused, not opened"
like "$ERR" "$u4/disk-vda.rrd: cannot create: '[^']*' is a symbolic link, not a regular file" \
    "the symlink in place of a file is refused"
is "$(cat "$VM_TMP/outside")" outside "and what it points to is untouched"
like "$ERR" "$u3/disk-vda.rrd: cannot update" "the corrupted file is logged"
ok $([ "$(last_time "$R/$u2/domain.rrd")" -gt "$before" ] && \
     [ "$(last_time "$R/$u3/domain.rrd")" -gt "$before" ] && \
     [ "$(last_time "$R/host.rrd")" -gt "$before" ]; echo $?) "and every other file is updated"

# a deleted file is made anew
rm "$R/$u2/disk-vda.rrd"
next_second
vm_run "$COLLECTOR" -c "$U" -d "$R" --once
is "$(last_time "$R/$u2/disk-vda.rrd")" "$(last_time "$R/host.rrd")" \
    "a deleted file is made anew, with this step's update"

# 4. a hypervisor that cannot be reached: logged, nothing written
before=$(last_time "$R/host.rrd")
next_second
vm_run "$COLLECTOR" -c "test://$VM_TMP/missing.xml" -d "$R" --once
is "$RC" 1 "an unreachable hypervisor: exit 1"
like "$ERR" "cannot collect from test://$VM_TMP/missing.xml" "logged"
is "$(last_time "$R/host.rrd")" "$before" "and nothing written"

# 5. the foreground loop: step 1, aligned, rates as domstats grows them,
# SIGTERM ends it after the cycle with 0
R2="$VM_TMP/rrd2"
"$COLLECTOR" -c "$U" -d "$R2" --step 1 -f -v > "$VM_TMP/fg.out" 2> "$VM_TMP/fg.err" &
pid=$!
VM_PIDS="$VM_PIDS $pid"
end=$(( $(date +%s) + 30 ))
while [ "$(grep -c 'all written' "$VM_TMP/fg.err" 2>/dev/null)" -lt 6 ] && [ "$(date +%s)" -lt "$end" ]; do
    sleep 0.1
done
ok $([ "$(grep -c 'all written' "$VM_TMP/fg.err")" -ge 6 ]; echo $?) "-f --step 1: a cycle every second"
kill -TERM "$pid"
wait "$pid"
is "$?" 0 "SIGTERM: exits 0"
like "$(tail -n 1 "$VM_TMP/fg.err")" "stopping" "after saying so"
is "$(rrdtool info "$R2/host.rrd" | sed -n 's/^step = //p')" 1 "--step sets the files' step"
t=$(last_time "$R2/host.rrd")
# the guest's view of a running domain (vm-00002, 3 vCPUs): the test
# driver's disks read 4096 B/s and write 8192, NICs receive 1000 B/s and
# send 2000, and each vCPU is 25 % busy
rates() {  # rates FILE: each DS's average over the last 3 full steps
    rrdtool fetch "$1" AVERAGE -s $((t - 4)) -e $((t - 1)) | awk '
        NR == 1 { n = NF; for (i = 1; i <= NF; i++) name[i] = $i; next }
        /^[0-9]+:/ && $2 != "-nan" && $2 != "nan" { rows++; for (i = 2; i <= NF; i++) s[i - 1] += $i }
        END { for (i = 1; i <= n; i++) printf "%s=%.0f\n", name[i], rows ? s[i] / rows : -1 }'
}
near() {  # near ACTUAL EXPECTED: within 15 % (a loaded machine reads late)
    awk -v a="$1" -v e="$2" 'BEGIN { exit !(a >= e * 0.85 && a <= e * 1.15) }'
}
disk=$(rates "$R2/$u2/disk-vda.rrd")
net=$(rates "$R2/$u2/if-vnet2.rrd")
dom=$(rates "$R2/$u2/domain.rrd")
get() { printf '%s\n' "$1" | sed -n "s/^$2=//p"; }
near "$(get "$disk" rd_bytes)" 4096 && near "$(get "$disk" wr_bytes)" 8192
ok $? "disk rates as domstats grows them: $(echo $disk | tr '\n' ' ')"
near "$(get "$net" rx_bytes)" 1000 && near "$(get "$net" tx_bytes)" 2000
ok $? "network rates, the guest's view: $(echo $net | tr '\n' ' ')"
near "$(get "$dom" cpu_ns)" 750000000
ok $? "cpu_ns rate: 3 vCPUs at 25 % ($(get "$dom" cpu_ns) ns/s)"
# 6. without -f it detaches, and keeps its updates on the step's
# boundaries (step 2 here, so that alignment shows); found by its
# directory and stopped
R3="$VM_TMP/rrd3"
vm_run "$COLLECTOR" -c "$U" -d "$R3" --step 2
is "$RC" 0 "without -f it returns at once, detached"
end=$(( $(date +%s) + 15 ))
# (a file just created, before its first update, says U)
while [ "$(last "$R3/host.rrd" dom_defined 2>/dev/null)" != $N ] && [ "$(date +%s)" -lt "$end" ]; do
    sleep 0.1
done
dpid=$(pgrep -f -- "-d $R3 --step 2")
ok $([ -n "$dpid" ] && [ -f "$R3/host.rrd" ]; echo $?) "and collects in the background (pid $dpid)"
# the first cycle is at once, on the current boundary; wait for a second one
first=$(last_time "$R3/host.rrd")
end=$(( $(date +%s) + 10 ))
while [ "$(last_time "$R3/host.rrd")" = "$first" ] && [ "$(date +%s)" -lt "$end" ]; do sleep 0.1; done
second=$(last_time "$R3/host.rrd")
is "$(( first % 2 )) $(( second % 2 )) $(( second - first ))" "0 0 2" \
    "updates land on the step's boundaries, one step apart ($first, $second)"
[ -n "$dpid" ] && VM_PIDS="$VM_PIDS $dpid" && kill -TERM $dpid

# 7. bad options
vm_run "$COLLECTOR" -c "$U"
is "$RC" 2 "no -d: exit 2"
like "$ERR" "-d RRD_DIR is required" "and says so"
vm_run "$COLLECTOR" -c "$U" -d "$R" --step 0
is "$RC" 2 "--step 0: exit 2"
done_testing
