"""relay_rtpe: rtpengine beside tandemd in bench-relay's srtp-rtp run (python3 standard library).

Debian's rtpengine (package rtpengine-daemon; `scripts/install-deps --bench` installs it) runs
in userspace (table = -1, no kernel forwarding), one signalling and one media thread
(num-threads = media-num-threads = 1), pinned to the DUT's core with the DUT's nice value,
on an address of its own. Its calls are set up over its ng control protocol (bencode over
UDP), as a SIP proxy such as Kamailio's rtpengine module would: per call an offer with the
caller's SDP (RTP/SAVP with the caller's a=crypto, the same key KA that the sipp caller
offers tandemd, with transport-protocol RTP/AVP toward the callee) and an answer with the
callee's (plain RTP/AVP). rtpengine's replies give the port facing each side and the key it
protects with toward the caller (TA, a fresh one per call), so that rtpload drives both
DUTs the same way: SRTP between X and rtpengine's A port, plain RTP between Y and its B
port, and a packet that rtpengine relays wrong fails authentication at rtpload.

The search then alternates tandemd and rtpengine trials (search_all), so that both see the
same state of the machine.
"""
import os
import re
import signal
import socket
import time

import relay_common as C

NG_PORT = 2223


# ---------------------------------------------------------------- bencode (the ng protocol)

def benc(v):
    if isinstance(v, int):
        return b"i%de" % v
    if isinstance(v, str):
        v = v.encode()
    if isinstance(v, bytes):
        return str(len(v)).encode() + b":" + v
    if isinstance(v, (list, tuple)):
        return b"l" + b"".join(benc(x) for x in v) + b"e"
    if isinstance(v, dict):
        return b"d" + b"".join(benc(k) + benc(v[k]) for k in sorted(v)) + b"e"
    raise TypeError("cannot bencode %r" % type(v))


def bdec(b, i=0):
    """(value, next index); strings stay bytes"""
    c = b[i:i + 1]
    if c == b"i":
        end = b.index(b"e", i)
        return int(b[i + 1:end]), end + 1
    if c in (b"l", b"d"):
        i += 1
        items = []
        while b[i:i + 1] != b"e":
            if i >= len(b):
                raise ValueError("truncated bencode")
            x, i = bdec(b, i)
            items.append(x)
        if c == b"l":
            return items, i + 1
        return {items[k].decode(): items[k + 1] for k in range(0, len(items), 2)}, i + 1
    colon = b.index(b":", i)
    n = int(b[i:colon])
    return b[colon + 1:colon + 1 + n], colon + 1 + n


class Ng:
    """one ng request at a time, each with its own cookie (rtpengine caches replies by cookie)"""

    def __init__(self, addr, timeout=5.0):
        self.addr = (addr, NG_PORT)
        self.s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.s.settimeout(timeout)
        self.prefix = os.urandom(4).hex()
        self.n = 0

    def ask(self, req, tries=3):
        self.n += 1
        cookie = ("%s%d" % (self.prefix, self.n)).encode()
        for _ in range(tries):
            self.s.sendto(cookie + b" " + benc(req), self.addr)
            t_end = time.time() + self.s.gettimeout()
            try:
                while time.time() < t_end:
                    data, _ = self.s.recvfrom(65535)
                    ck, _, body = data.partition(b" ")
                    if ck == cookie:
                        r, _ = bdec(body)
                        if r.get("result") not in (b"ok", b"pong"):
                            raise RuntimeError("rtpengine: %s: %r" % (req.get("command"), r))
                        return r
            except socket.timeout:
                continue
        raise RuntimeError("rtpengine: no answer to %s" % req.get("command"))

    def close(self):
        self.s.close()


def sdp(addr, port, proto, crypto=None):
    lines = ["v=0", "o=- 1 1 IN IP4 %s" % addr, "s=-", "c=IN IP4 %s" % addr, "t=0 0",
             "m=audio %d %s 0" % (port, proto), "a=rtpmap:0 PCMU/8000", "a=sendrecv"]
    if crypto:
        lines.append("a=crypto:1 %s" % crypto)
    return "\r\n".join(lines) + "\r\n"


M_RE = re.compile(rb"m=audio (\d+) (\S+) ")
CRYPTO_RE = re.compile(rb"a=crypto:\d+ (\S+) inline:([A-Za-z0-9+/]{40})")


class Rtpe:
    name = "rtpengine"
    load_args = []

    def __init__(self, addrs):
        self.addrs = addrs
        self.addr = addrs["rtpe"]
        self.log = os.path.join(C.OUT, "logs", "rtpengine.log")
        args = ["--config-file=none", "--foreground", "--log-stderr", "--log-level=4", "--table=-1",
                "--interface=%s" % self.addr, "--listen-ng=%s:%d" % (self.addr, NG_PORT),
                "--port-min=%d" % C.PORT_MIN, "--port-max=%d" % (C.PORT_MIN + 4 * C.CALLS + 399),
                "--num-threads=1", "--media-num-threads=1", "--timeout=3600", "--delete-delay=0"]
        self.p = C.start("rtpengine", C.PRIO + ["taskset", "-c", C.CPU_DUT, "rtpengine"] + args, log=self.log)
        self.ng = Ng(self.addr, timeout=2.0)
        t_end = time.time() + 15
        while time.time() < t_end:
            if self.p.poll() is not None:
                raise RuntimeError("rtpengine exited at startup (rc %s): %s" % (self.p.returncode, C.head(self.log, 5)))
            try:
                self.ng.ask({"command": "ping"}, tries=1)
                break
            except (RuntimeError, OSError):
                time.sleep(0.2)
        else:
            raise RuntimeError("rtpengine not ready after 15 s: %s" % C.head(self.log, 5))

    def setup_calls(self, n, suite, ka_b64):
        """n calls; returns [(port A, port B, TA base64)]"""
        load = self.addrs["load"]
        out = []
        for i in range(n):
            cid, ft, tt = "bench-%d" % i, "a%d" % i, "b%d" % i
            r = self.ng.ask({"command": "offer", "call-id": cid, "from-tag": ft,
                             "sdp": sdp(load, C.PORT_X, "RTP/SAVP", "%s inline:%s" % (suite, ka_b64)),
                             "transport-protocol": "RTP/AVP", "replace": ["origin", "session-connection"]})
            mb = M_RE.search(r.get("sdp", b""))
            if not mb or mb.group(2) != b"RTP/AVP":
                raise RuntimeError("rtpengine's offer toward the callee is not plain RTP: %r" % r.get("sdp", b"")[:300])
            r = self.ng.ask({"command": "answer", "call-id": cid, "from-tag": ft, "to-tag": tt,
                             "sdp": sdp(load, C.PORT_Y, "RTP/AVP"), "replace": ["origin", "session-connection"]})
            body = r.get("sdp", b"")
            ma, mc = M_RE.search(body), CRYPTO_RE.search(body)
            if not ma or ma.group(2) != b"RTP/SAVP" or not mc or mc.group(1).decode() != suite:
                raise RuntimeError("rtpengine's answer to the caller is not SRTP with %s: %r" % (suite, body[:400]))
            ta = mc.group(2).decode()
            if ta == ka_b64:
                raise RuntimeError("rtpengine answered with the caller's own key")
            out.append((int(ma.group(1)), int(mb.group(1)), ta))
        return out

    def alive(self):
        return self.p.poll() is None

    def packets(self):
        return None

    def cpu(self):
        try:
            return C.proc_ticks("/proc/%d/stat" % self.p.pid), None
        except OSError:
            return None, None

    def stop(self):
        self.ng.close()
        return C.stop(self.p, signal.SIGTERM, 10.0)


def available():
    """rtpengine on PATH, and not switched off (BENCH_RTPENGINE=0)"""
    import shutil
    return os.environ.get("BENCH_RTPENGINE", "1") not in ("", "0") and shutil.which("rtpengine") is not None
