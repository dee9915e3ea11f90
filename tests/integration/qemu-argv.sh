#!/bin/sh
# qemu-argv.sh: QEMU itself accepts every golden argv (tests/data/qemu-argv,
# the features and the virt-install corpus): started with -S and asked over
# QMP, each has its status and every -device of the golden (see
# tests/qemu-accept.py).  This keeps the option syntax of the goldens, and
# so of the argv builder, honest.
. "$abs_top_srcdir/tests/lib.sh"
need python3 qemu-system-x86_64 qemu-img unshare ip

python3 "$abs_top_srcdir/tests/qemu-accept.py" \
    "$abs_top_srcdir"/tests/data/qemu-argv/*.args \
    "$abs_top_srcdir"/tests/data/qemu-argv/virt-install/*.args > "$VM_TMP/accept" 2>&1
rc=$?
n=0
while IFS= read -r line; do
    case $line in
    "ok "*) ok 0 "QEMU accepts ${line#ok * - }"; n=$((n + 1)) ;;
    "not ok "*) ok 1 "QEMU accepts ${line#not ok * - }"; n=$((n + 1)) ;;
    *) echo "# $line" ;;
    esac
done < "$VM_TMP/accept"
[ "$n" -ge 35 ] && [ "$rc" -eq "$([ "$VM_TEST_FAILED" -eq 0 ] && echo 0 || echo 1)" ]
ok $? "every golden argv was tried ($n), the runner agrees"
done_testing
