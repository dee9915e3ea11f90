#!/bin/sh
# collector-full-disk.sh: virtmon-collector on a file system that fills up
# (a 2 MiB tmpfs, mounted by the test): the files that do not fit are
# logged and the collector goes on with the ones that do.
. "$abs_top_srcdir/tests/lib.sh"
. "$abs_top_srcdir/tests/rrd-lib.sh"

M="$VM_TMP/small"
mkdir -p "$M"
if ! mount -t tmpfs -o size=2m tmpfs "$M" 2> "$VM_TMP/mount.err"; then
    # mounting needs privileges a container may withhold: say so, never pass
    echo "ok $((VM_TEST_N += 1)) # SKIP cannot mount a tmpfs here: $(cat "$VM_TMP/mount.err")"
    done_testing
    exit 0
fi
trap 'umount "$M" 2>/dev/null; vm_cleanup' EXIT
R="$M/rrd"

# test:///default needs about 7 MiB: host.rrd and the first domain's
# first files fit, the rest do not
vm_run "$COLLECTOR" -c test:///default -d "$R" --once
is "$RC" 1 "a full file system: exit 1"
like "$ERR" "No space left on device" "the full disk is logged"
is "$(last "$R/host.rrd" dom_defined)" 5 "host.rrd, which fitted, is written"
lines=$(printf '%s\n' "$ERR" | grep -c 'cannot create')
ok $([ "$lines" -ge 1 ]; echo $?) "each file that does not fit is named ($lines)"

bad=""
for f in $(cd "$R" && find . -name '*.rrd'); do
    rrdtool info "$R/$f" > /dev/null 2>&1 || bad="$bad $f"
done
is "$bad" "" "no half-written file is left behind (librrd removes it): every .rrd is whole"

# the next run goes on with what fits
t=$(last_time "$R/host.rrd")
next_second
vm_run "$COLLECTOR" -c test:///default -d "$R" --once
ok $([ "$(last_time "$R/host.rrd")" -gt "$t" ]; echo $?) "the next run updates the files that fit"
done_testing
