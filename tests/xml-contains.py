#!/usr/bin/env python3
"""xml-contains.py IN OUT: every element, attribute and value of IN is in
OUT (libvirt's round-trip rule: defaults may be added, nothing lost).

Elements are matched by name under matching parents, in order, each OUT
element used once; memory sizes are compared in KiB (OUT writes KiB); the
live id of <domain> is no part of a definition.
Prints what is missing and exits 1, or exits 0."""
import sys
import xml.etree.ElementTree as ET

UNITS = {"b": 1 / 1024, "bytes": 1 / 1024, "kb": 1000 / 1024, "k": 1, "kib": 1,
         "mb": 1e6 / 1024, "m": 1024, "mib": 1024, "gb": 1e9 / 1024, "g": 1024 ** 2,
         "gib": 1024 ** 2, "tb": 1e12 / 1024, "t": 1024 ** 3, "tib": 1024 ** 3}
SIZED = {"memory", "currentMemory", "maxMemory"}


def kib(e):
    return round(int(e.text.strip()) * UNITS[(e.get("unit") or "KiB").lower()])


def matches(a, b):
    """a (IN) is contained in b (OUT)."""
    if a.tag != b.tag:
        return False
    for k, v in a.attrib.items():
        if a.tag in SIZED and k == "unit":
            continue
        if a.tag == "domain" and k == "id":
            continue    # the live id: not part of a definition
        if b.get(k) != v:
            return False
    if a.tag in SIZED:
        if kib(a) != kib(b):
            return False
    elif (a.text or "").strip() and (a.text or "").strip() != (b.text or "").strip():
        return False
    used = set()
    for ca in a:
        for i, cb in enumerate(b):
            if i not in used and matches(ca, cb):
                used.add(i)
                break
        else:
            return False
    return True


def explain(a, b, path):
    """The first part of a missing from b, for the message."""
    for ca in a:
        cands = [cb for cb in b if cb.tag == ca.tag]
        if not any(matches(ca, cb) for cb in cands):
            if len(cands) == 1:
                return explain(ca, cands[0], path + "/" + ca.tag) or \
                    "%s/%s %s" % (path, ca.tag, dict(ca.attrib))
            return "%s/%s %s is missing" % (path, ca.tag, dict(ca.attrib))
    return None


def main():
    a, b = ET.parse(sys.argv[1]).getroot(), ET.parse(sys.argv[2]).getroot()
    if matches(a, b):
        return 0
    print("not in the output: %s" % (explain(a, b, "/" + a.tag) or "the root's attributes"))
    return 1


if __name__ == "__main__":
    sys.exit(main())
