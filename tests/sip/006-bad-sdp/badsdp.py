#!/usr/bin/env python3
"""tests/sip/006-bad-sdp/badsdp.py: INVITEs with malformed SDP bodies to tandemd.
Each must get a final answer >= 400 within a bound (488 when tandemd refuses
the SDP itself; the callee's 486 when tandemd found the SDP usable and the
call went on), is ACKed, and is followed by an OPTIONS that must get 200.
Prints one line per case: name, final answer, bytes of body.
Usage: badsdp.py TANDEM_IP:PORT LOCAL_IP LOCAL_PORT
Exit 1 when a case got no final answer, a 2xx, or the OPTIONS went unanswered."""
import random, re, socket, sys, time


def sdp(*lines):
    return ("\r\n".join(lines) + "\r\n").encode("latin-1")


HEAD = ("v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-", "t=0 0")
rnd = random.Random(4475)
CASES = [
    ("no-m-line", sdp(*HEAD, "c=IN IP4 192.0.2.1")),
    ("garbage-c", sdp(*HEAD, "c=garbage", "m=audio 4000 RTP/AVP 0")),
    ("c-no-addr", sdp(*HEAD, "c=IN IP4", "m=audio 4000 RTP/AVP 0")),
    ("c-ip6-with-v4", sdp(*HEAD, "c=IN IP6 192.0.2.1", "m=audio 4000 RTP/AVP 0")),
    ("c-hostname", sdp(*HEAD, "c=IN IP4 phone.example.com", "m=audio 4000 RTP/AVP 0")),
    ("c-after-m-only", sdp(*HEAD, "m=audio 4000 RTP/AVP 0")),
    ("m-20-lines", sdp(*HEAD, "c=IN IP4 192.0.2.1", *["m=audio %d RTP/AVP 0" % (4000 + 2 * i) for i in range(20)])),
    ("m-8-lines", sdp(*HEAD, "c=IN IP4 192.0.2.1", *["m=audio %d RTP/AVP 0" % (4000 + 2 * i) for i in range(8)])),
    ("m-9-lines", sdp(*HEAD, "c=IN IP4 192.0.2.1", *["m=audio %d RTP/AVP 0" % (4000 + 2 * i) for i in range(9)])),
    ("m-port-70000", sdp(*HEAD, "c=IN IP4 192.0.2.1", "m=audio 70000 RTP/AVP 0")),
    ("m-port-negative", sdp(*HEAD, "c=IN IP4 192.0.2.1", "m=audio -4 RTP/AVP 0")),
    ("m-no-proto", sdp(*HEAD, "c=IN IP4 192.0.2.1", "m=audio 4000")),
    ("m-bare", sdp(*HEAD, "c=IN IP4 192.0.2.1", "m=")),
    ("m-port-count", sdp(*HEAD, "c=IN IP4 192.0.2.1", "m=audio 4000/65535 RTP/AVP 0")),
    ("rtcp-junk", sdp(*HEAD, "c=IN IP4 192.0.2.1", "m=audio 4000 RTP/AVP 0", "a=rtcp:99999 IN IP4",
                      "a=rtcp:", "a=rtcp:0 IN IP9 x", "a=rtpmap:0 PCMU/0", "a=rtpmap:0 /99999999999")),
    ("huge-line", sdp(*HEAD, "c=IN IP4 192.0.2.1", "m=audio 4000 RTP/AVP 0", "a=x-" + "A" * 30000)),
    ("huge-m-line", sdp(*HEAD, "c=IN IP4 192.0.2.1", "m=audio 4000 RTP/AVP " + " 0" * 12000)),
    ("huge-c-line", sdp(*HEAD, "c=IN IP4 " + "9" * 20000, "m=audio 4000 RTP/AVP 0")),
    ("many-lines", sdp(*HEAD, "c=IN IP4 192.0.2.1", "m=audio 4000 RTP/AVP 0", *["a=fmtp:%d x" % i for i in range(4000)])),
    ("crypto-junk", sdp(*HEAD, "c=IN IP4 192.0.2.1", "m=audio 4000 RTP/SAVP 0",
                        "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + "!" * 500,
                        "a=crypto:99999999999 X inline:", "a=crypto:", "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:|||;;;",
                        *["a=crypto:%d AES_CM_128_HMAC_SHA1_80 inline:QUFB" % i for i in range(20)])),
    ("binary-junk", bytes(rnd.getrandbits(8) for _ in range(1200))),
    ("binary-lines", b"v=0\r\n" + b"\r\n".join(b"m=" + bytes(rnd.getrandbits(8) for _ in range(40)) for _ in range(6)) + b"\r\n"),
    ("nul-bytes", sdp(*HEAD, "c=IN IP4 192.0.2.1\0junk", "m=audio 4000\0 RTP/AVP 0", "a=rtpmap:0 PC\0MU/8000")),
    ("cr-only", b"v=0\ro=- 1 1 IN IP4 1.2.3.4\rc=IN IP4 1.2.3.4\rm=audio 4000 RTP/AVP 0\r"),
    ("empty-sdp", b""),
    ("only-newlines", b"\r\n" * 500),
]


def header(data, names):
    for line in data.split(b"\r\n"):
        if not line:
            break
        k, _, v = line.partition(b":")
        if k.strip().lower() in names:
            return v.strip()
    return None


def status_of(data):
    m = re.match(rb"SIP/2\.0 (\d{3}) ", data)
    return int(m.group(1)) if m else None


class Peer:
    def __init__(self, tandem, ip, port):
        self.tandem = tandem
        host, p = tandem.split(":")
        self.dst = (host, int(p))
        self.local = "%s:%d" % (ip, port)
        self.s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        self.s.bind((ip, port))

    def request(self, method, body=b"", ctype="application/sdp", bound=8.0):
        """Send a request (retransmitted until a provisional or final answer);
        return the final status, ACKing a non-2xx final to an INVITE."""
        cid = "%s-%x@%s" % (method.lower(), rnd.getrandbits(48), self.local)
        branch = "z9hG4bK%x" % rnd.getrandbits(48)
        ruri = "sip:bob@%s" % self.tandem if method == "INVITE" else "sip:%s" % self.tandem
        top = ("%s %s SIP/2.0\r\nVia: SIP/2.0/UDP %s;branch=%s;rport\r\n"
               "From: <sip:alice@%s>;tag=%x\r\nTo: <%s>\r\nCall-ID: %s\r\nCSeq: 1 %s\r\n"
               "Contact: <sip:alice@%s>\r\nMax-Forwards: 70\r\n" %
               (method, ruri, self.local, branch, self.local, rnd.getrandbits(32), ruri, cid,
                method, self.local))
        if body or ctype:
            top += "Content-Type: %s\r\n" % ctype
        msg = (top + "Content-Length: %d\r\n\r\n" % len(body)).encode() + body
        t_end = time.monotonic() + bound
        resend, provisional = time.monotonic(), False
        while time.monotonic() < t_end:
            if not provisional and time.monotonic() >= resend:
                self.s.sendto(msg, self.dst)
                resend = time.monotonic() + 0.5
            self.s.settimeout(max(0.01, min(t_end, resend) - time.monotonic()))
            try:
                data, _ = self.s.recvfrom(65535)
            except socket.timeout:
                continue
            if header(data, (b"call-id", b"i")) != cid.encode():
                continue
            st = status_of(data)
            if st is None:
                continue
            if st < 200:
                provisional = True
                continue
            if st >= 300 and method == "INVITE":
                via, frm, to = (header(data, (b"via", b"v")), header(data, (b"from", b"f")),
                                header(data, (b"to", b"t")))
                ack = (b"ACK " + ruri.encode() + b" SIP/2.0\r\nVia: " + via + b"\r\nFrom: " + frm +
                       b"\r\nTo: " + to + b"\r\nCall-ID: " + cid.encode() +
                       b"\r\nCSeq: 1 ACK\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n")
                self.s.sendto(ack, self.dst)
            return st
        return None


def main():
    peer = Peer(sys.argv[1], sys.argv[2], int(sys.argv[3]))
    bad = 0
    if peer.request("OPTIONS", ctype=None) != 200:
        print("FAIL: no 200 to OPTIONS before the first case")
        return 1
    for name, body in CASES:
        st = peer.request("INVITE", body)
        alive = peer.request("OPTIONS", ctype=None) == 200
        ok = st is not None and st >= 400 and alive
        print("%-16s %6d bytes -> %s%s%s" % (name, len(body), st if st else "no final answer",
                                             "" if alive else "  NO ANSWER TO OPTIONS",
                                             "" if ok else "  FAIL"))
        bad += 0 if ok else 1
    print("%d cases, %d failed" % (len(CASES), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
