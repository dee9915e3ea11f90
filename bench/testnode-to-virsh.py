#!/usr/bin/env python3
"""testnode-to-virsh.py NODE.XML DIR: the virsh commands that load a libvirt
test-driver fixture into a running test:///default (a daemon's), one
domain file each in DIR.

test:///FILE makes every connection parse FILE again; a daemon's
test:///default is parsed once and shared by every client, as a real
host's domains are.  The default connection's own domain 'test' goes, so
the result is the fixture and nothing else; each domain is left in its
test:runstate (1 running, 3 paused, 5 shut off)."""
import os
import sys
import xml.etree.ElementTree as ET

TEST_NS = "http://libvirt.org/schemas/domain/test/1.0"


def main():
    node, out = sys.argv[1], sys.argv[2]
    cmds = ["destroy test", "undefine test"]
    for dom in ET.parse(node).getroot().findall("domain"):
        name = dom.findtext("name")
        state = dom.find("{%s}runstate" % TEST_NS)
        code = int(state.text) if state is not None else 1
        if state is not None:
            dom.remove(state)
        path = os.path.join(out, name + ".xml")
        ET.ElementTree(dom).write(path, encoding="unicode")
        cmds.append("define " + path)
        if code in (1, 3):
            cmds.append("start " + name)
        if code == 3:
            cmds.append("suspend " + name)
    print("\n".join(cmds))


if __name__ == "__main__":
    main()
