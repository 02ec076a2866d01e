#!/usr/bin/env python3
"""floodpeer.py: send a bounded burst of new SIP requests from one address and count the answers.

    floodpeer.py [-m OPTIONS|INVITE|REGISTER] [-n COUNT] [-w SECONDS] [-s SIZE] LOCAL_IP TANDEM_IP[:PORT]

Sends COUNT requests (default 30), each with its own Call-ID and branch, back to back over UDP
from LOCAL_IP (an ephemeral port), then listens for SECONDS (default 2) after the last one.
Answers an INVITE's final response with an ACK (and a 2xx with BYE, so nothing stays up).
-s pads each request with a body so that the whole message is SIZE bytes. Prints one line:

    sent=30 answered=20 none=10 final=200:20 provisional=100:0

answered: requests that got a final response; none: requests that got none at all;
final: count per final status; provisional: count of requests that saw a 1xx (by status).
A line "retry_after=N" follows when a 503 carried Retry-After. Standard library only; exits 0
whenever it ran (the test judges the figures).
"""
import argparse
import random
import socket
import sys
import time


def rand(n=10):
    return "".join(random.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(n))


def hdr(text, name):
    for line in text.split("\r\n")[1:]:
        if line == "":
            break
        k, _, v = line.partition(":")
        if k.strip().lower() == name.lower():
            return v.strip()
    return None


def request(method, local, tandem, call_id, branch, tag, size):
    body = ""
    ctype = ""
    if method == "INVITE":
        body = ("v=0\r\no=flood 1 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n"
                "m=audio 9 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n" % (local[0], local[0]))
        ctype = "Content-Type: application/sdp\r\n"

    def build(b):
        return ("%s sip:flood@%s:%d SIP/2.0\r\n"
                "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK%s;rport\r\n"
                "Max-Forwards: 70\r\n"
                "From: <sip:flood@%s>;tag=%s\r\n"
                "To: <sip:flood@%s>\r\n"
                "Call-ID: %s\r\n"
                "CSeq: 1 %s\r\n"
                "Contact: <sip:flood@%s:%d>\r\n"
                "%s"
                "Content-Length: %d\r\n\r\n%s" % (
                    method, tandem[0], tandem[1], local[0], local[1], branch, local[0], tag,
                    tandem[0], call_id, method, local[0], local[1], ctype, len(b), b))
    msg = build(body)
    if size and len(msg) < size:
        if not ctype:
            ctype = "Content-Type: text/plain\r\n"
        pad = size - len(build(body + "a=x\r\n")) + 0
        body = body + "a=" + "x" * max(pad, 0) + "\r\n"
        msg = build(body)
    return msg


def in_dialog(method, text, local, tandem, cseq_method=None):
    """ACK or BYE for the dialog of a final response text."""
    to = hdr(text, "To")
    frm = hdr(text, "From")
    call_id = hdr(text, "Call-ID")
    cseq = hdr(text, "CSeq").split()[0]
    num = cseq if method == "ACK" else str(int(cseq) + 1)
    via = hdr(text, "Via") if method == "ACK" else (
        "SIP/2.0/UDP %s:%d;branch=z9hG4bK%s;rport" % (local[0], local[1], rand()))
    return ("%s sip:flood@%s:%d SIP/2.0\r\nVia: %s\r\nMax-Forwards: 70\r\nFrom: %s\r\nTo: %s\r\n"
            "Call-ID: %s\r\nCSeq: %s %s\r\nContent-Length: 0\r\n\r\n" % (
                method, tandem[0], tandem[1], via, frm, to, call_id, num, method))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-m", default="OPTIONS")
    ap.add_argument("-n", type=int, default=30)
    ap.add_argument("-w", type=float, default=2.0)
    ap.add_argument("-s", type=int, default=0)
    ap.add_argument("local")
    ap.add_argument("tandem")
    a = ap.parse_args()
    host, _, port = a.tandem.partition(":")
    tandem = (host, int(port or 5060))
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    sock.bind((a.local, 0))
    local = sock.getsockname()
    finals, prov = {}, {}
    ids = []
    for i in range(a.n):
        cid = "flood-%d-%s" % (i, rand())
        ids.append(cid)
        sock.sendto(request(a.m, local, tandem, cid, rand(), rand(6), a.s).encode(), tandem)
    deadline = time.time() + a.w
    retry_after = None
    sock.settimeout(0.1)
    while time.time() < deadline:
        try:
            data, src = sock.recvfrom(65535)
        except socket.timeout:
            continue
        text = data.decode(errors="replace")
        if not text.startswith("SIP/2.0 "):
            # a request of tandemd's (BYE of ours answered elsewhere): answer 200
            if text.split(" ", 1)[0] in ("BYE", "OPTIONS"):
                resp = "SIP/2.0 200 OK\r\n" + "".join(
                    "%s: %s\r\n" % (h, hdr(text, h)) for h in ("Via", "From", "To", "Call-ID", "CSeq")
                ) + "Content-Length: 0\r\n\r\n"
                sock.sendto(resp.encode(), src)
            continue
        status = int(text.split(" ", 2)[1])
        cid = hdr(text, "Call-ID")
        method = (hdr(text, "CSeq") or " ?").split()[1]
        if method != a.m:
            continue
        if status < 200:
            prov.setdefault(cid, set()).add(status)
            continue
        if cid in finals:
            continue	# a retransmission
        finals[cid] = status
        if status == 503 and hdr(text, "Retry-After"):
            retry_after = hdr(text, "Retry-After")
        if a.m == "INVITE":
            sock.sendto(in_dialog("ACK", text, local, tandem).encode(), tandem)
            if status < 300:
                sock.sendto(in_dialog("BYE", text, local, tandem).encode(), tandem)
    counts = {}
    for s in finals.values():
        counts[s] = counts.get(s, 0) + 1
    pcounts = {}
    for st in prov.values():
        for s in st:
            pcounts[s] = pcounts.get(s, 0) + 1
    print("sent=%d answered=%d none=%d final=%s provisional=%s" % (
        a.n, len(finals), a.n - len(finals),
        ",".join("%d:%d" % kv for kv in sorted(counts.items())) or "-",
        ",".join("%d:%d" % kv for kv in sorted(pcounts.items())) or "-"))
    if retry_after is not None:
        print("retry_after=%s" % retry_after)
    return 0


if __name__ == "__main__":
    sys.exit(main())
