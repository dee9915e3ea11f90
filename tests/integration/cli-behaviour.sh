#!/bin/sh
# cli-behaviour.sh: the CLI end to end on test:///default: batches, standard
# input, counters at the pinned rates, virsh as an oracle, the man page.
. "$abs_top_srcdir/tests/lib.sh"
need virsh script

V="$VIRTMON -c test:///default"

vm_run $V 'suspend web1; domstate web1'
is "$(sed -n 3p "$VM_TMP/out")" "paused" "'suspend web1; domstate web1' prints paused"

vm_run $V 'domstate nosuch; domstate test'
is "$RC" 0 "a batch exits with the last command's status (0)"
is "$ERR" "error: failed to get domain 'nosuch'" "after printing the first command's error"
vm_run $V 'domstate test; domstate nosuch'
is "$RC" 1 "a batch exits with the last command's status (1)"

# Standard input: one command per line, no prompt when not a terminal.
printf 'suspend web1\ndomstate web1\nquit\ndomstate test\n' | $VM_TEST_WRAPPER $V > "$VM_TMP/out" 2>&1
is "$(cat "$VM_TMP/out")" "Domain 'web1' suspended

paused" "commands from standard input run in order until quit"
# On a terminal (script(1) gives it one) each command gets a prompt.  Each
# line is typed once the prompt is there, as a person would: typed ahead,
# the terminal's echo would race the prompt (a slow ASan start lost it).
mkfifo "$VM_TMP/keys"
script -qfec "$VM_TEST_WRAPPER $V" "$VM_TMP/tty" < "$VM_TMP/keys" > /dev/null 2>&1 &
spid=$!
exec 3> "$VM_TMP/keys"
wait_for "$VM_TMP/tty" 'virtmon # ' 30
printf 'domstate test\n' >&3
wait_for "$VM_TMP/tty" 'running' 30
printf 'quit\n' >&3
exec 3>&-
wait "$spid"
like "$(tr -d '\r' < "$VM_TMP/tty")" '^virtmon # (domstate test)?$' "a terminal gets the 'virtmon # ' prompt"
like "$(tr -d '\r' < "$VM_TMP/tty")" '^running$' "and the command's answer"

# define - reads the XML from standard input.
printf "<domain type='qemu'><name>piped</name><memory>1024</memory></domain>" |
    $VM_TEST_WRAPPER $V 'define -; domstate piped' > "$VM_TMP/out" 2>&1
is "$(cat "$VM_TMP/out")" "Domain 'piped' defined from -

shut off" "define - reads standard input"

# Counters grow at the fixture's pinned rates: two samples at least a second apart in
# one process.  The second command is written only once the first one's
# output is there, so start-up time (sanitizers, valgrind) cannot shrink the
# interval.  Each read prints web1 then test: blocks 1 and 3 are web1's.
sample_twice() {  # sample_twice COMMAND OUTFILE
    mkfifo "$VM_TMP/cmds"
    $VM_TEST_WRAPPER $V < "$VM_TMP/cmds" > "$2" &
    pid=$!
    exec 3> "$VM_TMP/cmds"
    echo "$1" >&3
    wait_for "$2" "^Domain: '" 30 || echo "# first sample did not come"
    sleep 1
    echo "$1" >&3
    exec 3>&-
    wait "$pid"
    rm -f "$VM_TMP/cmds"
}
sample_twice 'domstats web1 test' "$VM_TMP/stats"
field() {  # field BLOCK(1-4) NAME
    awk -v n="$1" -v f="$2" '/^Domain:/ { s++ } s == n && index($0, "  " f "=") == 1 {
        sub(/^[^=]*=/, ""); print }' "$VM_TMP/stats"
}
delta() { echo $(( $(field 3 "$1") - $(field 1 "$1") )); }
cpu=$(delta cpu.time); rd=$(delta block.0.rd.bytes); wr=$(delta block.0.wr.bytes)
rdreq=$(delta block.0.rd.reqs); rx=$(delta net.1.rx.bytes); tx=$(delta net.1.tx.bytes)
rxp=$(delta net.1.rx.pkts)
# 4 vCPUs at 25 % each: CPU time grows as fast as the wall clock, and the
# reads are at least a second apart (at most a few more under valgrind).
[ "$cpu" -ge 1000000000 ] && [ "$cpu" -le 5000000000 ]
ok $? "cpu.time grows about 1 s per second for 4 vCPUs at 25 % (got $cpu ns)"
# The other counters follow the same running time at their own rates.
within() {  # within GOT WANT: |GOT - WANT| <= 1 + 1 %
    awk -v g="$1" -v w="$2" 'BEGIN { d = g - w; if (d < 0) d = -d; exit !(d <= 1 + w / 100) }'
}
# web1 and test are read microseconds apart in each sample (milliseconds
# under valgrind), so their intervals agree to a few percent, not exactly.
within3() {
    awk -v g="$1" -v w="$2" 'BEGIN { d = g - w; if (d < 0) d = -d; exit !(d <= w * 3 / 100) }'
}
cpu_test=$(( $(field 4 cpu.time) - $(field 2 cpu.time) ))
within3 "$((2 * cpu_test))" "$cpu"
ok $? "a 2-vCPU domain gets half the CPU time of a 4-vCPU one (got $cpu_test ns)"
within "$rd" "$((cpu / 1000 * 4096 / 1000000))"; ok $? "disk reads grow 4 KiB/s (got $rd B)"
within "$wr" "$((2 * rd))"; ok $? "disk writes grow 8 KiB/s (got $wr B)"
within "$rdreq" "$((rd / 4096))"; ok $? "one read request per 4 KiB (got $rdreq)"
within "$rx" "$((cpu / 1000 * 1000 / 1000000))"; ok $? "NICs receive 1000 B/s (got $rx B)"
within "$tx" "$((2 * rx))"; ok $? "NICs send 2000 B/s (got $tx B)"
within "$rxp" "$((rx / 1000))"; ok $? "one packet per 1000 B (got $rxp)"
is "$(field 3 net.1.rx.errs)$(field 3 net.1.tx.drop)" "00" "no errors or drops"

# Paused and shut-off domains do not count.
sample_twice 'domstats db1 idle1' "$VM_TMP/stats"
is "$(grep -E '(cpu\.time|bytes|reqs|pkts)=' "$VM_TMP/stats" | grep -vc '=0$')" 0 \
    "paused and shut-off domains' counters stay 0"

# virsh is an oracle for libvirt's own `test` domain.
oracle_fields='^(Id|Name|UUID|State|CPU\(s\)|Max memory|Used memory|Persistent|Autostart):'
vm_run $V dominfo test
ours=$(printf '%s\n' "$OUT" | grep -E "$oracle_fields")
theirs=$(virsh -c test:///default dominfo test | grep -E "$oracle_fields")
is "$ours" "$theirs" "dominfo test agrees with virsh on $(echo "$theirs" | wc -l) fields"
vm_run $V domuuid test
is "$OUT" "$(virsh -c test:///default domuuid test | head -n 1)" "domuuid test agrees with virsh"
vm_run $V dominfo huge1
like "$OUT" '^Max memory:     6442450944 KiB$' "huge1's 6 TiB is exact in KiB"

vm_run $V hostname
is "$OUT" "$(hostname)" "hostname is the machine's"
vm_run $V version
like "$OUT" "^Running hypervisor: Test 1.0.0$" "version names the hypervisor"

# The man page lists every command of the table.
man="$abs_top_builddir/docs/virtmon.1"
missing=""
for c in $($VIRTMON help | awk '/^    [a-z]/ { print $1 }'); do
    grep -q "^\\\\fB$c\\\\fR" "$man" || missing="$missing $c"
done
is "$missing" "" "virtmon(1) documents every command"

done_testing
