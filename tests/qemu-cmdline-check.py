#!/usr/bin/env python3
"""qemu-cmdline-check.py DEF.xml PID: the QEMU running as PID carries the
devices, boot indexes and display of the domain definition DEF.xml.

Reads the command line from /proc/PID/cmdline (what runs, not what virtmon
meant to run) and checks: a -device for every disk (id disk-DEV) and every
interface (its MAC), the bootindex of each <boot order> (or of the first
device of each kind <os><boot dev> names, in order), and -vnc, -spice or
-display none as the definition's graphics say.  Prints each problem;
exits 1 when there is one.
"""
import json
import sys
import xml.etree.ElementTree as ET


def main():
    root = ET.parse(sys.argv[1]).getroot()
    argv = open("/proc/%s/cmdline" % sys.argv[2], "rb").read().split(b"\0")
    argv = [a.decode() for a in argv]
    devices = [json.loads(v) for o, v in zip(argv, argv[1:]) if o == "-device" and v.startswith("{")]
    by_id = {d.get("id"): d for d in devices}
    problems = []
    disks = root.findall("./devices/disk")
    nets = root.findall("./devices/interface")
    os_boot = [b.get("dev") for b in root.findall("./os/boot")]
    first = {}
    for d in disks:
        kind = {"cdrom": "cdrom", "floppy": "fd"}.get(d.get("device", "disk"), "hd")
        first.setdefault(kind, d)
    if nets:
        first.setdefault("network", nets[0])
    want_boot = {}
    for i, dev in enumerate(os_boot):
        if dev in first:
            want_boot.setdefault(id(first[dev]), i + 1)
    for el in disks + nets:
        b = el.find("boot")
        if b is not None:
            want_boot[id(el)] = int(b.get("order"))
    for d in disks:
        dev = d.find("target").get("dev")
        qd = by_id.get("disk-" + dev)
        if not qd:
            problems.append("no -device for disk %s" % dev)
            continue
        if id(d) in want_boot and qd.get("bootindex") != want_boot[id(d)]:
            problems.append("disk %s: bootindex %s, not %s" % (dev, qd.get("bootindex"), want_boot[id(d)]))
        if id(d) not in want_boot and "bootindex" in qd:
            problems.append("disk %s: bootindex %s, none expected" % (dev, qd["bootindex"]))
    for n in nets:
        mac = n.find("mac").get("address") if n.find("mac") is not None else None
        qd = [d for d in devices if mac and d.get("mac") == mac]
        if not qd:
            problems.append("no -device for interface %s" % mac)
        elif id(n) in want_boot and qd[0].get("bootindex") != want_boot[id(n)]:
            problems.append("interface %s: bootindex %s, not %s" % (mac, qd[0].get("bootindex"), want_boot[id(n)]))
    types = [g.get("type") for g in root.findall("./devices/graphics")]
    for t, opt in (("vnc", "-vnc"), ("spice", "-spice")):
        if (t in types) != (opt in argv):
            problems.append("graphics %s in the definition: %s, %s in argv" % (t, t in types, opt in argv))
    if not types and "-display" not in argv:
        problems.append("no graphics, but no -display none")
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
