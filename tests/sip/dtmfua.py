"""dtmfua.py: the SIP INFO side of the DTMF tests (281, 282), on sipua.py: an RTP stream of
PCMU packets sent to the relay all through the call (the stream tandemd splices its RFC 4733
events into on their way to the other party) with a count of the payload types received, and
the digits exchanged by INFO."""
import os
import random
import re
import socket
import struct
import threading
import time
from sipua import env, fail, note


class Rtp(threading.Thread):
    """PCMU every 20 ms from (ip, port) to dest; counts what arrives by payload type."""
    def __init__(self, ip, port, dest):
        super().__init__(daemon=True)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((ip, port))
        self.sock.settimeout(0.02)
        self.dest = dest
        self.stop = False
        self.pts = {}

    def run(self):
        seq, ts, ssrc = random.randint(0, 65535), random.randint(0, 1 << 31), random.getrandbits(32)
        nxt = time.monotonic()
        while not self.stop:
            if time.monotonic() >= nxt:
                hdr = struct.pack("!BBHII", 0x80, 0, seq & 0xffff, ts & 0xffffffff, ssrc)
                self.sock.sendto(hdr + b"\xff" * 160, self.dest)
                seq, ts, nxt = seq + 1, ts + 160, nxt + 0.02
            try:
                data, _ = self.sock.recvfrom(2048)
            except socket.timeout:
                continue
            if len(data) >= 12:
                pt = data[1] & 0x7f
                self.pts[pt] = self.pts.get(pt, 0) + 1

    def finish(self):
        self.stop = True
        self.join(2)
        note("payload types received: %s" % self.pts)
        if self.pts.get(101):
            fail("%d telephone-event packets reached the info leg" % self.pts[101])
        if self.pts.get(0, 0) < 50:
            fail("only %d PCMU packets from the other party" % self.pts.get(0, 0))


def info_digits(ua, d, n):
    """Take n INFO digits (application/dtmf-relay), answer each 200, write each to $T/infos
    ("SIGNAL DURATION"); then send two of our own (Signal=7 Duration=200 by dtmf-relay, "3" by
    application/dtmf), each of which must be answered 200; then wait for the BYE."""
    infos = os.path.join(env("T"), "infos")
    got = []
    while len(got) < n:
        m = ua.expect(lambda m: m.is_request, 30, "INFO %d" % (len(got) + 1))
        if m.method != "INFO":
            fail("%s while waiting for INFO %d" % (m.method, len(got) + 1))
        ctype = m.hdr("content-type") or ""
        sig = re.search(r"^Signal=\s*(\S+)", m.body, re.M)
        dur = re.search(r"^Duration=\s*(\d+)", m.body, re.M)
        if ctype != "application/dtmf-relay" or not sig or not dur:
            fail("INFO %d: %s %r" % (len(got) + 1, ctype, m.body))
        ua.reply_in(m, 200)
        got.append((sig.group(1), int(dur.group(1))))
        with open(infos, "a") as f:
            f.write("%s %s\n" % got[-1])
        note("INFO %s" % (got[-1],))
    for body, ctype in (("Signal=7\r\nDuration=200\r\n", "application/dtmf-relay"),
                        ("3", "application/dtmf")):
        tx = d.send("INFO", body=body, ctype=ctype)
        ua.wait_final(tx, want=200)
        note("our INFO %s answered 200" % ctype)
    bye = ua.expect(lambda m: m.is_request, 30, "BYE")
    if bye.method != "BYE":
        fail("%s instead of BYE (more INFOs than digits?)" % bye.method)
    ua.reply_in(bye, 200)
