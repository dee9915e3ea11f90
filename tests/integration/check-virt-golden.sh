#!/bin/sh
# check-virt-golden.sh: every case tests/data/check_virt/NAME.args (a
# plugin name, check_virt or one of its check_virt_MODE links, then its
# arguments, shell-quoted) against NAME.out (stdout, stderr, exit status).
# Cases run on test:///default unless they give -U; $FIXTURE is a generated
# host.
. "$abs_top_srcdir/tests/lib.sh"

data="$abs_top_srcdir/tests/data/check_virt"
mkdir -p "$VM_TMP/bin"
for m in state domains mem cpu node; do
    ln -s "$abs_top_builddir/nagios/check_virt" "$VM_TMP/bin/check_virt_$m"
done
ln -s "$abs_top_builddir/nagios/check_virt" "$VM_TMP/bin/check_virt"
# a generated host: 40 domains of mixed states
FIXTURE="$VM_TMP/node.xml"
sh "$abs_top_srcdir/tests/gen-testnode.sh" 40 mixed > "$FIXTURE" || exit 99
cd "$abs_top_srcdir/tests/data" || exit 99

for args_file in "$data"/*.args; do
    name=$(basename "$args_file" .args)
    eval "set -- $(cat "$args_file")"
    prog=$1
    shift
    case " $* " in *" -U "*) ;; *) set -- -U test:///default "$@" ;; esac
    vm_run "$VM_TMP/bin/$prog" "$@"
    golden "$data/$name.out" "golden: $name"
done
done_testing
