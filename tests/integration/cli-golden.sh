#!/bin/sh
# cli-golden.sh: every case tests/data/cli/NAME.args (the arguments of one
# virtmon run on test:///default, shell-quoted) against NAME.out (stdout, then
# stderr and the exit status).  Values that grow with time (CPU time, I/O
# counters) are masked as N, except in cases named *-exact (paused and
# shut-off domains, whose counters stay 0); cli-behaviour.sh checks the rates.
# VM_TEST_REGENERATE_OUTPUT=1 rewrites the .out files for review.
. "$abs_top_srcdir/tests/lib.sh"

data="$abs_top_srcdir/tests/data/cli"
# File arguments are relative to tests/data, so outputs name them portably.
cd "$abs_top_srcdir/tests/data" || exit 99

mask() {
    sed -E \
        -e 's/^(CPU time: +)[0-9]+\.[0-9]s$/\1N.Ns/' \
        -e 's/^(  (cpu\.time|vcpu\.[0-9]+\.time|(net|block)\.[0-9]+\.(rx|tx|rd|wr)\.(bytes|pkts|reqs))=)[0-9]+$/\1N/' \
        -e 's/("(cpu_time_ns|rd_reqs|rd_bytes|wr_reqs|wr_bytes|rx_bytes|rx_pkts|tx_bytes|tx_pkts)": )[0-9]+/\1N/' \
        -e 's/^([^ ]* ?(rd_req|rd_bytes|wr_req|wr_bytes|rx_bytes|rx_packets|tx_bytes|tx_packets) )[0-9]+$/\1N/' \
        -e 's/^( number of (read|write) operations: +| number of bytes (read|written): +)[0-9]+$/\1N/'
}

for args_file in "$data"/*.args; do
    name=$(basename "$args_file" .args)
    eval "set -- $(cat "$args_file")"
    vm_run "$VIRTMON" -c test:///default "$@"
    case $name in
        *-exact) golden "$data/$name.out" "golden: $name" ;;
        *) golden "$data/$name.out" "golden: $name" mask ;;
    esac
done
done_testing
