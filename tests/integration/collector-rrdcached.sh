#!/bin/sh
# collector-rrdcached.sh: virtmon-collector and virtmon-graph through a
# real rrdcached on a UNIX socket, as a central graphing host runs them:
# the files and values virtmon-collector(8) lists, updates that live in the daemon until a
# flush, the graphs (flushing first) and their index, and a daemon that
# goes away and comes back.
. "$abs_top_srcdir/tests/lib.sh"
. "$abs_top_srcdir/tests/rrd-lib.sh"

N=4
FIX="$VM_TMP/node.xml"
sh "$abs_top_srcdir/tests/gen-testnode.sh" $N mixed 0 devices > "$FIX" || exit 99
U="test://$FIX"
RC_DIR="$VM_TMP/rc"
rrdcached_start "$RC_DIR"
D="unix:$RRDCACHED_SOCK"
R="$RC_DIR/rrd/hv1"        # one directory per monitored host

# 1. creates and updates through the daemon
vm_run "$COLLECTOR" -c "$U" -d "$R" --daemon "$D" --once
is "$RC" 0 "--once through rrdcached"
next_second
vm_run "$COLLECTOR" -c "$U" -d "$R" --daemon "$D" --once
is "$RC" 0 "again, a second later"
{
    echo host.rrd
    for i in 1 2 3 4; do
        u=$(uuid_of $i)
        printf '%s\n' "$u/disk-vda.rrd" "$u/domain.rrd" "$u/if-vnet$i.rrd" "$u/name"
    done
} | sort > "$VM_TMP/expected-files"
is "$(cd "$R" && find . -type f | sed 's|^\./||' | sort)" "$(cat "$VM_TMP/expected-files")" \
    "the daemon created exactly the documented files"
u2=$(uuid_of 2)
is "$(ds_of "$R/$u2/domain.rrd" | cut -d' ' -f1,2 | tr '\n' ' ')" \
    "cpu_ns DERIVE cpu_pct GAUGE vcpus GAUGE mem_max_kib GAUGE mem_cur_kib GAUGE " \
    "domain.rrd's data sources"
is "$(rras_of "$R/host.rrd" | wc -l)" 8 "and the 8 archives"
t2=$(last_time "$R/host.rrd" --daemon "$D")
info=$($VIRTMON -c "$U" dominfo vm-00002)
is "$(last "$R/$u2/domain.rrd" mem_max_kib --daemon "$D") $(last "$R/$u2/domain.rrd" mem_cur_kib --daemon "$D")" \
    "$(printf '%s\n' "$info" | sed -n 's/^Max memory: *\([0-9]*\) KiB/\1/p') $(printf '%s\n' "$info" | sed -n 's/^Used memory: *\([0-9]*\) KiB/\1/p')" \
    "memory in KiB as dominfo says, read through the daemon"

# 2. RRDCACHED_ADDRESS alone selects the daemon; its updates wait there
# (written back every 300 s by default) until something flushes them
next_second
RRDCACHED_ADDRESS="$D" vm_run "$COLLECTOR" -c "$U" -d "$R" --once
is "$RC" 0 "RRDCACHED_ADDRESS selects the daemon"
# (reading through the daemon flushes, so the file is read first)
is "$(last_time "$R/host.rrd")" "$t2" "the file itself does not have the new update yet"
t3=$(last_time "$R/host.rrd" --daemon "$D")
ok $([ "$t3" -gt "$t2" ]; echo $?) "the daemon has it ($t3 > $t2)"

# 3. virtmon-graph --daemon flushes first, then draws
GOUT="$VM_TMP/graphs"
vm_run "$GRAPH" -d "$R" -o "$GOUT" --daemon "$D" --start -300 --end now
is "$RC" 0 "virtmon-graph draws"
[ "$RC" = 0 ] || printf '%s\n' "$ERR" | sed 's/^/# /'
is "$(last_time "$R/host.rrd")" "$t3" "after flushing the daemon's updates into the files"
pngs=$(cd "$GOUT" && ls *.png | sort)
n=0
bad=""
for p in $pngs; do
    n=$((n + 1))
    is_png "$GOUT/$p" || bad="$bad $p"
done
is "$bad" "" "every one of the $n PNGs is a non-empty PNG"
# host: cpu, memory, domains, disk, network; each domain: cpu, memory, disk, network
is "$n" $((5 + 4 * N)) "the host's 5 graphs and 4 per domain"
refs=$(sed -n 's/.*<img src="\([^"]*\)".*/\1/p' "$GOUT/index.html" | sort)
is "$refs" "$pngs" "index.html references every PNG, and only those"
like "$(grep -n '<h2>' "$GOUT/index.html" | head -n 1)" "<h2>Host</h2>" "the host on top"
is "$(sed -n 's/.*<h2>\([^ <]*\) <span.*/\1/p' "$GOUT/index.html" | tr '\n' ' ')" \
    "vm-00001 vm-00002 vm-00003 vm-00004 " "then one section per domain, titled by name"

vm_run "$GRAPH" -d "$R" -o "$VM_TMP/one" --domain vm-00003
is "$RC" 0 "--domain NAME"
is "$(cd "$VM_TMP/one" && ls | tr '\n' ' ')" \
    "$(uuid_of 3)-cpu.png $(uuid_of 3)-disk.png $(uuid_of 3)-memory.png $(uuid_of 3)-net.png index.html " \
    "draws that domain only"
vm_run "$GRAPH" -d "$R" -o "$VM_TMP/none" --domain nosuch
is "$RC" 1 "--domain of no domain: exit 1"
like "$ERR" "no domain 'nosuch'" "and says so"

# 4. a file the daemon cannot update.  rrdcached checks a file when it
# first takes it into its cache (a restarted daemon, here), and refuses
# what is not a regular file; write-back errors after that are the
# daemon's own to log.
u1=$(uuid_of 1)
kill -TERM "$RRDCACHED_PID"
wait "$RRDCACHED_PID" 2>/dev/null
rm "$R/$u1/domain.rrd" && mkdir "$R/$u1/domain.rrd"
rrdcached_start "$RC_DIR"
next_second
vm_run "$COLLECTOR" -c "$U" -d "$R" --daemon "$D" --once
is "$RC" 1 "a directory in place of a file: exit 1"
like "$ERR" "$u1/domain.rrd: cannot create: '[^']*' is a directory, not a regular file" \
    "logged, refused before the daemon opens it"
ok $([ "$(last_time "$R/$u2/domain.rrd" --daemon "$D")" -gt "$t3" ] && \
     [ "$(last_time "$R/host.rrd" --daemon "$D")" -gt "$t3" ]; echo $?) "the others are updated"

# a file deleted under the daemon (which still caches it) is made anew
rm "$R/$u2/disk-vda.rrd"
next_second
vm_run "$COLLECTOR" -c "$U" -d "$R" --daemon "$D" --once
t5=$(last_time "$R/host.rrd" --daemon "$D")
rrdtool flushcached --daemon "$D" "$R/$u2/disk-vda.rrd"
is "$(last_time "$R/$u2/disk-vda.rrd")" "$t5" "a deleted file is made anew and takes the update"

# 5. the daemon goes away under a running collector and comes back
"$COLLECTOR" -c "$U" -d "$R" --daemon "$D" --step 1 -f > "$VM_TMP/fg.out" 2> "$VM_TMP/fg.err" &
pid=$!
VM_PIDS="$VM_PIDS $pid"
wait_for "$VM_TMP/fg.err" "collecting from" 10
kill -TERM "$RRDCACHED_PID"
wait "$RRDCACHED_PID" 2>/dev/null
wait_for "$VM_TMP/fg.err" "cannot write: .*rrdcached" 10
ok $? "a lost daemon is logged"
rrdcached_start "$RC_DIR"
wait_for "$VM_TMP/fg.err" "writing again" 10
ok $? "and its return"
is "$(grep -c 'cannot write' "$VM_TMP/fg.err")" 1 "once each, not every step"
kill -0 "$pid"
ok $? "the collector never stopped"
kill -TERM "$pid"
wait "$pid"
is "$?" 0 "and ends with 0 on SIGTERM"

# 6. a daemon that is not there at start: a clear error
vm_run "$COLLECTOR" -c "$U" -d "$R" --daemon "unix:$VM_TMP/nothing.sock" --once
is "$RC" 1 "no daemon at start: exit 1"
like "$ERR" "cannot connect to rrdcached at '$VM_TMP/nothing.sock'" "and why"
done_testing
