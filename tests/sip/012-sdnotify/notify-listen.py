#!/usr/bin/env python3
"""Listen on a Unix datagram socket as systemd's NOTIFY_SOCKET would; append each
message (its lines) to a file. Stops by itself after the given number of seconds."""
import os, socket, sys, time
path, out, secs = sys.argv[1], sys.argv[2], float(sys.argv[3])
if os.path.exists(path):
    os.unlink(path)
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
s.settimeout(0.2)
end = time.time() + secs
with open(out, "a", buffering=1) as f:
    while time.time() < end:
        try:
            data = s.recv(4096)
        except socket.timeout:
            continue
        for line in data.decode(errors="replace").splitlines():
            f.write(line + "\n")
