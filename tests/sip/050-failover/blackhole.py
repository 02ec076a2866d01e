#!/usr/bin/env python3
"""A SIP target that takes datagrams and never answers (no ICMP either, unlike a closed port).
Usage: blackhole.py ADDR PORT LOGFILE SECONDS  -- writes the first line of each datagram."""
import socket
import sys
import time

addr, port, logfile, secs = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((addr, port))
end = time.monotonic() + secs
with open(logfile, "a", buffering=1) as log:
    while True:
        left = end - time.monotonic()
        if left <= 0:
            break
        s.settimeout(left)
        try:
            data = s.recv(65535)
        except socket.timeout:
            break
        log.write(data.split(b"\r\n", 1)[0].decode("latin-1") + "\n")
