#!/usr/bin/env python3
"""pty-run.py OUTFILE STEP... -- COMMAND...: runs COMMAND on a new pty, as
a terminal user would, through the steps in order:

  nudge=TEXT    send TEXT every 2 s while the next expect waits
  expect=REGEX  read until what COMMAND printed matches REGEX
  send=TEXT     type TEXT
  exit=N        wait for COMMAND to exit, with status N

TEXT takes \\r, \\n and \\xHH escapes (Ctrl+] is \\x1d).  What COMMAND printed
goes to OUTFILE.  Exits 0 when every step held, 1 at the first that did
not (each waits at most VM_CONSOLE_TIMEOUT seconds, default 30).
"""
import codecs
import os
import pty
import re
import select
import sys
import time


def unescape(text):
    return codecs.decode(text, "unicode_escape").encode("latin-1")


def main():
    outfile = sys.argv[1]
    sep = sys.argv.index("--")
    steps, argv = sys.argv[2:sep], sys.argv[sep + 1:]
    timeout = float(os.environ.get("VM_CONSOLE_TIMEOUT", "30"))
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(argv[0], argv)
    seen, nudge, ok, exited = b"", None, True, False

    def read_some(wait):
        nonlocal seen
        r, _, _ = select.select([fd], [], [], wait)
        if r:
            try:
                seen += os.read(fd, 4096)
            except OSError:
                return False
        return True

    for step in steps:
        kind, _, arg = step.partition("=")
        deadline = time.time() + timeout
        if kind == "nudge":
            nudge = unescape(arg)
        elif kind == "send":
            os.write(fd, unescape(arg))
        elif kind == "expect":
            pattern, sent = re.compile(arg), 0.0
            while not pattern.search(seen.decode(errors="replace")):
                if time.time() > deadline:
                    ok = False
                    break
                if nudge and time.time() - sent > 2:
                    os.write(fd, nudge)
                    sent = time.time()
                if not read_some(0.2):
                    break
            else:
                nudge = None
                seen_at = len(seen)
                continue
            if not ok or not pattern.search(seen.decode(errors="replace")):
                ok = False
                break
        elif kind == "exit":
            status = None
            while time.time() < deadline:
                done, st = os.waitpid(pid, os.WNOHANG)
                if done:
                    status = os.waitstatus_to_exitcode(st)
                    exited = True
                    break
                read_some(0.2)
            if status != int(arg):
                print("exit status", status, "not", arg)
                ok = False
                break
        if not ok:
            break
    if not exited:
        try:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
        except OSError:
            pass
    with open(outfile, "wb") as f:
        f.write(seen.replace(b"\r\n", b"\n"))
    print("all steps held" if ok else "stopped at step '%s'" % step)
    return 0 if ok else 1


sys.exit(main())
