#!/usr/bin/env python3
"""sipua.py: a small scripted SIP user agent for the SIP tests (UDP, standard library only).

A test's own script (e.g. tests/sip/165-xfer-attended/bob.py) imports it to play parties that
sipp plays awkwardly: one that holds two dialogs and puts the tags of one into a request of the
other, one that sends a request in the middle of another transaction, and so on. Every wait is
bounded; the first failed expectation raises Fail, and run() turns it into "FAIL: ..." and exit
code 1. Every message sent and received is logged in $T/ua-NAME.log.

    from sipua import UA, run, fail, sdp
    def main():
        bob = UA("bob", ip, 5080)
        inv = bob.wait_request("INVITE")
        d = bob.answer(inv, 31000)             # 200 with SDP, then waits for the ACK
        tx = d.send("REFER", ["Refer-To: <sip:carol@...>"])
        bob.wait_final(tx, want=202)
    run(main)

Requests go to tandemd ($TANDEM_IP:$TANDEM_PORT) whatever the Request-URI; responses go
back to where the request came from.
"""
import json
import os
import random
import re
import socket
import subprocess
import sys
import time

COMPACT = {"i": "call-id", "f": "from", "t": "to", "v": "via", "m": "contact",
           "l": "content-length", "c": "content-type", "r": "refer-to", "b": "referred-by",
           "k": "supported", "o": "event", "x": "session-expires", "u": "allow-events"}


class Fail(Exception):
    pass


def fail(msg):
    raise Fail(msg)


def env(name, default=None):
    v = os.environ.get(name, default)
    if v is None:
        fail("environment variable %s is not set" % name)
    return v


def tandem():
    return (env("TANDEM_IP"), int(env("TANDEM_PORT", "5060")))


def note(msg):
    print("# " + msg, flush=True)


def rand(n=10):
    return "".join(random.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(n))


def tag_of(value):
    """The tag parameter of a From/To header value (outside the <...>), or None."""
    if value is None:
        return None
    rest = value[value.rfind(">") + 1:] if ">" in value else value
    m = re.search(r";\s*tag=([^;\s,]+)", rest)
    return m.group(1) if m else None


def uri_of(value):
    """The URI of a name-addr (<...>) or addr-spec header value."""
    m = re.search(r"<([^>]*)>", value)
    if m:
        return m.group(1)
    return value.split(";")[0].strip()


def sdp(ip, port, sess="ua", pt=0, codec="PCMU", direction=None, version=1):
    lines = ["v=0", "o=%s %d %d IN IP4 %s" % (sess, version, version, ip), "s=-",
             "c=IN IP4 %s" % ip, "t=0 0", "m=audio %d RTP/AVP %d 101" % (port, pt),
             "a=rtpmap:%d %s/8000" % (pt, codec), "a=rtpmap:101 telephone-event/8000"]
    if direction:
        lines.append("a=" + direction)
    return "\r\n".join(lines) + "\r\n"


def sdp_addr(body):
    """(connection address, audio port) of an SDP body, or (None, None)."""
    if not body:
        return (None, None)
    c = re.search(r"^c=IN IP[46] (\S+)", body, re.M)
    m = re.search(r"^m=audio (\d+) ", body, re.M)
    return (c.group(1) if c else None, int(m.group(1)) if m else None)


def sdp_dir(body):
    """The direction of the first m= line of an SDP body: its own attribute, else the
    session's, else sendrecv (RFC 4566)."""
    sess, media = None, None
    in_media = False
    for ln in (body or "").replace("\r", "").split("\n"):
        if ln.startswith("m="):
            if in_media:
                break
            in_media = True
        m = re.match(r"a=(sendrecv|sendonly|recvonly|inactive)\s*$", ln)
        if m:
            if in_media:
                media = m.group(1)
            else:
                sess = m.group(1)
    return media or sess or "sendrecv"


class Msg:
    def __init__(self, data, src):
        self.raw = data.decode("utf-8", "replace")
        self.src = src
        head, _, body = self.raw.partition("\r\n\r\n")
        lines = head.split("\r\n")
        self.first = lines[0]
        self.headers = []
        for ln in lines[1:]:
            if ln[:1] in (" ", "\t") and self.headers:
                n, v = self.headers[-1]
                self.headers[-1] = (n, v + " " + ln.strip())
                continue
            n, _, v = ln.partition(":")
            n = n.strip().lower()
            self.headers.append((COMPACT.get(n, n), v.strip()))
        self.body = body
        p = self.first.split(" ", 2)
        if p[0] == "SIP/2.0":
            self.is_request = False
            self.status = int(p[1])
            self.reason = p[2] if len(p) > 2 else ""
            self.method = None
        else:
            self.is_request = True
            self.method = p[0]
            self.uri = p[1]
            self.status = None
        cs = (self.hdr("cseq") or "0 X").split()
        self.cseq = int(cs[0])
        self.cseq_method = cs[1] if len(cs) > 1 else ""
        self.call_id = self.hdr("call-id")
        self.from_tag = tag_of(self.hdr("from"))
        self.to_tag = tag_of(self.hdr("to"))
        via = self.hdr("via") or ""
        m = re.search(r"branch=([^;,\s]+)", via)
        self.branch = m.group(1) if m else ""

    def hdr(self, name):
        name = name.lower()
        for n, v in self.headers:
            if n == name:
                return v
        return None

    def hdrs(self, name):
        name = name.lower()
        return [v for n, v in self.headers if n == name]

    def key(self):
        if self.is_request:
            return ("req", self.call_id, self.branch, self.method, self.cseq)
        return ("resp", self.call_id, self.branch, self.status, self.cseq, self.cseq_method)

    def what(self):
        if self.is_request:
            return "%s (CSeq %d, Call-ID %s)" % (self.method, self.cseq, self.call_id)
        return "%d %s to %s (Call-ID %s)" % (self.status, self.reason, self.cseq_method,
                                             self.call_id)


class Tx:
    """A request we sent (to match its responses)."""
    def __init__(self, method, cseq, call_id, branch, text, dialog):
        self.method, self.cseq, self.call_id, self.branch = method, cseq, call_id, branch
        self.text, self.dialog = text, dialog
        self.final = None

    def matches(self, m):
        return (not m.is_request and m.call_id == self.call_id and m.cseq == self.cseq and
                m.cseq_method == self.method)


class UA:
    def __init__(self, name, ip, port, peer=None, answer_options=False):
        self.name, self.ip, self.port = name, ip, port
        self.answer_options = answer_options	# OPTIONS (probes) answered 200, not kept
        self.peer = peer or tandem()
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((ip, port))
        self.inbox = []
        self.seen = {}		# key of a message received -> our response (requests), or True
        self.log = open(os.path.join(env("T", "."), "ua-%s.log" % name), "a", buffering=1)
        self.dialogs = []

    # ---- raw messages ----
    def _log(self, direction, addr, text):
        self.log.write("----- %.3f %s %s:%d\n%s\n" % (time.time(), direction, addr[0], addr[1],
                                                      text))

    def send_text(self, text, addr=None):
        addr = addr or self.peer
        self._log("sent to", addr, text)
        self.sock.sendto(text.encode(), addr)

    def _recv(self, timeout):
        self.sock.settimeout(max(timeout, 0.001))
        try:
            data, src = self.sock.recvfrom(65535)
        except socket.timeout:
            return None
        m = Msg(data, src)
        self._log("received from", src, m.raw)
        k = m.key()
        if k in self.seen:
            # a retransmission: answer it again (requests), or ACK a 2xx again
            prev = self.seen[k]
            if isinstance(prev, str):
                self.send_text(prev, src)
            elif not m.is_request and m.cseq_method == "INVITE" and 200 <= m.status < 300:
                for d in self.dialogs:
                    if d.call_id == m.call_id and d.last_ack:
                        self.send_text(d.last_ack)
            return "dup"
        self.seen[k] = True
        if self.answer_options and m.is_request and m.method == "OPTIONS":
            self.respond(m, 200)
            return "dup"
        return m

    def poll(self, pred, timeout, what):
        """The first message (kept or arriving) for which pred(m) is true; the others stay."""
        for i, m in enumerate(self.inbox):
            if pred(m):
                del self.inbox[i]
                return m
        end = time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return None
            m = self._recv(left)
            if m is None:
                return None
            if m == "dup":
                continue
            if pred(m):
                return m
            self.inbox.append(m)

    def expect(self, pred, timeout, what):
        m = self.poll(pred, timeout, what)
        if m is None:
            pending = "; ".join(x.what() for x in self.inbox) or "nothing"
            fail("%s: no %s within %.1f s (received meanwhile: %s)" % (self.name, what, timeout,
                                                                       pending))
        return m

    def wait_request(self, method, dialog=None, timeout=10, call_id=None):
        cid = dialog.call_id if dialog else call_id
        return self.expect(lambda m: m.is_request and m.method == method and
                           (cid is None or m.call_id == cid), timeout,
                           "%s%s" % (method, " in dialog %s" % cid if cid else ""))

    def wait_response(self, tx, timeout=10):
        """The next response to tx (provisional or final)."""
        m = self.expect(tx.matches, timeout, "response to %s" % tx.method)
        if m.status >= 200:
            tx.final = m
            if tx.method == "INVITE":
                self._ack(tx, m)
        return m

    def wait_final(self, tx, want=None, timeout=10):
        while True:
            m = self.wait_response(tx, timeout)
            if m.status >= 200:
                break
        if want is not None and m.status != want:
            fail("%s: %s answered %d %s, want %d" % (self.name, tx.method, m.status, m.reason,
                                                     want))
        return m

    def quiet(self, secs, allow=()):
        """Nothing may arrive for secs (but requests whose method is in allow, answered 200)."""
        end = time.monotonic() + secs
        while True:
            if self.inbox:
                m = self.inbox.pop(0)
            else:
                left = end - time.monotonic()
                if left <= 0:
                    return
                m = self._recv(left)
                if m is None:
                    return
                if m == "dup":
                    continue
            if m.is_request and m.method in allow:
                self.respond(m, 200)
                continue
            if m.is_request and m.method == "NOTIFY" and "refer" in (m.hdr("event") or "").lower() \
                    and (m.hdr("subscription-state") or "").lower().startswith("pending"):
                # sofia NOTIFYs "100 Trying" for a REFER outside a dialog even when
                # tandemd refuses it (403): a UA that holds no such
                # subscription answers 481, as a real phone would
                self.respond(m, 481)
                continue
            fail("%s: unexpected %s" % (self.name, m.what()))

    # ---- building ----
    def via(self, branch):
        return "Via: SIP/2.0/UDP %s:%d;branch=%s;rport" % (self.ip, self.port, branch)

    def contact(self):
        return "Contact: <sip:%s@%s:%d>" % (self.name, self.ip, self.port)

    def respond(self, req, code, reason=None, headers=(), body=None, ctype="application/sdp",
                to_tag=None):
        reason = reason or {100: "Trying", 180: "Ringing", 200: "OK", 202: "Accepted",
                            400: "Bad Request", 481: "Call/Transaction Does Not Exist",
                            486: "Busy Here", 487: "Request Terminated",
                            491: "Request Pending"}.get(code, "Whatever")
        to = req.hdr("to")
        if to_tag and tag_of(to) is None:
            to = "%s;tag=%s" % (to, to_tag)
        lines = ["SIP/2.0 %d %s" % (code, reason)]
        lines += ["Via: " + v for v in req.hdrs("via")]
        lines += ["From: " + req.hdr("from"), "To: " + to, "Call-ID: " + req.call_id,
                  "CSeq: %d %s" % (req.cseq, req.method)]
        if req.method == "INVITE" and 200 <= code < 300:
            lines.append(self.contact())
        lines += list(headers)
        text = self._finish(lines, body, ctype)
        self.seen[req.key()] = text
        self.send_text(text, req.src)
        return text

    def _finish(self, lines, body, ctype):
        body = body or ""
        if body:
            lines.append("Content-Type: " + ctype)
        lines.append("Content-Length: %d" % len(body.encode()))
        return "\r\n".join(lines) + "\r\n\r\n" + body

    def _ack(self, tx, resp):
        if resp.status < 300:
            d = tx.dialog
            if d is not None:
                if d.remote_tag is None:
                    d.remote_tag = resp.to_tag
                ct = resp.hdr("contact")
                if ct:
                    d.target = uri_of(ct)
                d.confirmed = True
                d.last_ack = d.build("ACK", cseq=tx.cseq)[0]
                self.send_text(d.last_ack)
            return
        # non-2xx: ACK in the same transaction
        lines = ["ACK %s SIP/2.0" % tx.text.split(" ", 2)[1], self.via(tx.branch)]
        for ln in tx.text.split("\r\n"):
            if ln.lower().startswith(("from:", "call-id:", "max-forwards:")):
                lines.append(ln)
        lines.append("To: " + resp.hdr("to"))
        lines.append("CSeq: %d ACK" % tx.cseq)
        self.send_text(self._finish(lines, None, None))

    # ---- calls ----
    def invite(self, user, sdp_port, headers=(), uri_host=None, call_id=None, body=None):
        """Send an INVITE to sip:USER@tandemd; returns the Tx (its dialog: tx.dialog)."""
        host = uri_host or "%s:%d" % self.peer
        d = Dialog(self, call_id or "%s-%s@%s" % (self.name, rand(), self.ip),
                   "sip:%s@%s:%d" % (self.name, self.ip, self.port), rand(8),
                   "sip:%s@%s" % (user, host), None, "sip:%s@%s" % (user, host))
        if body is None:
            body = sdp(self.ip, sdp_port, self.name) if sdp_port else ""
        return d.send("INVITE", headers, body)

    def call(self, user, sdp_port, headers=(), timeout=10):
        """INVITE, wait for 200 (ACKed), return the dialog."""
        tx = self.invite(user, sdp_port, headers)
        self.wait_final(tx, want=200, timeout=timeout)
        return tx.dialog

    def answer(self, inv, sdp_port, ring=False, timeout=10, body=None):
        """Answer an INVITE 200 with SDP, wait for the ACK, return the dialog."""
        d = Dialog.from_request(self, inv)
        if ring:
            self.respond(inv, 180, to_tag=d.local_tag)
        if body is None:
            body = sdp(self.ip, sdp_port, self.name)
        self.respond(inv, 200, body=body, to_tag=d.local_tag)
        self.wait_request("ACK", d, timeout=timeout)
        d.confirmed = True
        return d

    def reply_in(self, req, code, **kw):
        """Answer a request of a dialog we hold (adds our tag to To if missing)."""
        for d in self.dialogs:
            if d.call_id == req.call_id:
                kw.setdefault("to_tag", d.local_tag)
        return self.respond(req, code, **kw)


class Dialog:
    def __init__(self, ua, call_id, local_uri, local_tag, remote_uri, remote_tag, target):
        self.ua, self.call_id = ua, call_id
        self.local_uri, self.local_tag = local_uri, local_tag
        self.remote_uri, self.remote_tag = remote_uri, remote_tag
        self.target = target
        self.cseq = random.randint(1, 1000)
        self.confirmed = False
        self.last_ack = None
        ua.dialogs.append(self)

    @classmethod
    def from_request(cls, ua, req):
        return cls(ua, req.call_id, uri_of(req.hdr("to")), rand(8), uri_of(req.hdr("from")),
                   req.from_tag, uri_of(req.hdr("contact") or req.hdr("from")))

    def build(self, method, headers=(), body="", ctype="application/sdp", cseq=None):
        if cseq is None:
            self.cseq += 1
            cseq = self.cseq
        branch = "z9hG4bK" + rand(12)
        to = "<%s>" % self.remote_uri + (";tag=%s" % self.remote_tag if self.remote_tag else "")
        lines = ["%s %s SIP/2.0" % (method, self.target), self.ua.via(branch),
                 "From: <%s>;tag=%s" % (self.local_uri, self.local_tag), "To: " + to,
                 "Call-ID: " + self.call_id, "CSeq: %d %s" % (cseq, method),
                 "Max-Forwards: 70"]
        if method in ("INVITE", "REFER", "SUBSCRIBE", "UPDATE"):
            lines.append(self.ua.contact())
        lines += list(headers)
        return self.ua._finish(lines, body, ctype), branch, cseq

    def send(self, method, headers=(), body="", ctype="application/sdp"):
        text, branch, cseq = self.build(method, headers, body, ctype)
        self.ua.send_text(text)
        return Tx(method, cseq, self.call_id, branch, text, self)

    def request(self, method, headers=(), body="", want=200, timeout=10):
        """Send a request in this dialog and wait for its final response (want: its code)."""
        tx = self.send(method, headers, body)
        return self.ua.wait_final(tx, want=want, timeout=timeout)

    def bye(self, timeout=10):
        return self.request("BYE", timeout=timeout)

    def replaces(self, quoted=True):
        """A Replaces value naming this dialog as seen by the other side (RFC 3891):
        to-tag is the other side's tag, from-tag ours."""
        v = "%s;to-tag=%s;from-tag=%s" % (self.call_id, self.remote_tag, self.local_tag)
        return v.replace("@", "%40").replace(";", "%3B").replace("=", "%3D") if quoted else v


# ---- Digest authentication (RFC 7616: MD5 and SHA-256, qop=auth) ----
def digest_challenges(resp, name="www-authenticate"):
    """The Digest challenges of a 401 (or of a 407, name="proxy-authenticate"), in order,
    each a dict of its parameters (unquoted)."""
    out = []
    for v in resp.hdrs(name):
        if not v.lower().startswith("digest "):
            continue
        out.append({k.lower(): (q if q else t) for k, q, t in
                    re.findall(r'([\w-]+)\s*=\s*(?:"([^"]*)"|([^\s,]+))', v[7:])})
    return out


def digest_authorization(ch, user, password, method, uri, nc=1, cnonce=None):
    """An Authorization header value answering challenge ch (from digest_challenges)."""
    import hashlib
    alg = ch.get("algorithm", "MD5")
    h = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}[alg.upper()]
    H = lambda s: h(s.encode()).hexdigest()
    cnonce = cnonce or rand(12)
    ncs = "%08x" % nc
    ha1 = H("%s:%s:%s" % (user, ch["realm"], password))
    resp = H("%s:%s:%s:%s:auth:%s" % (ha1, ch["nonce"], ncs, cnonce, H("%s:%s" % (method, uri))))
    return ('Digest username="%s", realm="%s", nonce="%s", uri="%s", response="%s", '
            'algorithm=%s, cnonce="%s", qop=auth, nc=%s' %
            (user, ch["realm"], ch["nonce"], uri, resp, alg, cnonce, ncs))


# ---- RTP with the project's rtpeer ----
def notifies_until_final(ua, dialog):
    """Answer 200 to the NOTIFYs of a REFER's subscription on `dialog` until the one that
    terminates it; their sipfrag bodies (stripped), in order."""
    frags = []
    while True:
        n = ua.wait_request("NOTIFY", dialog, timeout=10)
        ua.reply_in(n, 200)
        frags.append(n.body.strip())
        if (n.hdr("subscription-state") or "").startswith("terminated"):
            return frags


def rtpeer_start(name, local, remote, n=100, interval=20, secs=4, wait=0.3):
    """rtpeer in the background (recorded in $T/pids); it sends after `wait` seconds, so that
    the other end's rtpeer, started just after, is listening by then."""
    rtpeer = env("RTPEER")
    out = os.path.join(env("T"), "rtp-%s.out" % name)
    p = subprocess.Popen([rtpeer, "-l", local, "-r", remote, "-n", str(n), "-i", str(interval),
                          "-t", str(secs), "-w", str(wait), "-o", out], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    with open(os.path.join(env("T"), "pids"), "a") as f:
        f.write("%d\n" % p.pid)
    return (name, p, out)


def rtpeer_result(h):
    name, p, out = h
    try:
        p.wait(timeout=30)
    except subprocess.TimeoutExpired:
        p.kill()
        fail("rtpeer %s did not end" % name)
    try:
        line = open(out).read().strip()
    except OSError:
        fail("rtpeer %s wrote no result" % name)
    note("rtp %s: %s" % (name, line))
    return dict(kv.split("=", 1) for kv in line.split() if "=" in kv)


def expect_rtp(h, least, frm):
    r = rtpeer_result(h)
    got, intact, bad = int(r.get("received", 0)), int(r.get("intact", -1)), int(r.get("bad", -1))
    if got < least:
        fail("rtp %s: received %d packets, want at least %d" % (h[0], got, least))
    if intact != got or bad != 0:
        fail("rtp %s: %d of %d packets damaged" % (h[0], bad, got))
    if r.get("from") != frm:
        fail("rtp %s: packets came from %s, want %s" % (h[0], r.get("from"), frm))
    if r.get("strays") != "0":
        fail("rtp %s: %s packets from another source" % (h[0], r.get("strays")))


# ---- tandemctl ----
def ctl(*args):
    out = subprocess.run([env("TANDEMCTL"), "-s", env("SOCK")] + list(args),
                         capture_output=True, text=True, timeout=10)
    if out.returncode != 0:
        fail("tandemctl %s failed: %s" % (" ".join(args), out.stderr.strip()))
    return out.stdout


def wait_for(pred, timeout, what):
    """poll pred() every 0.1 s until it is true; fail after timeout seconds (never sleep blind)"""
    end = time.monotonic() + timeout
    while not pred():
        if time.monotonic() >= end:
            fail("timed out after %g s waiting for %s" % (timeout, what))
        time.sleep(0.1)


def calls_in(state):
    """the calls tandemctl shows in that state"""
    return [c for c in json.loads(ctl("--json", "calls"))["calls"] if c.get("state") == state]


def run(main):
    try:
        main()
    except Fail as e:
        print("FAIL: %s" % e, flush=True)
        sys.exit(1)
    sys.exit(0)
