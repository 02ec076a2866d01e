#!/usr/bin/env python3
"""tests/sip/tlspeer.py: a SIP endpoint over TLS for the TLS tests (sipp 3.6.1 as
Debian builds it has no TLS). One call, then exit 0 when it went as expected.

  tlspeer.py uac --local IP --remote IP:PORT --user bob [--expect 200] [--hold S [--bye-file F]]
                 [--crypto KEY] [--media-port P] [--ca CA.pem] --log FILE
      connects (from IP, any port), sends INVITE sips:bob@IP:PORT, ACKs the final
      answer; after a 2xx waits --hold seconds and sends BYE (expects 200).
  tlspeer.py uas --local IP:PORT --cert C.pem --key K.pem [--crypto KEY]
                 [--media-port P] --log FILE [--timeout S]
      accepts connections, answers one INVITE 180 + 200, takes ACK and BYE.

--crypto KEY offers (or answers) RTP/SAVP with a=crypto:1 AES_CM_128_HMAC_SHA1_80
inline:KEY. Every message sent and received goes to --log, each after a line
"--- sent" / "--- received"; the last line is "result: ok ..." or "result: fail ...".
With --ca the uac verifies tandemd's certificate; it always writes the SHA-256
fingerprint of the certificate it got ("peer-cert: AB:CD:...").
"""
import argparse
import hashlib
import os
import random
import socket
import ssl
import sys
import time

LOG = None


def log(line):
    LOG.write(line + "\n")
    LOG.flush()


def finish(ok, why):
    log("result: %s %s" % ("ok" if ok else "fail", why))
    sys.exit(0 if ok else 1)


class Conn:
    def __init__(self, sock):
        self.s = sock
        self.buf = b""

    def send(self, text):
        data = text.replace("\n", "\r\n").encode()
        log("--- sent\n" + text.rstrip("\n"))
        self.s.sendall(data)

    def recv(self, deadline):
        """One SIP message (start line, headers dict, raw text, body) or None."""
        while True:
            self.buf = self.buf.lstrip(b"\r\n")
            end = self.buf.find(b"\r\n\r\n")
            if end >= 0:
                head = self.buf[:end].decode(errors="replace")
                clen = 0
                for line in head.split("\r\n")[1:]:
                    name, _, value = line.partition(":")
                    if name.strip().lower() in ("content-length", "l"):
                        clen = int(value.strip())
                if len(self.buf) >= end + 4 + clen:
                    body = self.buf[end + 4:end + 4 + clen].decode(errors="replace")
                    self.buf = self.buf[end + 4 + clen:]
                    lines = head.split("\r\n")
                    hdrs = {}
                    for line in lines[1:]:
                        name, _, value = line.partition(":")
                        hdrs.setdefault(name.strip().lower(), []).append(value.strip())
                    log("--- received\n" + head + "\n\n" + body)
                    return lines[0], hdrs, body
            left = deadline - time.time()
            if left <= 0:
                return None
            self.s.settimeout(left)
            try:
                data = self.s.recv(65536)
            except socket.timeout:
                return None
            except (ssl.SSLError, OSError) as e:
                log("# connection error: %s" % e)
                return None
            if not data:
                return None
            self.buf += data


def hdr(h, name):
    v = h.get(name.lower()) or h.get({"via": "v", "from": "f", "to": "t", "call-id": "i",
                                       "contact": "m", "cseq": "cseq"}.get(name.lower(), ""), [])
    return v[0] if v else ""


def sdp(ip, port, key):
    lines = ["v=0", "o=tls 1 1 IN IP4 %s" % ip, "s=-", "c=IN IP4 %s" % ip, "t=0 0",
             "m=audio %d RTP/%s 0" % (port, "SAVP" if key else "AVP"), "a=rtpmap:0 PCMU/8000"]
    if key:
        lines.append("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:%s" % key)
    return "\n".join(lines) + "\n"


def fingerprint(tls_sock):
    der = tls_sock.getpeercert(binary_form=True)
    if not der:
        return "none"
    d = hashlib.sha256(der).hexdigest().upper()
    return ":".join(d[i:i + 2] for i in range(0, len(d), 2))


def uac(a):
    rip, rport = a.remote.rsplit(":", 1)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    if a.ca:
        ctx.load_verify_locations(a.ca)
        ctx.verify_mode = ssl.CERT_REQUIRED
    else:
        ctx.verify_mode = ssl.CERT_NONE
    raw = socket.create_connection((rip, int(rport)), timeout=5, source_address=(a.local, 0))
    try:
        s = ctx.wrap_socket(raw)
    except ssl.SSLError as e:
        finish(False, "TLS handshake: %s" % e)
    log("peer-cert: %s" % fingerprint(s))
    lip, lport = s.getsockname()[:2]
    c = Conn(s)
    tag = "%08x" % random.getrandbits(32)
    cid = "%08x@tlspeer" % random.getrandbits(32)
    branch = "z9hG4bK%08x" % random.getrandbits(32)
    ruri = "sips:%s@%s:%s" % (a.user, rip, rport)
    via = "Via: SIP/2.0/TLS %s:%d;branch=%s;rport" % (lip, lport, branch)
    frm = "From: Alice <sip:alice@%s>;tag=%s" % (lip, tag)
    contact = "Contact: <sip:alice@%s:%d;transport=tls>" % (lip, lport)
    body = sdp(lip, a.media_port, a.crypto)
    c.send("INVITE %s SIP/2.0\n%s\n%s\nTo: <%s>\nCall-ID: %s\nCSeq: 1 INVITE\n%s\n"
           "Max-Forwards: 70\nContent-Type: application/sdp\nContent-Length: %d\n\n%s"
           % (ruri, via, frm, ruri, cid, contact, len(body.replace("\n", "\r\n")), body))
    deadline = time.time() + a.timeout
    final = None
    while final is None:
        m = c.recv(deadline)
        if m is None:
            finish(False, "no final answer to the INVITE")
        start, h, _ = m
        if start.startswith("SIP/2.0 "):
            code = int(start.split()[1])
            if code >= 200 and "INVITE" in hdr(h, "CSeq"):
                final = (code, h)
    code, h = final
    to = hdr(h, "To")
    if code >= 300:
        c.send("ACK %s SIP/2.0\n%s\n%s\nTo: %s\nCall-ID: %s\nCSeq: 1 ACK\nMax-Forwards: 70\n"
               "Content-Length: 0\n\n" % (ruri, via, frm, to, cid))
        time.sleep(0.3)
        finish(code == a.expect, "final %d, want %d" % (code, a.expect))
    target = hdr(h, "Contact").strip("<>").split(">")[0] or ruri
    routes = [r for r in h.get("record-route", [])]
    route = "".join("Route: %s\n" % r for r in reversed(routes))

    def req(method, cseq):
        b = "z9hG4bK%08x" % random.getrandbits(32)
        return ("%s %s SIP/2.0\nVia: SIP/2.0/TLS %s:%d;branch=%s;rport\n%s\nTo: %s\n"
                "Call-ID: %s\nCSeq: %d %s\n%s%s\nMax-Forwards: 70\nContent-Length: 0\n\n"
                % (method, target, lip, lport, b, frm, to, cid, cseq, method, route, contact))
    c.send(req("ACK", 1))
    if code != a.expect:
        finish(False, "final %d, want %d" % (code, a.expect))
    # hold the call (until --bye-file exists, if given); answer what comes in
    # (a BYE ends it early)
    end = time.time() + a.hold
    while time.time() < end:
        if a.bye_file and os.path.exists(a.bye_file):
            break
        m = c.recv(min(end, time.time() + 0.2) if a.bye_file else end)
        if m and not m[0].startswith("SIP/2.0"):
            start, h, _ = m
            resp = ("SIP/2.0 200 OK\n%s\nFrom: %s\nTo: %s\nCall-ID: %s\nCSeq: %s\n"
                    "Content-Length: 0\n\n" % ("\n".join("Via: " + v for v in h.get("via", h.get("v", []))),
                                               hdr(h, "From"), hdr(h, "To"), hdr(h, "Call-ID"),
                                               hdr(h, "CSeq")))
            c.send(resp)
            if start.startswith("BYE"):
                finish(True, "call ended by the other side")
    c.send(req("BYE", 2))
    deadline = time.time() + 5
    while True:
        m = c.recv(deadline)
        if m is None:
            finish(False, "no answer to the BYE")
        if m[0].startswith("SIP/2.0 ") and "BYE" in hdr(m[1], "CSeq"):
            code = int(m[0].split()[1])
            finish(code == 200, "BYE answered %d" % code)


def uas(a):
    lip, lport = a.local.rsplit(":", 1)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(a.cert, a.key)
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((lip, int(lport)))
    ls.listen(8)
    log("listening on %s:%s" % (lip, lport))
    deadline = time.time() + a.timeout
    tag = "%08x" % random.getrandbits(32)
    while time.time() < deadline:
        ls.settimeout(max(0.1, deadline - time.time()))
        try:
            raw, peer = ls.accept()
        except socket.timeout:
            break
        try:
            s = ctx.wrap_socket(raw, server_side=True)
        except (ssl.SSLError, OSError) as e:
            log("# handshake from %s:%d failed: %s" % (peer[0], peer[1], e))
            raw.close()
            continue
        log("# connection from %s:%d" % peer[:2])
        c = Conn(s)
        while True:
            m = c.recv(deadline)
            if m is None:
                break
            start, h, _ = m
            if start.startswith("SIP/2.0"):
                continue
            method = start.split()[0]
            if method == "ACK":
                log("# ACK")
                continue
            vias = "\n".join("Via: " + v for v in h.get("via", h.get("v", [])))
            to = hdr(h, "To")
            if ";tag=" not in to:
                to += ";tag=" + tag
            base = "%s\nFrom: %s\nTo: %s\nCall-ID: %s\nCSeq: %s\n" % (
                vias, hdr(h, "From"), to, hdr(h, "Call-ID"), hdr(h, "CSeq"))
            contact = "Contact: <sip:bob@%s:%s;transport=tls>\n" % (lip, lport)
            if method == "INVITE":
                c.send("SIP/2.0 180 Ringing\n%s%sContent-Length: 0\n\n" % (base, contact))
                body = sdp(lip, a.media_port, a.crypto)
                c.send("SIP/2.0 200 OK\n%s%sContent-Type: application/sdp\nContent-Length: %d\n\n%s"
                       % (base, contact, len(body.replace("\n", "\r\n")), body))
            elif method == "BYE":
                c.send("SIP/2.0 200 OK\n%sContent-Length: 0\n\n" % base)
                time.sleep(0.3)
                finish(True, "call ended by BYE")
            else:
                c.send("SIP/2.0 200 OK\n%sContent-Length: 0\n\n" % base)
    finish(False, "no call")


def main():
    global LOG
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["uac", "uas"])
    p.add_argument("--local", required=True)
    p.add_argument("--remote")
    p.add_argument("--user", default="bob")
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--ca")
    p.add_argument("--crypto")
    p.add_argument("--media-port", type=int, default=30000)
    p.add_argument("--expect", type=int, default=200)
    p.add_argument("--hold", type=float, default=0.5)
    p.add_argument("--bye-file", help="with --hold: hang up as soon as this file exists")
    p.add_argument("--timeout", type=float, default=20)
    p.add_argument("--log", required=True)
    a = p.parse_args()
    LOG = open(a.log, "a")
    (uac if a.mode == "uac" else uas)(a)


if __name__ == "__main__":
    main()
