#!/usr/bin/env python3
"""tests/sip/005-torture/torture.py: send each RFC 4475 and RFC 5118 torture message to tandemd
over UDP, then an OPTIONS that must get 200 within a bound (tandemd still
answers). Prints one line per message: its name, what its RFC says of it, and
what tandemd answered (status codes in order, or "nothing"), and how that
compares with the expected answer (EXPECT). Exit 1 when an
OPTIONS went unanswered, 2 when a message got another answer than its
entry in EXPECT says or fewer than RFC_MIN of them got what their RFC asks,
0 otherwise.

Usage: torture.py TANDEM_IP:PORT LOCAL_IP LOCAL_PORT DIR......

Fix-ups, so that a message reaches tandemd's SIP logic and its answer reaches
us: the sent-by of the first Via becomes LOCAL_IP:LOCAL_PORT and its transport
UDP (sofia drops a request whose top Via names another transport than the one
it came on) -- only where the first Via line reads plainly
"Via: SIP/<version>/<transport> <host>"; a Via that is itself the torture
(folded, odd separators after the host) keeps that part, and the SIP/7.0 of
badvers stays (sofia's 505 then reaches us instead of an unknown host). The socket is bound to LOCAL_PORT, so an answer to a
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
    # RFC 5118 section 4 (IPv6; rfc5118/ beside this file, written for tandem)
    "ipv6-good": "V", "ipv6-bad": "I", "port-ambiguous": "V", "port-unambiguous": "V",
    "via-received-param-with-delim": "V", "via-received-param-no-delim": "V",
    "ipv6-in-sdp": "V", "mult-ip-in-header": "V", "mult-ip-in-sdp": "V",
    "ipv4-mapped-ipv6": "V", "ipv6-correct-abnf": "V", "ipv6-bug-abnf-3-colons": "I",
}

# The expected final answer of each message (the first final status, or
# "-" for none), as a set: where RFC 4475 allows an element to be liberal
# (lwsstart, trws, badaspec, zeromf), both answers are right. 486 to an INVITE
# means it reached the callee (uas.xml answers 486): processed. 405 to REGISTER,
# MESSAGE: tandemd is no registrar and relays no MESSAGE, which is a normal
# answer to a valid request. A third field "sofia" marks a message that
# sofia-sip drops before tandemd sees it, against what RFC 4475 asks (the
# fourth field): expected, so that a change shows, but not counted as an RFC
# answer (docs/operations.md, "Malformed SIP").
EXPECT = {
    # 3.1.1 valid messages
    "wsinv": ({"481"}, "To has a tag: in-dialog request for no dialog (sofia 481)"),
    "intmeth": ({"-"}, "sofia", "405 or 501 (valid; start line unparsed by sofia)"),
    "esc01": ({"486"}, "reaches the callee"),
    "escnull": ({"405"}, "REGISTER: no registrar"),
    "esc02": ({"501", "405"}, "RE%47IST%45R is not REGISTER: unknown method"),
    "lwsdisp": ({"200"}, "OPTIONS answered"),
    "longreq": ({"486"}, "reaches the callee"),
    "dblreq": ({"405"}, "REGISTER: no registrar; the 2nd message in the datagram ignored"),
    "semiuri": ({"200"}, "OPTIONS answered"),
    "transports": ({"200"}, "OPTIONS answered"),
    "mpart01": ({"405"}, "MESSAGE: not relayed"),
    "unreason": ({"-"}, "response: absorbed"),
    "noreason": ({"-"}, "response: absorbed"),
    # 3.1.2 invalid messages
    "badinv01": ({"-"}, "sofia", "400 (Via ;;,;,, unparsed: sofia cannot answer)"),
    "clerr": ({"400"}, "Content-Length larger than the datagram"),
    "ncl": ({"400"}, "negative Content-Length"),
    "scalar02": ({"400"}, "overlarge scalar fields"),
    "scalarlg": ({"-"}, "response: absorbed"),
    "quotbal": ({"400"}, "unterminated quoted string"),
    "ltgtruri": ({"400"}, "<> around the Request-URI"),
    "lwsruri": ({"-"}, "sofia", "400 (LWS in the Request-URI: start line unparsed)"),
    "lwsstart": ({"400", "486"}, "extra SP in the start line: may be liberal"),
    "trws": ({"400", "200"}, "trailing SP in the start line: may be liberal"),
    "escruri": ({"400"}, "headers in the Request-URI (tandemd's check)"),
    "baddate": ({"400"}, "Date not in GMT (tandemd's check)"),
    "regbadct": ({"400"}, "Contact URI with ? outside <>"),
    "badaspec": ({"400", "200"}, "spaces inside <>: may be liberal"),
    "baddn": ({"400"}, "non-token display name"),
    "badvers": ({"505"}, "SIP/7.0 (sofia's 505)"),
    "mismatch01": ({"400"}, "method and CSeq differ"),
    "mismatch02": ({"400"}, "unknown method, CSeq differs"),
    "bigcode": ({"-"}, "response: absorbed"),
    # 3.2 transaction layer
    "badbranch": ({"200"}, "branch without the magic cookie is fine"),
    # 3.3 application layer
    "insuf": ({"400"}, "no Call-ID, From, To..."),
    "unkscm": ({"416"}, "unknown Request-URI scheme"),
    "novelsc": ({"416"}, "unknown Request-URI scheme"),
    "unksm2": ({"405"}, "REGISTER: no registrar"),
    "bext01": ({"420"}, "Require of an unknown extension"),
    "invut": ({"415"}, "body of an unknown type (tandemd's check)"),
    "regaut01": ({"405"}, "REGISTER: no registrar"),
    "multi01": ({"400"}, "several values in single-value headers"),
    "mcl01": ({"400"}, "several Content-Length values"),
    "bcast": ({"-"}, "response: absorbed"),
    "zeromf": ({"200", "483"}, "Max-Forwards 0 to tandemd itself: answered"),
    "cparam01": ({"405"}, "REGISTER: no registrar"),
    "cparam02": ({"405"}, "REGISTER: no registrar"),
    "regescrt": ({"405"}, "REGISTER: no registrar"),
    "sdp01": ({"406"}, "Accept without application/sdp (tandemd's check)"),
    "inv2543": ({"486"}, "RFC 2543 INVITE reaches the callee"),
    # RFC 5118 4.1-4.10
    "ipv6-good": ({"405"}, "REGISTER to bracketed IPv6 references: no registrar"),
    "ipv6-bad": ({"-"}, "sofia", "400 (IPv6 Request-URI host without brackets: start line unparsed)"),
    "port-ambiguous": ({"405"}, "[2001:db8::10:5070] is an address without a port"),
    "port-unambiguous": ({"405"}, "[2001:db8::10]:5070: address and port"),
    "via-received-param-with-delim": ({"200"}, "received=[IPv6] in a Via: accepted"),
    "via-received-param-no-delim": ({"200"}, "received=IPv6 without brackets: accepted"),
    "ipv6-in-sdp": ({"486"}, "IPv6 SDP reaches the callee"),
    "mult-ip-in-header": ({"200"}, "IPv4 and IPv6 Vias: answered"),
    "mult-ip-in-sdp": ({"486"}, "IPv4 and IPv6 c= lines reach the callee"),
    "ipv4-mapped-ipv6": ({"486"}, "IPv4-mapped IPv6 in SDP reaches the callee"),
    "ipv6-correct-abnf": ({"200"}, "IPv6 reference with a dotted IPv4 tail: answered"),
    "ipv6-bug-abnf-3-colons": ({"400"}, "three colons: no IPv6 address (tandemd's check)"),
}
RFC_MIN = 0.90	# share of messages that must get the answer RFC 4475 / 5118 asks for
KIND = {"V": "valid", "I": "invalid", "A": "reject", "R": "response"}

VIA_RE = re.compile(rb"^((?:Via|v)[ \t]*:[ \t]*SIP/[0-9]+\.[0-9]+/)([A-Za-z]+)([ \t]+)([^;, \t\r\n]+)",
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


def judge(name, codes):
    """(final, ok, rfc): the first final answer ("-" for none), whether it is
    the expected one, and whether that is also what the RFC asks."""
    finals = [c for c in codes if c.isdigit() and int(c) >= 200]
    final = finals[0] if finals else "-"
    exp = EXPECT.get(name)
    if exp is None:
        return final, False, False
    ok = final in exp[0]
    return final, ok, ok and exp[1] != "sofia"


def main():
    tandem, ip, port, dirs = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
    peer = Peer(tandem, ip, port)
    if not peer.options(5.0):
        print("FAIL: tandemd does not answer OPTIONS before any torture")
        return 1
    bad = wrong = rfc = sofia = 0
    files = sorted((f[:-4], os.path.join(d, f)) for d in dirs for f in os.listdir(d) if f.endswith(".dat"))
    names = [n for n, _ in files]
    for name, path in files:
        raw = open(path, "rb").read()
        msg, fixed = fixup(raw, peer.local)
        is_invite = re.match(rb"\s*INVITE", msg) is not None
        codes = peer.torture(msg, 4.0 if is_invite else 1.0)
        alive = peer.options()
        kind = RFC.get(name, "?")
        got = " ".join(codes) if codes else "nothing"
        final, ok, by_rfc = judge(name, codes)
        exp = EXPECT.get(name, (set(), "no expectation for this message"))
        want = "/".join(sorted(exp[0])) or "?"
        if not ok:
            verdict = "WRONG, expected %s: %s" % (want, exp[-1])
            wrong += 1
        elif not by_rfc:
            verdict = "as expected: dropped by sofia-sip; the RFC asks %s" % exp[-1]
            sofia += 1
        else:
            verdict = "ok: %s" % exp[-1]
            rfc += 1
        print("%-11s %-8s %-5s -> %-10s %s%s" % (name, KIND.get(kind, "?"), "fixed" if fixed else "as-is",
                                               got, verdict, "" if alive else "  NO ANSWER TO OPTIONS"))
        if not alive:
            bad += 1
    n = len(names)
    print("%d messages: %d with the expected answer, %d wrong; %d of %d (%.0f%%) as RFC 4475 / 5118 ask, "
          "%d dropped by sofia-sip (documented); %d without an OPTIONS answer after them" %
          (n, n - wrong, wrong, rfc, n, 100.0 * rfc / n if n else 0, sofia, bad))
    if bad:
        return 1
    if wrong:
        print("FAIL: %d messages got another answer than expected" % wrong)
        return 2
    if rfc < RFC_MIN * n:
        print("FAIL: only %d of %d messages got the answer RFC 4475 / 5118 ask (%.0f%% needed)" %
              (rfc, n, 100 * RFC_MIN))
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
