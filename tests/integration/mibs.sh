#!/bin/sh
# mibs.sh: every MIB module we ship passes `smilint -l 4` with no output
# (smilint exits 0 even on errors, so its output is the verdict), net-snmp
# places VM-MIB's 101 objects where RFC 7666 puts them, and access is as the
# RFC and virtmon-agentx(8) say.
. "$abs_top_srcdir/tests/lib.sh"
need smilint snmptranslate

mibs="$abs_top_srcdir/mibs"
export SMIPATH="$mibs:/usr/share/snmp/mibs"
for f in "$mibs"/*.txt; do
    out=$(smilint -l 4 -s "$f" 2>&1)
    is "$out" "" "smilint -l 4 is silent on $(basename "$f")"
done

T="snmptranslate -M $mibs:/usr/share/snmp/mibs -m VM-MIB:VIRTMON-MIB"
is "$($T -Tz 2>&1 | grep -c '"1\.3\.6\.1\.2\.1\.236')" 101 "VM-MIB has RFC 7666's 101 OIDs"
oid() { $T -On "$1" 2>&1; }
is "$(oid VM-MIB::vmHvUpTime)" ".1.3.6.1.2.1.236.1.1.4" "vmHvUpTime"
is "$(oid VM-MIB::vmTableLastChange)" ".1.3.6.1.2.1.236.1.3" "vmTableLastChange"
is "$(oid VM-MIB::vmCpuTime)" ".1.3.6.1.2.1.236.1.4.1.17" "vmCpuTime is vmEntry's 17th column"
is "$(oid VM-MIB::vmCpuPhysIndex)" ".1.3.6.1.2.1.236.1.6.1.2" "vmCpuAffinityEntry starts at column 2"
is "$(oid VM-MIB::vmCpuAffinity)" ".1.3.6.1.2.1.236.1.6.1.3" "vmCpuAffinity"
is "$(oid VM-MIB::vmStorageWriteLatency)" ".1.3.6.1.2.1.236.1.7.1.18" "vmStorageEntry ends at 18"
is "$(oid VM-MIB::vmNetworkPhysAddress)" ".1.3.6.1.2.1.236.1.8.1.5" "vmNetworkEntry ends at 5"
is "$(oid VM-MIB::vmAffectedVMs)" ".1.3.6.1.2.1.236.1.11" "vmAffectedVMs"
is "$(oid VM-MIB::vmBulkDeleted)" ".1.3.6.1.2.1.236.0.20" "vmBulkDeleted"
is "$(oid VM-MIB::vmBulkNotificationOptionalGroup)" ".1.3.6.1.2.1.236.2.2.9" "the last group"
is "$(oid IANA-STORAGE-MEDIA-TYPE-MIB::ianaStorageMediaTypeMIB)" ".1.3.6.1.2.1.237" "IANA module"
is "$(oid UUID-TC-MIB::uuidTCMIB)" ".1.3.6.1.2.1.217" "UUID-TC-MIB"
is "$(oid VIRTMON-MIB::virtmonMIB)" ".1.3.6.1.4.1.8072.9999.9999.236" "VIRTMON-MIB at netSnmpPlaypen 236"
is "$(oid VIRTMON-MIB::virtmonVmConfigRowStatus)" ".1.3.6.1.4.1.8072.9999.9999.236.1.5.1.6" \
    "virtmonVmConfigRowStatus"

access() { $T -Td "$1" 2>&1 | sed -n 's/^ *MAX-ACCESS[[:space:]]*//p'; }
is "$(access VM-MIB::vmAdminState)" "read-only" "vmAdminState is read-only"
is "$(access VM-MIB::vmAutoStart)" "read-only" "vmAutoStart is read-only"
is "$(access VM-MIB::vmPerVMNotificationsEnabled)" "read-write" "the per-VM switch is writable"
is "$(access VM-MIB::vmBulkNotificationsEnabled)" "read-write" "the bulk switch is writable"
is "$(access VM-MIB::vmAffectedVMs)" "accessible-for-notify" "vmAffectedVMs is for notifications"
is "$(access VIRTMON-MIB::virtmonVmAdminState)" "read-write" "virtmonVmAdminState is writable"
is "$($T -Td VM-MIB::vmCpuTime 2>&1 | sed -n 's/^ *UNITS[[:space:]]*//p')" '"microsecond"' \
    "vmCpuTime is in microseconds"
like "$($T -Td VM-MIB::vmStorageMediaType 2>&1)" 'INTEGER \{other\(1\), unknown\(2\), hardDisk\(3\)' \
    "vmStorageMediaType: other is 1, unknown 2 (the SYNTAX, not the RFC's prose)"
done_testing
