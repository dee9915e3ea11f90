#!/bin/sh
# replay.sh: feeds every fuzz target its regression corpus once (libFuzzer
# builds and replay-main builds alike).  A crash or sanitizer report fails.
. "$abs_top_srcdir/tests/lib.sh"

for target in uri conf_file domain_xml qmp check_range cpu_sample rrdcached auth_conf xmlrpc \
    rrd_updates qemu_argv rpc; do
    bin="$abs_top_builddir/tests/fuzz/fuzz_$target"
    corpus="$abs_top_srcdir/tests/fuzz/corpus/$target"
    n=$(ls "$corpus" | wc -l)
    vm_run "$bin" -runs=0 "$corpus"
    [ "$n" -gt 0 ] && [ "$RC" -eq 0 ]
    ok $? "fuzz_$target replays its $n corpus inputs"
    [ "$RC" -eq 0 ] || printf '%s\n' "$ERR" | tail -n 20 | sed 's/^/# /'
done
done_testing
