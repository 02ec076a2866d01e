"""tests/sip/regua.py: a registrar that challenges (Digest, RFC 7616 MD5 qop=auth) and a phone
that registers, for the tests of REGISTER relayed through tandemd (024-029, 031-034). Built on
sipua.py (UDP); TcpPhone is a phone on one TCP or TLS connection (027, 029)."""
import hashlib
import re
import socket
import time

from sipua import UA, Msg, env, fail, note, rand, uri_of


def params(v):
    return {k.lower(): (q if q else t) for k, q, t in
            re.findall(r'([\w-]+)\s*=\s*(?:"([^"]*)"|([^\s,;]+))', v)}


def contact_expires(c, default):
    m = re.search(r";\s*expires=(\d+)", c.split(">", 1)[-1] if ">" in c else c)
    return int(m.group(1)) if m else default


def is_unregister(req):
    """Expires 0 (the header or every Contact's parameter) or Contact *"""
    cs = [one.strip() for c in req.hdrs("contact") for one in c.split(",")]
    default = int(req.hdr("expires") or 3600)
    return bool(cs) and all(c == "*" or contact_expires(c, default) == 0 for c in cs)


class Registrar(UA):
    """Answers REGISTERs: 401 without (or with unknown) credentials, 403 for a wrong password,
    then 200 with the AOR's bindings; grants at most `grant` seconds. Calls its bindings.
    trust_unregister: an un-REGISTER without credentials is taken too (for real phones that,
    exiting, may not answer a challenge to it)."""
    def __init__(self, name, ip, port, users, realm="pbx.test", grant=3600, trust_unregister=False):
        UA.__init__(self, name, ip, port)
        self.users, self.realm, self.grant = users, realm, grant
        self.trust_unregister = trust_unregister
        self.nonces = set()
        self.bindings = {}	# aor -> {contact uri: expiry time}
        self.cseqs = {}		# call-id -> last CSeq
        self.regs = []		# every REGISTER received (Msg)
        self.answers = []	# our code to each

    def check_auth(self, req):
        a = req.hdr("authorization")
        if not a or not a.lower().startswith("digest "):
            return 401
        p = params(a[7:])
        if p.get("nonce") not in self.nonces or p.get("username") not in self.users:
            return 401
        H = lambda s: hashlib.md5(s.encode()).hexdigest()
        ha1 = H("%s:%s:%s" % (p["username"], self.realm, self.users[p["username"]]))
        want = H("%s:%s:%s:%s:auth:%s" % (ha1, p["nonce"], p["nc"], p["cnonce"],
                                          H("REGISTER:%s" % p["uri"])))
        return 200 if want == p.get("response") else 403

    def serve(self, timeout=10):
        """Answer the next REGISTER; returns (request, our code)."""
        req = self.wait_request("REGISTER", timeout=timeout)
        self.regs.append(req)
        last = self.cseqs.get(req.call_id)
        if last is not None and req.cseq <= last:
            fail("%s: CSeq %d after %d in Call-ID %s" % (self.name, req.cseq, last, req.call_id))
        self.cseqs[req.call_id] = req.cseq
        code = self.check_auth(req)
        if code == 401 and self.trust_unregister and is_unregister(req):
            code = 200
        if code == 401:
            nonce = rand(16)
            self.nonces.add(nonce)
            self.respond(req, 401, "Unauthorized", headers=(
                'WWW-Authenticate: Digest realm="%s", nonce="%s", qop="auth", algorithm=MD5'
                % (self.realm, nonce),))
        elif code == 403:
            self.respond(req, 403, "Forbidden")
        else:
            aor = uri_of(req.hdr("to"))
            b = self.bindings.setdefault(aor, {})
            default = int(req.hdr("expires") or 3600)
            for c in req.hdrs("contact"):
                for one in c.split(","):
                    if one.strip() == "*":
                        b.clear()
                        continue
                    e = min(contact_expires(one, default), self.grant)
                    if e == 0:
                        b.pop(uri_of(one), None)
                    else:
                        b[uri_of(one)] = time.time() + e
            cs = ["Contact: <%s>;expires=%d" % (u, max(0, int(t - time.time() + 0.5)))
                  for u, t in b.items()]
            self.respond(req, 200, headers=cs)
        self.answers.append(code)
        return req, code

    def token_contact(self, aor):
        """Our one binding of aor: tandemd's Contact (sip:tb...@tandemd)."""
        b = self.bindings.get(aor) or {}
        if len(b) != 1:
            fail("%s: %d bindings of %s, want 1: %s" % (self.name, len(b), aor, b))
        return list(b)[0]


class Phone(UA):
    """Registers through tandemd as aor, answering one 401 with its password. priv: the
    private address its Via and Contact name (behind NAT), or None."""
    def __init__(self, name, ip, port, aor, password, priv=None):
        UA.__init__(self, name, ip, port)
        self.aor, self.password, self.priv = aor, password, priv
        self.reg_call_id = "reg-%s@%s" % (rand(), ip)
        self.reg_cseq = 0
        self.challenge = None
        self.nc = 0

    def via(self, branch):
        if self.priv:
            return "Via: SIP/2.0/UDP %s:5060;branch=%s" % (self.priv, branch)
        return UA.via(self, branch)

    def contact_uri(self):
        return "sip:%s@%s:%d" % (self.name, self.priv or self.ip, 5060 if self.priv else self.port)

    def contact(self):
        return "Contact: <%s>" % self.contact_uri()

    def _register(self, expires, contact=None):
        from sipua import Tx, digest_authorization
        self.reg_cseq += 1
        branch = "z9hG4bK" + rand(12)
        ruri = "sip:%s:%d" % self.peer
        lines = ["REGISTER %s SIP/2.0" % ruri, self.via(branch), "Max-Forwards: 70",
                 "From: <%s>;tag=%s" % (self.aor, rand(8)), "To: <%s>" % self.aor,
                 "Call-ID: " + self.reg_call_id, "CSeq: %d REGISTER" % self.reg_cseq,
                 "Contact: " + (contact or "<%s>" % self.contact_uri()),
                 "Expires: %d" % expires]
        if self.challenge:
            self.nc += 1
            lines.append("Authorization: " + digest_authorization(
                self.challenge, self.aor[4:].split("@")[0], self.password, "REGISTER", ruri,
                nc=self.nc))
        text = self._finish(lines, None, None)
        self.send_text(text)
        return Tx("REGISTER", self.reg_cseq, self.reg_call_id, branch, text, None)

    def register(self, expires=3600, contact=None, timeout=10):
        """REGISTER (again after a 401); the final response."""
        from sipua import digest_challenges
        r = self.wait_final(self._register(expires, contact), timeout=timeout)
        if r.status == 401:
            ch = digest_challenges(r)
            if not ch:
                fail("%s: a 401 without a Digest challenge" % self.name)
            self.challenge, self.nc = ch[0], 0
            note("%s: challenged (realm %s), registers again with credentials"
                 % (self.name, ch[0]["realm"]))
            r = self.wait_final(self._register(expires, contact), timeout=timeout)
        return r

    def granted(self, resp):
        """The expiry tandemd's 200 gives our Contact."""
        for c in resp.hdrs("contact"):
            if uri_of(c) == self.contact_uri():
                return contact_expires(c, -1)
        fail("%s: the 200 does not name our Contact: %s" % (self.name, resp.hdrs("contact")))


class TcpPhone:
    """A phone on one TCP (or, with an ssl context, TLS) connection to tandemd, listening
    nowhere; its Via names priv (behind NAT)."""
    def __init__(self, ip, tandem, aor, priv, tls=None):
        self.sock = socket.create_connection(tandem, timeout=10, source_address=(ip, 0))
        if tls is not None:
            self.sock = tls.wrap_socket(self.sock, server_hostname=tandem[0])
        self.aor, self.priv = aor, priv
        self.proto = "TLS" if tls is not None else "TCP"
        self.buf = b""
        self.log = open("%s/ua-alice.log" % env("T"), "a", buffering=1)
        self.call_id = "reg-%s" % rand()
        self.cseq = 0
        self.ruri = "sip:%s:%d%s" % (tandem + (";transport=tls" if tls is not None else "",))

    def send(self, text):
        self.log.write("----- sent\n%s\n" % text)
        self.sock.sendall(text.encode())

    def recv(self, timeout=10):
        end = time.monotonic() + timeout
        while True:
            head, sep, rest = self.buf.partition(b"\r\n\r\n")
            if sep:
                n = 0
                for ln in head.split(b"\r\n"):
                    k, _, v = ln.partition(b":")
                    if k.strip().lower() in (b"content-length", b"l"):
                        n = int(v)
                if len(rest) >= n:
                    data = head + sep + rest[:n]
                    self.buf = rest[n:]
                    if data.strip():
                        self.log.write("----- received\n%s\n" % data.decode())
                        return Msg(data, None)
                    continue
            left = end - time.monotonic()
            if left <= 0:
                fail("alice: nothing on her TCP connection within %d s" % timeout)
            self.sock.settimeout(left)
            chunk = self.sock.recv(65535)
            if not chunk:
                fail("alice: tandemd closed her connection")
            self.buf += chunk.lstrip(b"\r\n") if not self.buf else chunk

    def register(self, expires, contact, auth=None):
        self.cseq += 1
        lines = ["REGISTER %s SIP/2.0" % self.ruri,
                 "Via: SIP/2.0/%s %s:5060;branch=z9hG4bK%s" % (self.proto, self.priv, rand(10)),
                 "Max-Forwards: 70", "From: <%s>;tag=%s" % (self.aor, rand(6)),
                 "To: <%s>" % self.aor,
                 "Call-ID: " + self.call_id, "CSeq: %d REGISTER" % self.cseq,
                 "Contact: " + contact, "Expires: %d" % expires]
        if auth:
            lines.append("Authorization: " + auth)
        self.send("\r\n".join(lines) + "\r\nContent-Length: 0\r\n\r\n")
        while True:
            m = self.recv()
            if not m.is_request and m.cseq == self.cseq and m.status >= 200:
                return m

    def respond(self, req, code, reason, body="", extra=()):
        to = req.hdr("to")
        if code > 100 and ";tag=" not in to:
            to += ";tag=alice1"
        lines = ["SIP/2.0 %d %s" % (code, reason)] + ["Via: " + v for v in req.hdrs("via")]
        lines += ["From: " + req.hdr("from"), "To: " + to, "Call-ID: " + req.call_id,
                  "CSeq: %d %s" % (req.cseq, req.method)] + list(extra)
        if body:
            lines.append("Content-Type: application/sdp")
        self.send("\r\n".join(lines) + "\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
