#!/bin/sh
# library.sh: libvirtmon.so exports the public API and nothing else (what
# drivers/virtmon.h declares is what `nm -D` lists), and a program that
# knows only virtmon.h links against the shared library and runs.
. "$abs_top_srcdir/tests/lib.sh"
need nm readelf

SO="$abs_top_builddir/drivers/.libs/libvirtmon.so"
[ -e "$SO" ] || { echo "Bail out! no $SO (a build without shared libraries?)"; exit 99; }
declared=$(grep -o '\bvm_[a-z0-9_]*(' "$abs_top_srcdir/drivers/virtmon.h" | tr -d '(' | sort -u)
exported=$(nm -D --defined-only "$SO" | awk '$2 == "T" || $2 == "W" || $2 == "D" || $2 == "B" { sub(/@.*/, "", $3); print $3 }' |
    grep -v '^_' | sort -u)
is "$exported" "$declared" "nm -D lists exactly the functions virtmon.h declares"
is "$(nm -D --defined-only "$SO" | grep -c ' [TDBW] \(vm_buf\|vm_strdup\|qemu_\|xa_\|test_\|vm_rpc\)')" 0 \
    "none of the internals (vm_buf, vm_strdup, qemu_, xa_, vm_rpc, ...)"
is "$(sed -n '/global:/,/local:/p' "$abs_top_srcdir/drivers/libvirtmon.sym" | grep -o 'vm_[a-z0-9_]*' | sort -u)" \
    "$declared" "the version script names them all"

vm_run "$abs_top_builddir/tests/helpers/shared_client" test:///default
is "$RC:$OUT" "0:test 1 2097152
web1 1 4194304
db1 3 16777216
huge1 1 6442450944
idle1 5 1048576" "a program using only virtmon.h runs against the shared library"
real="$abs_top_builddir/tests/helpers/.libs/shared_client"
[ -x "$real" ] || real="$abs_top_builddir/tests/helpers/.libs/lt-shared_client"
like "$(readelf -d "$real" 2>/dev/null | grep NEEDED)" "libvirtmon\\.so\\.0" \
    "it needs libvirtmon.so.0 (linked shared, not static)"
vm_run "$abs_top_builddir/tests/helpers/shared_client" "nosuch:///"
like "$RC:$ERR" "^1:shared_client: .*nosuch" "and gets the library's errors through the public API"

done_testing
