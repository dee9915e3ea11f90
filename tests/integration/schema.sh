#!/bin/sh
# schema.sh: every domain document in the test data validates against our
# schema (drivers/conf/schemas/domain.rng: what virtmon interprets), and
# everything virtmon formats, and the QEMU argv goldens' definitions,
# validate against libvirt's own schema too.
# (*-invalid.xml files are refused by the parser: tests/unit/test_domain_xml;
# *-kept*.xml hold content virtmon keeps without interpreting it, for
# libvirt's schema alone.)
. "$abs_top_srcdir/tests/lib.sh"
need xmllint

rng="$abs_top_srcdir/drivers/conf/schemas/domain.rng"
for f in "$abs_top_srcdir"/tests/data/domain-xml/*.xml; do
    [ -e "$f" ] || continue
    case $f in *-invalid.xml|*-kept*.xml) continue ;; esac
    xmllint --noout --relaxng "$rng" "$f" >/dev/null 2>"$VM_TMP/err"
    ok $? "our schema accepts $(basename "$f")"
done

libvirt_rng=/usr/share/libvirt/schemas/domain.rng
need virsh   # libvirt-clients pulls in libvirt0, which ships the schemas
[ -f "$libvirt_rng" ]
ok $? "libvirt's schema is installed ($libvirt_rng)"
for f in "$abs_top_srcdir"/tests/data/domain-xml/*.out.xml; do
    xmllint --noout --relaxng "$libvirt_rng" "$f" >/dev/null 2>"$VM_TMP/err"
    ok $? "libvirt's schema accepts $(basename "$f")"
    [ -s "$VM_TMP/err" ] && grep -v validates "$VM_TMP/err" | sed 's/^/# /'
done
# the argv goldens' definitions are libvirt's XML, most with content our
# schema leaves to libvirt's (features, controllers...)
for f in "$abs_top_srcdir"/tests/data/qemu-argv/*.xml; do
    xmllint --noout --relaxng "$libvirt_rng" "$f" >/dev/null 2>"$VM_TMP/err"
    ok $? "libvirt's schema accepts qemu-argv/$(basename "$f")"
    [ -s "$VM_TMP/err" ] && grep -v validates "$VM_TMP/err" | sed 's/^/# /'
done
done_testing
