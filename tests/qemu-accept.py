#!/usr/bin/env python3
"""qemu-accept.py: QEMU itself must accept each golden argv.

For every tests/data/qemu-argv/**/NAME.args given, runs the real
qemu-system-x86_64 with that argv under -S, with only what belongs to the
machine it ran on replaced (the QMP socket, pidfile and channel sockets in
a temp dir, disk images made there in the golden's formats, a tap opened for
each fd= the golden names, free display ports), then asks it over QMP for
its status and its devices: every -device id of the golden must be there.
Prints TAP ("ok N - NAME"); exits 1 when one failed.  Runs in a network
namespace of its own (unshare), so the taps it opens touch nothing else.
"""
import fcntl
import glob
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time

TUNSETIFF = 0x400454CA
IFF_TAP, IFF_NO_PI = 0x0002, 0x1000
CHANNELS = "/run/virtmon/qemu/5c2a9a94-3a5c-4b77-9f1e-0d9d2b8d1c01"
DEADLINE = 30.0


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def open_tap():
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", b"", IFF_TAP | IFF_NO_PI))
    return fd


def make_image(path, fmt):
    if fmt == "qcow2":
        subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", path, "1474560"], check=True)
    else:
        with open(path, "wb") as f:
            f.truncate(1474560)


def rewrite(args, tmp, listeners):
    """The golden's argv with this machine's paths, ports and descriptors."""
    out, fds, n = [], {}, 0
    formats = {}
    for i, a in enumerate(args):
        if args[i - 1] == "-blockdev" and '"file":' in a:
            o = json.loads(a)
            formats[o["file"]] = o["driver"]
    for i, a in enumerate(args):
        prev = args[i - 1] if i else ""
        if i == 0:
            a = "qemu-system-x86_64"
        elif prev == "-blockdev" and '"node-name":"pflash' in a:
            # the firmware as it is; the variables a copy of its template
            o = json.loads(a)
            if o["node-name"] == "pflash1-store":
                path = os.path.join(tmp, "VARS.fd")
                shutil.copy(o["filename"].replace("/var/lib/virtmon/qemu/guest_VARS.fd",
                                                  "/usr/share/OVMF/OVMF_VARS_4M.fd"), path)
                o["filename"] = path
            a = json.dumps(o)
        elif prev == "-blockdev" and '"filename"' in a:
            o = json.loads(a)
            n += 1
            path = os.path.join(tmp, "img%d" % n)
            make_image(path, formats.get(o["node-name"], "raw"))
            o["filename"], o["driver"] = path, "file"
            a = json.dumps(o)
        elif prev == "-qmp":
            a = "unix:%s/qmp,server=on,wait=off" % tmp
        elif prev == "-pidfile":
            a = tmp + "/pid"
        elif prev == "-kernel":
            a = sorted(glob.glob("/boot/vmlinuz-*"))[-1]
        elif prev == "-initrd":
            a = tmp + "/initrd"
            open(a, "wb").write(b"\0" * 512)
        elif prev == "-spice":
            a = re.sub(r"port=\d+", "port=%d" % free_port(), a)
        elif prev == "-vnc":
            a = re.sub(r":\d+(,to=99)?", ":0,to=99", a, count=1) if not a.startswith("[") else a
        elif prev == "-chardev" and a.startswith("socket,id=chrtpm,"):
            # the TPM: a real swtpm, started by one() before QEMU
            a = re.sub(r"path=((?:[^,]|,,)*)", "path=%s/tpm.sock" % tmp, a)
        elif prev == "-chardev":
            a = a.replace(CHANNELS, tmp + "/ch")
            m = re.search(r"path=((?:[^,]|,,)*)", a)
            if m and not m.group(1).startswith(tmp):
                new = os.path.join(tmp, "chr%d" % i)
                a = a.replace("path=" + m.group(1), "path=" + new)
                if "server=off" in a:
                    s = socket.socket(socket.AF_UNIX)
                    s.bind(new)
                    s.listen(1)
                    listeners.append(s)
        elif prev == "-netdev" and ",fd=" in a:
            want = int(re.search(r",fd=(\d+)", a).group(1))
            fds[want] = open_tap()
        out.append(a)
    return out + ["-S"], fds


def qmp(sock_path, deadline):
    s = socket.socket(socket.AF_UNIX)
    while True:
        try:
            s.connect(sock_path)
            break
        except OSError:
            if time.time() > deadline:
                raise
            time.sleep(0.05)
    s.settimeout(max(1.0, deadline - time.time()))
    f = s.makefile("rw")

    def cmd(name, arguments=None):
        msg = {"execute": name}
        if arguments:
            msg["arguments"] = arguments
        f.write(json.dumps(msg) + "\n")
        f.flush()
        while True:
            r = json.loads(f.readline())
            if "return" in r or "error" in r:
                return r

    json.loads(f.readline())  # greeting
    r = cmd("qmp_capabilities")
    if "error" in r:
        raise RuntimeError(r["error"]["desc"])
    return s, cmd


def one(path):
    args = open(path).read().split("\n")[:-1]
    want_ids = [json.loads(a)["id"] for i, a in enumerate(args)
                if args[i - 1] == "-device" and a.startswith("{")]
    listeners = []
    with tempfile.TemporaryDirectory() as tmp:
        argv, fds = rewrite(args, tmp, listeners)
        for want, fd in fds.items():
            if want != fd:
                os.dup2(fd, want, inheritable=True)
                os.close(fd)
            else:
                os.set_inheritable(fd, True)
        log = open(tmp + "/log", "w+")
        swtpm = None
        if "-tpmdev" in argv:
            os.mkdir(tmp + "/tpm")
            swtpm = subprocess.Popen(["swtpm", "socket", "--tpmstate", "dir=%s/tpm" % tmp,
                                      "--ctrl", "type=unixio,path=%s/tpm.sock" % tmp,
                                      "--tpm2", "--terminate"], stdout=log, stderr=log)
            end = time.time() + 10
            while not os.path.exists(tmp + "/tpm.sock") and time.time() < end:
                time.sleep(0.02)
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                             pass_fds=list(fds.keys()))
        for want in fds:
            os.close(want)
        deadline = time.time() + DEADLINE
        try:
            s, cmd = qmp(tmp + "/qmp", deadline)
            r = cmd("query-status")
            if "error" in r:
                raise RuntimeError(r["error"]["desc"])
            status = r["return"]["status"]
            ids = [e["name"] for e in cmd("qom-list", {"path": "/machine/peripheral"})["return"]]
            cmd("quit")
            s.close()
            p.wait(timeout=max(1, deadline - time.time()))
            missing = [i for i in want_ids if i not in ids]
            if status != "prelaunch":
                return "status %s, not prelaunch" % status
            if missing:
                return "devices missing: %s" % ", ".join(missing)
            return None
        except Exception as e:  # QEMU refused the argv: its log says why
            if os.environ.get("VM_ACCEPT_DEBUG"):
                import traceback
                traceback.print_exc()
            p.kill()
            p.wait()
            log.seek(0)
            return "%s: %s" % (type(e).__name__, log.read().strip()[-600:])
        finally:
            for s in listeners:
                s.close()
            if swtpm:
                swtpm.kill()
                swtpm.wait()


def main():
    if os.environ.get("VM_ACCEPT_NETNS") != "1":
        os.environ["VM_ACCEPT_NETNS"] = "1"
        os.execvp("unshare", ["unshare", "--net", sys.executable] + sys.argv)
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    files = sys.argv[1:]
    print("1..%d" % len(files))
    failed = 0
    for n, path in enumerate(files, 1):
        why = one(path)
        name = os.path.relpath(path, os.path.dirname(os.path.dirname(path)))
        if why:
            failed += 1
            print("not ok %d - %s: %s" % (n, name, why))
        else:
            print("ok %d - %s" % (n, name))
        sys.stdout.flush()
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
