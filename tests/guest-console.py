#!/usr/bin/env python3
"""guest-console.py PTY REGEX [SEND]: talks to a guest's serial console.

Opens the pty a domain's console is on (from its runtime state), writes
SEND and a newline when given (an empty line otherwise), and reads until a
line matches REGEX; prints what it read.  Exits 0 on a match, 1 when the
deadline (VM_CONSOLE_TIMEOUT seconds, default 60) passes first.
"""
import os
import re
import select
import sys
import termios
import time


def main():
    pty, pattern = sys.argv[1], re.compile(sys.argv[2])
    send = sys.argv[3] if len(sys.argv) > 3 else ""
    deadline = time.time() + float(os.environ.get("VM_CONSOLE_TIMEOUT", "60"))
    fd = os.open(pty, os.O_RDWR | os.O_NOCTTY)
    attrs = termios.tcgetattr(fd)
    attrs[3] &= ~(termios.ECHO | termios.ICANON)   # raw enough: no local echo
    termios.tcsetattr(fd, termios.TCSANOW, attrs)
    os.write(fd, (send + "\n").encode())
    seen, last_send = b"", time.time()
    while time.time() < deadline:
        r, _, _ = select.select([fd], [], [], 0.5)
        if r:
            seen += os.read(fd, 4096)
            for line in seen.decode(errors="replace").splitlines():
                if pattern.search(line):
                    print(seen.decode(errors="replace").rstrip("\n"))
                    return 0
        elif not send and time.time() - last_send > 2:
            # a guest still booting did not see the first empty line
            os.write(fd, b"\n")
            last_send = time.time()
    print(seen.decode(errors="replace").rstrip("\n"))
    return 1


if __name__ == "__main__":
    sys.exit(main())
