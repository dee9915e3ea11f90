#!/bin/sh
# run-fuzzer.sh TARGET SECONDS: fuzz one target with libFuzzer in a clang
# build (configure --enable-libfuzzer CC=clang, see README), starting from its
# corpus; new interesting inputs go to a scratch corpus, crashes to ./.
set -eu
target=${1:?usage: run-fuzzer.sh TARGET SECONDS}
secs=${2:-60}
top=$(cd "$(dirname "$0")/../.." && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
"./tests/fuzz/fuzz_$target" -max_total_time="$secs" -print_final_stats=1 \
    -artifact_prefix="./fuzz-$target-" "$scratch" "$top/tests/fuzz/corpus/$target"
