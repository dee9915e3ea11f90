#!/bin/sh
# check-virt.sh: check_virt's -t deadline holds while the driver call does
# not return: the test driver opening a FIFO that nobody writes blocks in
# open(2), a real hang with no test hook in the library.
. "$abs_top_srcdir/tests/lib.sh"

CHECK_VIRT="$abs_top_builddir/nagios/check_virt"
mkfifo "$VM_TMP/hang.xml" || exit 99

start=$(date +%s%N)
vm_run "$CHECK_VIRT" --mode=state -t 2 -U "test://$VM_TMP/hang.xml" -d web1
ms=$(( ($(date +%s%N) - start) / 1000000 ))
is "$OUT" "VIRT STATE UNKNOWN - no answer within 2 s" "-t 2: the timeout line"
is "$RC" 3 "UNKNOWN (3) by default"
[ "$ms" -ge 1900 ] && [ "$ms" -le 3000 ]
ok $? "within -t and 1 s more (${ms} ms)"

vm_run "$CHECK_VIRT" --mode=domains -t 1:critical -U "test://$VM_TMP/hang.xml"
is "$OUT" "VIRT DOMAINS CRITICAL - no answer within 1 s" "-t 1:critical: the state given"
is "$RC" 2 "exit 2"
done_testing
