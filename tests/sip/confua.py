#!/usr/bin/env python3
"""confua.py: RTP parties and tone levels for the conference tests (284-289).

    from confua import Tone, levels
    t = Tone("bob", ip, 31000, 1000, codec="PCMA")   # a socket on ip:31000
    t.start(("127.0.0.1", 20004))      # sends a 1000 Hz tone every 20 ms, records what comes
    m = t.mark(); ...; lv = t.levels(m, 1.0, [440, 1000, 1700])   # {440: amplitude, ...}
    t.stop()

Standard library only (audioop for G.711, Goertzel for the levels). As a script:
confua.py levels WAV FROM SECS HZ...: the amplitude of each HZ in a 16-bit mono wav from FROM
seconds on, for SECS seconds, one "HZ=AMPLITUDE" a line ("short" and exit 1 when the file
holds less than that).
"""
import math
import warnings

warnings.filterwarnings("ignore", category=DeprecationWarning)
import audioop  # noqa: E402  (G.711; Debian 12's Python 3.11 has it)

import socket
import struct
import sys
import threading
import time

AMPLITUDE = 6000    # each party's tone: three of them mixed stay far from clipping


def goertzel_amp(x, rate, f):
    """The amplitude of the f Hz component of samples x."""
    if not x:
        return 0.0
    w = 2.0 * math.pi * f / rate
    c = 2.0 * math.cos(w)
    s1 = s2 = 0.0
    for v in x:
        s0 = v + c * s1 - s2
        s2 = s1
        s1 = s0
    p = s1 * s1 + s2 * s2 - c * s1 * s2
    return 2.0 * math.sqrt(max(p, 0.0)) / len(x)


class Tone:
    def __init__(self, name, ip, port, hz, codec="PCMU", disorder=False):
        """disorder: packets go out of order (each pair swapped) and every 10th one 200 ms
        late, as over a bad network."""
        self.name, self.hz, self.codec, self.disorder = name, hz, codec, disorder
        self.pt = 8 if codec == "PCMA" else 0
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((ip, port))
        self.sock.settimeout(0.05)
        self.remote = None
        self.rx = []            # decoded samples, in order of arrival
        self.rx_lock = threading.Lock()
        self.stopping = False
        self.threads = []

    def start(self, remote):
        self.remote = remote
        for f in (self._send, self._recv):
            t = threading.Thread(target=f, daemon=True)
            t.start()
            self.threads.append(t)

    def _send(self):
        seq, ts, ssrc, n = 1000, 5000, 0x1000 + self.hz, 0
        held, late = None, []      # disorder: the packet swapped with the next; the late ones
        t0 = time.monotonic()
        while not self.stopping:
            pcm = struct.pack("<160h", *[int(AMPLITUDE * math.sin(2 * math.pi * self.hz *
                                                              (ts + i) / 8000.0))
                                         for i in range(160)])
            pay = audioop.lin2alaw(pcm, 2) if self.pt == 8 else audioop.lin2ulaw(pcm, 2)
            hdr = struct.pack("!BBHII", 0x80, self.pt, seq & 0xffff, ts & 0xffffffff, ssrc)
            out = [hdr + pay]
            if self.disorder:
                if n % 10 == 5:
                    late.append((n + 10, out.pop()))
                elif held is None:
                    held, out = out[0], []
                else:
                    out, held = [out[0], held], None
                while late and late[0][0] <= n:
                    out.append(late.pop(0)[1])
            for o in out:
                try:
                    self.sock.sendto(o, self.remote)
                except OSError:
                    pass
            seq, ts, n = seq + 1, ts + 160, n + 1
            delay = t0 + n * 0.02 - time.monotonic()
            if delay > 0:
                time.sleep(delay)

    def _recv(self):
        while not self.stopping:
            try:
                data, _ = self.sock.recvfrom(2048)
            except socket.timeout:
                continue
            except OSError:
                return
            if len(data) < 12 or data[0] >> 6 != 2:
                continue
            pt = data[1] & 0x7f
            cc = data[0] & 0x0f
            pay = data[12 + 4 * cc:]
            if pt == 0:
                lin = audioop.ulaw2lin(pay, 2)
            elif pt == 8:
                lin = audioop.alaw2lin(pay, 2)
            else:
                continue
            with self.rx_lock:
                self.rx.extend(struct.unpack("<%dh" % (len(lin) // 2), lin))

    def mark(self):
        with self.rx_lock:
            return len(self.rx)

    def wait_samples(self, frm, n, timeout):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.mark() >= frm + n:
                return True
            time.sleep(0.05)
        return False

    def levels(self, frm, secs, freqs):
        n = int(secs * 8000)
        if not self.wait_samples(frm, n, secs + 5):
            return None
        with self.rx_lock:
            x = self.rx[frm:frm + n]
        return {f: goertzel_amp(x, 8000, f) for f in freqs}

    def stop(self):
        self.stopping = True
        for t in self.threads:
            t.join(1)
        self.sock.close()


def wav_levels(path, frm, secs, freqs):
    """Levels in a 16-bit wav, also one still being written (its header not final yet: the
    format from the fmt chunk, the samples from the data chunk on, the file's size)."""
    with open(path, "rb") as f:
        data = f.read()
    at = data.find(b"fmt ")
    if at < 0 or len(data) < at + 24:
        return None
    ch, rate = struct.unpack("<HI", data[at + 10:at + 16])
    d = data.find(b"data", at)
    if d < 0:
        return None
    pcm = data[d + 8:]
    first = int(frm * rate) * ch * 2
    need = int(secs * rate) * ch * 2
    if first + need > len(pcm):
        return None
    raw = pcm[first:first + need]
    x = struct.unpack("<%dh" % (len(raw) // 2), raw)
    if ch > 1:
        x = [sum(x[i:i + ch]) / ch for i in range(0, len(x) - ch + 1, ch)]
    return {f: goertzel_amp(x, rate, f) for f in freqs}


def main():
    if len(sys.argv) < 6 or sys.argv[1] != "levels":
        sys.stderr.write(__doc__)
        return 2
    lv = wav_levels(sys.argv[2], float(sys.argv[3]), float(sys.argv[4]),
                    [int(f) for f in sys.argv[5:]])
    if lv is None:
        print("short")
        return 1
    for f, a in lv.items():
        print("%d=%.0f" % (f, a))
    return 0


if __name__ == "__main__":
    sys.exit(main())
