#!/usr/bin/env python3
"""tests/sip/005-torture/torture.py: send each RFC 4475 torture message to tandemd
over UDP, then an OPTIONS that must get 200 within a bound (tandemd still
answers). Prints one line per message: its name, what RFC 4475 says of it, and
what tandemd answered (status codes in order, or "nothing"). Exit 1 when an
OPTIONS went unanswered, 0 otherwise.

Usage: torture.py TANDEM_IP:PORT LOCAL_IP LOCAL_PORT DIR

Fix-ups, so that a message reaches tandemd's SIP logic and its answer reaches
us: the sent-by of the first Via becomes LOCAL_IP:LOCAL_PORT and its transport
UDP (sofia drops a request whose top Via names another transport than the one
it came on) -- only where the first Via line reads plainly
"Via: SIP/2.0/<transport> <host>"; a Via that is itself the torture (folded,
SIP/7.0) is left as it is. The socket is bound to LOCAL_PORT, so an answer to a
Via without a port (5060 then) still arrives when LOCAL_PORT is 5060.
Non-2xx final answers to an INVITE are ACKed, as a phone would."""
import os, random, re, socket, sys, time

# RFC 4475 section 3: V valid (must be accepted), I invalid (400 or another
# rejection), A application-level rejection (4xx such as 416/420/415/483),
# R a response (nothing to answer).
RFC = {
    "wsinv": "V", "intmeth": "V", "esc01": "V", "escnull": "V", "esc02": "V",
    "lwsdisp": "V", "longreq": "V", "dblreq": "V", "semiuri": "V",
    "transports": "V", "mpart01": "V", "unreason": "R", "noreason": "R",
    "badinv01": "I", "clerr": "I", "ncl": "I", "scalar02": "I", "scalarlg": "R",
    "quotbal": "I", "ltgtruri": "I", "lwsruri": "I", "lwsstart": "I", "trws": "I",
    "escruri": "I", "baddate": "I", "regbadct": "I", "badaspec": "I", "baddn": "I",
    "badvers": "I", "mismatch01": "I", "mismatch02": "I", "bigcode": "R",
    "badbranch": "V", "insuf": "I", "unkscm": "A", "novelsc": "A", "unksm2": "A",
    "bext01": "A", "invut": "A", "regaut01": "A", "multi01": "I", "mcl01": "I",
    "bcast": "R", "zeromf": "A", "cparam01": "V", "cparam02": "V", "regescrt": "V",
    "sdp01": "A", "inv2543": "V",
}
KIND = {"V": "valid", "I": "invalid", "A": "reject", "R": "response"}

VIA_RE = re.compile(rb"^((?:Via|v)[ \t]*:[ \t]*SIP/2\.0/)([A-Za-z]+)([ \t]+)([^;, \t\r\n]+)",
                    re.I | re.M)


def fixup(msg, local):
    m = VIA_RE.search(msg)
    if not m:
        return msg, False
    new = m.group(1) + b"UDP" + m.group(3) + local.encode()
    return msg[:m.start()] + new + msg[m.end():], True


def status_of(data):
    m = re.match(rb"SIP/2\.0 (\d{3}) ", data)
    return int(m.group(1)) if m else None


def header(data, names):
    for line in data.split(b"\r\n"):
        if not line:
            break
        k, _, v = line.partition(b":")
        if k.strip().lower() in names:
            return v.strip()
    return None


def ack_for(req, resp):
    """The ACK of a non-2xx final answer (RFC 3261 17.1.1.3)."""
    ruri = req.split(b"\r\n", 1)[0].split()
    if len(ruri) < 3:
        return None
    via = header(resp, (b"via", b"v"))
    frm = header(resp, (b"from", b"f"))
    to = header(resp, (b"to", b"t"))
    cid = header(resp, (b"call-id", b"i"))
    cseq = header(resp, (b"cseq",))
    if not (via and frm and to and cid and cseq):
        return None
    num = cseq.split()[0]
    return b"\r\n".join([b"ACK " + ruri[1] + b" SIP/2.0", b"Via: " + via, b"From: " + frm,
                         b"To: " + to, b"Call-ID: " + cid, b"CSeq: " + num + b" ACK",
                         b"Max-Forwards: 70", b"Content-Length: 0", b"", b""])


class Peer:
    def __init__(self, tandem, ip, port):
        self.tandem = tandem
        self.local = "%s:%d" % (ip, port)
        self.s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        self.s.bind((ip, port))
        self.last = b""

    def recv(self, until):
        while True:
            left = until - time.monotonic()
            if left <= 0:
                return None
            self.s.settimeout(left)
            try:
                data, _ = self.s.recvfrom(65535)
            except socket.timeout:
                return None
            return data

    def options(self, bound=3.0):
        """OPTIONS to tandemd itself: True when 200 came within bound seconds."""
        cid = "torture-options-%d@%s" % (random.getrandbits(48), self.local)
        msg = ("OPTIONS sip:%s SIP/2.0\r\nVia: SIP/2.0/UDP %s;branch=z9hG4bK%x;rport\r\n"
               "From: <sip:probe@%s>;tag=%x\r\nTo: <sip:%s>\r\nCall-ID: %s\r\n"
               "CSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n" %
               (self.tandem, self.local, random.getrandbits(48), self.local,
                random.getrandbits(32), self.tandem, cid)).encode()
        host, port = self.tandem.split(":")
        t0 = time.monotonic()
        deadline = t0 + bound
        resend = t0
        while time.monotonic() < deadline:
            if time.monotonic() >= resend:
                self.s.sendto(msg, (host, int(port)))
                resend = time.monotonic() + 0.5
            data = self.recv(min(deadline, resend))
            if data is None:
                continue
            if header(data, (b"call-id", b"i")) == cid.encode() and status_of(data) == 200:
                return True
            st = status_of(data)	# a late answer to a torture INVITE: ACK it
            if st and st >= 300 and (header(data, (b"cseq",)) or b"").upper().endswith(b"INVITE"):
                ack = ack_for(self.last, data)
                if ack:
                    self.s.sendto(ack, (host, int(port)))
        return False

    def torture(self, msg, wait):
        """Send one message; collect what comes back for `wait` seconds (less
        once a final answer came); ACK non-2xx finals to an INVITE."""
        host, port = self.tandem.split(":")
        self.last = msg
        self.s.sendto(msg, (host, int(port)))
        codes = []
        cid = header(msg, (b"call-id", b"i"))
        deadline = time.monotonic() + wait
        while True:
            data = self.recv(deadline)
            if data is None:
                break
            st = status_of(data)
            if st is None:
                codes.append("req:" + data.split(b" ", 1)[0].decode("latin-1")[:16])
                continue
            cseq = header(data, (b"cseq",)) or b""
            mine = cid is None or header(data, (b"call-id", b"i")) == cid
            if mine:
                codes.append(str(st))
            if st >= 300 and cseq.upper().endswith(b"INVITE"):
                ack = ack_for(msg, data)
                if ack:
                    self.s.sendto(ack, (host, int(port)))
            if st >= 200 and mine:
                deadline = min(deadline, time.monotonic() + 0.2)	# retransmissions
        return codes


def main():
    tandem, ip, port, d = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    peer = Peer(tandem, ip, port)
    if not peer.options(5.0):
        print("FAIL: tandemd does not answer OPTIONS before any torture")
        return 1
    bad = 0
    names = sorted(f[:-4] for f in os.listdir(d) if f.endswith(".dat"))
    for name in names:
        raw = open(os.path.join(d, name + ".dat"), "rb").read()
        msg, fixed = fixup(raw, peer.local)
        is_invite = re.match(rb"\s*INVITE", msg) is not None
        codes = peer.torture(msg, 4.0 if is_invite else 1.0)
        alive = peer.options()
        kind = RFC.get(name, "?")
        got = " ".join(codes) if codes else "nothing"
        final = [c for c in codes if c.isdigit() and int(c) >= 200]
        note = ""
        if kind == "I" and final and int(final[0]) < 300:
            note = "  (accepted an invalid message)"
        print("%-11s %-8s %-5s -> %s%s%s" % (name, KIND.get(kind, "?"), "fixed" if fixed else "as-is",
                                            got, note, "" if alive else "  NO ANSWER TO OPTIONS"))
        if not alive:
            bad += 1
    print("%d messages, %d without an OPTIONS answer after them" % (len(names), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
