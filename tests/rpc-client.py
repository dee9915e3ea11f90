#!/usr/bin/env python3
"""rpc-client.py SOCKET CASE: speaks (or mis-speaks) virtmond's protocol
on SOCKET, for the tests: prints what happened and exits 0 when the daemon
did what the case expects.

  hello     a well-formed HELLO: a reply with version 1
  garbage   bytes that are no header: the daemon closes the connection
  wrongprog a header of another program: closed
  oversize  a header claiming 1 GiB: closed before any body is read
  truncated half a message, then the end of the stream: closed
  early     a call before HELLO: closed
  badbody   HELLO with a body too short: closed
  stall     connects, sends half a header and holds on (until killed)
  garbageloop  garbage, the daemon's close, again, every 20 ms until killed
  tlsstall  (SOCKET tcp:HOST:PORT) half a TLS record header, then holds on
  nosasl    HELLO, then OPEN without the SASL the socket asks for: an auth
            error reply, nothing else, and the connection closed
"""
import socket
import struct
import sys
import time

PROGRAM, VERSION, HEADER = 0x564D4F4E, 1, 28


def header(length, proc, typ=0, serial=1, status=0):
    return struct.pack(">7I", length, PROGRAM, VERSION, proc, typ, serial, status)


def closed_by_peer(s, timeout=10):
    s.settimeout(timeout)
    try:
        while True:
            data = s.recv(4096)
            if not data:
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False


def recv_message(s):
    """One whole message (header fields, body), or None at the end."""
    data = b""
    while len(data) < HEADER or len(data) < struct.unpack(">I", data[:4])[0]:
        chunk = s.recv(65536)
        if not chunk:
            return None
        data += chunk
    fields = struct.unpack(">7I", data[:HEADER])
    return fields, data[HEADER:fields[0]]


def nosasl(s):
    s.settimeout(10)
    s.sendall(header(HEADER + 4, 1) + struct.pack(">I", VERSION))
    hello = recv_message(s)
    # OPEN {str driver "test", str? absent}
    body = struct.pack(">II", 1, 4) + b"test" + struct.pack(">I", 0)
    s.sendall(header(HEADER + len(body), 2, serial=2) + body)
    reply = recv_message(s)
    if not hello or not reply:
        print("no reply")
        return 1
    fields, body = reply
    code, present, n = struct.unpack(">III", body[:12])
    message = body[12:12 + n].decode()
    print("status", fields[6], "code", code, "message:", message)
    closed = closed_by_peer(s)
    print("closed by the daemon" if closed else "still open")
    return 0 if fields[6] == 1 and closed else 1


def main():
    path, case = sys.argv[1], sys.argv[2]
    if case == "garbageloop":
        while True:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(path)
            s.sendall(b"GET / HTTP/1.0\r\n\r\n" + b"\x00" * 40)
            closed_by_peer(s)
            s.close()
            time.sleep(0.02)
    if path.startswith("tcp:"):
        host, port = path[4:].rsplit(":", 1)
        s = socket.create_connection((host, int(port)), timeout=10)
    else:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(path)
    if case == "tlsstall":
        s.sendall(b"\x16\x03\x01")
        time.sleep(3600)
        return 0
    if case == "nosasl":
        return nosasl(s)
    if case == "hello":
        s.sendall(header(HEADER + 4, 1) + struct.pack(">I", VERSION))
        s.settimeout(10)
        reply = b""
        while len(reply) < HEADER + 4:
            chunk = s.recv(4096)
            if not chunk:
                break
            reply += chunk
        fields = struct.unpack(">7I", reply[:HEADER])
        ok = fields[4] == 1 and fields[6] == 0 and struct.unpack(">I", reply[HEADER:HEADER + 4])[0] == 1
        print("reply", fields, "ok" if ok else "bad")
        return 0 if ok else 1
    if case == "garbage":
        s.sendall(b"GET / HTTP/1.0\r\n\r\n" + b"\x00" * 40)
    elif case == "wrongprog":
        s.sendall(struct.pack(">7I", HEADER + 4, 0x20000080, 1, 1, 0, 1, 0) + b"\x00" * 4)
    elif case == "oversize":
        s.sendall(header(1 << 30, 1))
    elif case == "truncated":
        s.sendall(header(HEADER + 100, 1) + b"\x00" * 50)
        s.shutdown(socket.SHUT_WR)
    elif case == "early":
        s.sendall(header(HEADER + 4, 10) + struct.pack(">I", 0))
    elif case == "badbody":
        s.sendall(header(HEADER + 2, 1) + b"\x00\x01")
    elif case == "stall":
        s.sendall(header(HEADER + 4, 1)[:10])
        time.sleep(3600)
        return 0
    closed = closed_by_peer(s)
    print("closed by the daemon" if closed else "still open")
    return 0 if closed else 1


sys.exit(main())
