#!/bin/sh
# bench/domain-xml.sh: define + dumpxml of the virt-install corpus
# (tests/data/virt-install), per document, against libxml2 parsing and
# serialising the same files (the floor; issue 20 asks for the ratio).
# Run from the build directory: sh ../bench/domain-xml.sh
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
make -s bench/dx_bench > /dev/null || exit 1
./bench/dx_bench "${RUNS:-21}" "$top"/tests/data/virt-install/*.xml
