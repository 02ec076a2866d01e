#!/usr/bin/env python3
"""bob of 281-dtmf-baresip-info: a callee on a dtmf = "info" leg. Answers with PCMU and
telephone-event 101, sends PCMU to the relay all through the call (the stream tandemd splices
its RFC 4733 events into) and watches what the relay sends him. Takes the INFOs of the
digits alice sends (one line each in $T/infos: "SIGNAL DURATION"), answers them 200; after
four, sends two INFOs of his own (Signal=7 Duration=200, then application/dtmf "3"), each of
which tandemd must answer 200. Ends at alice's BYE; fails on a telephone-event packet
reaching him, on an INFO that is not a digit, or on no audio."""
import os
import random
import re
import socket
import struct
import threading
import time
from sipua import UA, env, fail, note, run, sdp, sdp_addr

RTP_PORT = 31000


class Rtp(threading.Thread):
    def __init__(self, ip, dest):
        super().__init__(daemon=True)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((ip, RTP_PORT))
        self.sock.settimeout(0.02)
        self.dest = dest
        self.stop = False
        self.pts = {}

    def run(self):
        seq, ts, ssrc = random.randint(0, 65535), random.randint(0, 1 << 31), random.getrandbits(32)
        nxt = time.monotonic()
        while not self.stop:
            now = time.monotonic()
            if now >= nxt:
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


def main():
    bob = UA("bob", env("CALLEE_IP"), int(env("CALLEE_PORT")))
    infos = os.path.join(env("T"), "infos")
    inv = bob.wait_request("INVITE", timeout=20)
    addr, port = sdp_addr(inv.body)
    if "telephone-event" not in inv.body:
        fail("the offer has no telephone-event: %r" % inv.body)
    rtp = Rtp(bob.ip, (addr, port))
    rtp.start()
    d = bob.answer(inv, RTP_PORT, body=sdp(bob.ip, RTP_PORT, "bob"))
    note("answered; relay at %s:%d" % (addr, port))
    got = []
    while len(got) < 4:
        m = bob.expect(lambda m: m.is_request, 30, "INFO %d" % (len(got) + 1))
        if m.method != "INFO":
            fail("%s while waiting for INFO %d" % (m.method, len(got) + 1))
        ctype = m.hdr("content-type") or ""
        sig = re.search(r"^Signal=\s*(\S+)", m.body, re.M)
        dur = re.search(r"^Duration=\s*(\d+)", m.body, re.M)
        if ctype != "application/dtmf-relay" or not sig or not dur:
            fail("INFO %d: %s %r" % (len(got) + 1, ctype, m.body))
        bob.reply_in(m, 200)
        got.append((sig.group(1), int(dur.group(1))))
        with open(infos, "a") as f:
            f.write("%s %s\n" % got[-1])
        note("INFO %s" % (got[-1],))
    for body, ctype in (("Signal=7\r\nDuration=200\r\n", "application/dtmf-relay"),
                        ("3", "application/dtmf")):
        tx = d.send("INFO", body=body, ctype=ctype)
        bob.wait_final(tx, want=200)
        note("our INFO %s answered 200" % ctype)
    bye = bob.expect(lambda m: m.is_request, 30, "BYE")
    if bye.method != "BYE":
        fail("%s instead of BYE (more INFOs than digits?)" % bye.method)
    bob.reply_in(bye, 200)
    rtp.stop = True
    rtp.join(2)
    note("payload types received: %s" % rtp.pts)
    if rtp.pts.get(101):
        fail("%d telephone-event packets reached the info leg" % rtp.pts[101])
    if rtp.pts.get(0, 0) < 50:
        fail("only %d PCMU packets from alice" % rtp.pts.get(0, 0))


run(main)
