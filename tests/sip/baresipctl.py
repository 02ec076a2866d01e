#!/usr/bin/env python3
"""baresipctl.py: a client of baresip's ctrl_tcp module, for the SIP tests.

Usage: baresipctl.py HOST:PORT EVENTS-FILE COMMAND-FIFO SECONDS

Connects to ctrl_tcp (retrying for up to 10 s), then, until SECONDS have passed or baresip
closes the socket:
  - every netstring baresip sends (JSON events and command responses) is appended to
    EVENTS-FILE as one line (JSON, compact), flushed at once;
  - every line written to COMMAND-FIFO (JSON, e.g. {"command":"dial","params":"sip:x@y"})
    is framed as a netstring and sent to baresip; the line "close" closes the socket and
    ends the client (closing first leaves the TCP TIME-WAIT on the client's side, so that
    baresip's ctrl_tcp address is free again at once).
Writes "connected" as the first line of EVENTS-FILE once the socket is up.
"""
import json
import os
import selectors
import socket
import sys
import time


def main():
    if len(sys.argv) != 5:
        sys.stderr.write(__doc__)
        return 2
    host, port = sys.argv[1].rsplit(":", 1)
    events_path, fifo_path, secs = sys.argv[2], sys.argv[3], float(sys.argv[4])
    deadline = time.monotonic() + secs

    sock = None
    t_conn = time.monotonic() + 10
    while sock is None:
        try:
            sock = socket.create_connection((host, int(port)), timeout=1)
        except OSError:
            if time.monotonic() > t_conn:
                sys.stderr.write("baresipctl: cannot connect to %s\n" % sys.argv[1])
                return 1
            time.sleep(0.1)
    sock.setblocking(False)

    # O_RDWR: the FIFO never reports EOF when a writer closes it
    fifo = os.open(fifo_path, os.O_RDWR | os.O_NONBLOCK)
    events = open(events_path, "a", buffering=1)
    events.write("connected\n")

    sel = selectors.DefaultSelector()
    sel.register(sock, selectors.EVENT_READ, "sock")
    sel.register(fifo, selectors.EVENT_READ, "fifo")
    rbuf = b""
    cbuf = b""
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        for key, _ in sel.select(timeout=min(left, 1.0)):
            if key.data == "sock":
                try:
                    data = sock.recv(65536)
                except BlockingIOError:
                    continue
                if not data:
                    events.write("closed\n")
                    return 0
                rbuf += data
                # netstrings: LEN ":" DATA ","
                while True:
                    colon = rbuf.find(b":")
                    if colon < 0:
                        break
                    try:
                        n = int(rbuf[:colon])
                    except ValueError:
                        events.write("bad-netstring %r\n" % rbuf[:40])
                        rbuf = b""
                        break
                    if len(rbuf) < colon + 1 + n + 1:
                        break
                    body = rbuf[colon + 1:colon + 1 + n]
                    rbuf = rbuf[colon + 1 + n + 1:]
                    try:
                        line = json.dumps(json.loads(body), separators=(",", ":"))
                    except ValueError:
                        line = body.decode("utf-8", "replace").replace("\n", " ")
                    events.write(line + "\n")
            else:
                cbuf += os.read(fifo, 4096)
                while b"\n" in cbuf:
                    line, cbuf = cbuf.split(b"\n", 1)
                    line = line.strip()
                    if not line:
                        continue
                    if line == b"close":	# we close first: the TIME-WAIT stays on our side
                        sock.close()
                        events.write("closed-by-client\n")
                        return 0
                    sock.setblocking(True)
                    sock.sendall(b"%d:%s," % (len(line), line))
                    sock.setblocking(False)
    events.write("timeout\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
