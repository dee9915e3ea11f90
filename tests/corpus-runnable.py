#!/usr/bin/env python3
"""corpus-runnable.py IN OUT TYPE IMGDIR [strip-hv] [no-arch-caps]: a copy
of a virt-install definition that can run here.

Only what belongs to another machine changes: the domain type (kvm or qemu),
each disk's source (a new image in IMGDIR in the definition's format, a
block device becoming a file), and network or bridge interfaces becoming
user-mode ones (same MAC and model).  "strip-hv" leaves out the Hyper-V
enlightenments a nested KVM may refuse (vapic, hypervclock); "no-arch-caps"
adds <feature policy='disable' name='arch-capabilities'/> to a host CPU,
for a KVM that refuses QEMU's value of that MSR.
"""
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

ET.register_namespace("libosinfo", "http://libosinfo.org/xmlns/libvirt/domain/1.0")


def main():
    src, dst, vtype, imgdir = sys.argv[1:5]
    opts = set(sys.argv[5:])
    tree = ET.parse(src)
    dom = tree.getroot()
    dom.set("type", vtype)
    name = dom.findtext("name")
    for i, disk in enumerate(dom.findall("./devices/disk")):
        source = disk.find("source")
        if source is None:
            continue
        drv = disk.find("driver")
        fmt = drv.get("type", "raw") if drv is not None else "raw"
        path = os.path.join(imgdir, "%s-%d.%s" % (name, i, fmt))
        if not os.path.exists(path):
            if fmt == "qcow2":
                subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", path, "64M"], check=True)
            else:
                with open(path, "wb") as f:
                    f.truncate(1 << 20)
        disk.set("type", "file")
        for k in list(source.attrib):
            del source.attrib[k]
        source.set("file", path)
    for nic in dom.findall("./devices/interface"):
        if nic.get("type") in ("network", "bridge"):
            nic.set("type", "user")
            s = nic.find("source")
            if s is not None:
                nic.remove(s)
    if "strip-hv" in opts:
        hv = dom.find("./features/hyperv")
        if hv is not None and hv.find("vapic") is not None:
            hv.remove(hv.find("vapic"))
        clock = dom.find("clock")
        for t in list(clock) if clock is not None else []:
            if t.get("name") == "hypervclock":
                clock.remove(t)
    cpu = dom.find("cpu")
    if "no-arch-caps" in opts and cpu is not None and cpu.get("mode") in ("host-passthrough", "host-model"):
        ET.SubElement(cpu, "feature", {"policy": "disable", "name": "arch-capabilities"})
    tree.write(dst)


if __name__ == "__main__":
    main()
