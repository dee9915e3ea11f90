#!/usr/bin/env python3
"""pty-run.py REGEX OUTFILE COMMAND...: runs COMMAND on a new pty, as a
terminal user would: sends an empty line, reads until a line matches
REGEX, then types Ctrl+] and waits for COMMAND to exit.  What COMMAND
printed goes to OUTFILE.  Exits 0 when REGEX was seen and COMMAND exited 0
after Ctrl+], 1 otherwise (deadline: VM_CONSOLE_TIMEOUT seconds, default 30).
"""
import os
import pty
import re
import select
import sys
import time


def main():
    pattern, outfile, argv = re.compile(sys.argv[1]), sys.argv[2], sys.argv[3:]
    deadline = time.time() + float(os.environ.get("VM_CONSOLE_TIMEOUT", "30"))
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(argv[0], argv)
    seen, matched, sent = b"", False, 0.0
    while time.time() < deadline and not matched:
        if time.time() - sent > 2:
            os.write(fd, b"\r")          # a raw terminal's Enter
            sent = time.time()
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                seen += os.read(fd, 4096)
            except OSError:
                break
            matched = bool(pattern.search(seen.decode(errors="replace")))
    status = 1
    if matched:
        os.write(fd, b"\x1d")            # Ctrl+]
        end = time.time() + 10
        while time.time() < end:
            done, st = os.waitpid(pid, os.WNOHANG)
            if done:
                status = os.waitstatus_to_exitcode(st)
                break
            r, _, _ = select.select([fd], [], [], 0.2)
            if r:
                try:
                    seen += os.read(fd, 4096)
                except OSError:
                    pass
        else:
            os.kill(pid, 9)
    else:
        os.kill(pid, 9)
    with open(outfile, "wb") as f:
        f.write(seen.replace(b"\r\n", b"\n"))
    print("matched" if matched else "no match", "exit", status)
    return 0 if matched and status == 0 else 1


sys.exit(main())
