#!/bin/sh
# cli-errors.sh: bad input gets `error: ...` naming what is wrong, exit 1,
# and changes nothing.
. "$abs_top_srcdir/tests/lib.sh"

# Malformed URIs: each error names the part that is wrong.
check_uri() {  # URI EXPECTED-MESSAGE-REGEX
    vm_run "$VIRTMON" -c "$1" list
    is "$RC" 1 "URI '$1' exits 1"
    like "$ERR" "^error: .*$2" "URI '$1' error names the problem"
    is "$OUT" "" "URI '$1' prints nothing on stdout"
}
check_uri 'qemu+tls//x' "malformed URI 'qemu\\+tls//x': no ':' after the scheme"
check_uri 'test:///a?bogus=1' "unknown parameter 'bogus'"
check_uri '' "empty URI"
check_uri 'qemu+carrier-pigeon://h/' "unknown transport 'carrier-pigeon'"
check_uri 'xenapi://h:99999/' "invalid port '99999'"
check_uri 'xenapi://root:secret@h/' "passwords do not belong in URIs"
case $ERR in *secret*) leaked=1 ;; *) leaked=0 ;; esac
is "$leaked" 0 "the password of a refused URI is not repeated in the error"
check_uri 'nosuch:///x' "no driver serves URI 'nosuch:///x'"
check_uri 'test:///default?pki=/etc' "URI parameter 'pki' does not apply to 'test' URIs"

# The default URI chain: VIRTMON_DEFAULT_URI, then virtmon.conf's uri_default.
printf 'uri_default = "test:///default"\n' > "$VIRTMON_CONFIG_DIR/virtmon.conf"
vm_run "$VIRTMON" uri
is "$OUT" "test:///default" "uri_default in virtmon.conf is the default URI"
VIRTMON_DEFAULT_URI='test:///a?bogus=1' vm_run "$VIRTMON" uri
like "$ERR" "unknown parameter 'bogus'" "VIRTMON_DEFAULT_URI wins over virtmon.conf"
printf 'uri_default = 42\n' > "$VIRTMON_CONFIG_DIR/virtmon.conf"
vm_run "$VIRTMON" uri
like "$ERR" "^error: .*virtmon.conf:1: 'uri_default' must be a quoted string" \
    "a broken virtmon.conf is an error naming file and line"
is "$RC" 1 "and exits 1"
rm -f "$VIRTMON_CONFIG_DIR/virtmon.conf"

# Global options.
vm_run "$VIRTMON" --bogus
is "$RC" 1 "an unknown global option exits 1"
like "$ERR" "Usage: virtmon" "and shows the usage"
vm_run "$VIRTMON" -c test:///default frobnicate
like "$ERR" "^error: unknown command: 'frobnicate'" "an unknown command is named"

# A failing state change leaves the domain as it was (same process: batch).
vm_run "$VIRTMON" -c test:///default 'shutdown idle1; domstate --reason idle1'
like "$ERR" "^error: failed to shut down domain 'idle1': domain 'idle1' is not running" \
    "shutdown of a shut-off domain is operation-invalid"
is "$OUT" "shut off (unknown)" "and changes nothing"
vm_run "$VIRTMON" -c test:///default shutdown idle1
is "$RC" 1 "shutdown of a shut-off domain exits 1"

# Read-only connections refuse every mutating command.
for cmd in "start idle1" "shutdown test" "destroy test" "suspend test" "resume db1" \
    "reboot test" "reset test" "managedsave test" "autostart test" \
    "autostart --disable test" "undefine idle1" "start --all-autostart"; do
    vm_run "$VIRTMON" -r -c test:///default "$cmd; list --all"
    like "$ERR" "forbidden on a read-only connection" "-r: '$cmd' is refused"
done
vm_run "$VIRTMON" -r -c test:///default "start --all-autostart"
is "$RC" 1 "-r: start --all-autostart exits 1"

# Unknown domains.
vm_run "$VIRTMON" -c test:///default dominfo nosuch
is "$ERR" "error: failed to get domain 'nosuch'" "an unknown domain is a clear error"
is "$RC" 1 "and exits 1"
vm_run "$VIRTMON" -c test:///default domid 99
is "$ERR" "error: failed to get domain '99'" "an unknown id is a clear error"

done_testing
