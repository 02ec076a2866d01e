#!/usr/bin/env python3
"""tests/sip/007-dialog-floods/flood.py: CANCELs and BYEs for dialogs tandemd never
had, N of each, as fast as loopback takes them with at most WINDOW unanswered
at a time (a lost request is sent again once). Each must be answered 481.
Prints the counts per method and answer; exit 1 unless every one got 481.
Usage: flood.py TANDEM_IP:PORT LOCAL_IP LOCAL_PORT N"""
import collections, random, re, socket, sys, time

WINDOW = 64


def main():
    tandem, ip, port, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    host, tport = tandem.split(":")
    dst = (host, int(tport))
    local = "%s:%d" % (ip, port)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.bind((ip, port))
    rnd = random.Random(481)
    bad = 0
    for method in ("CANCEL", "BYE"):
        todo = list(range(n))
        outstanding = {}	# call-id -> (msg, sent at, tries)
        answers = collections.Counter()
        t0 = time.monotonic()
        deadline = t0 + 60
        while (todo or outstanding) and time.monotonic() < deadline:
            while todo and len(outstanding) < WINDOW:
                i = todo.pop()
                cid = "flood-%s-%d-%x" % (method.lower(), i, rnd.getrandbits(40))
                cseq = 1 if method == "CANCEL" else 2
                to_tag = "" if method == "CANCEL" else ";tag=%x" % rnd.getrandbits(32)
                msg = ("%s sip:bob@%s SIP/2.0\r\nVia: SIP/2.0/UDP %s;branch=z9hG4bK%x;rport\r\n"
                       "From: <sip:alice@%s>;tag=%x\r\nTo: <sip:bob@%s>%s\r\nCall-ID: %s\r\n"
                       "CSeq: %d %s\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n" %
                       (method, tandem, local, rnd.getrandbits(48), local, rnd.getrandbits(32),
                        tandem, to_tag, cid, cseq, method)).encode()
                s.sendto(msg, dst)
                outstanding[cid] = (msg, time.monotonic(), 1)
            s.settimeout(0.2)
            try:
                data, _ = s.recvfrom(65535)
            except socket.timeout:
                now = time.monotonic()
                for cid, (msg, at, tries) in list(outstanding.items()):
                    if now - at > 1.0:
                        if tries >= 3:
                            del outstanding[cid]
                            answers["nothing"] += 1
                        else:
                            s.sendto(msg, dst)
                            outstanding[cid] = (msg, now, tries + 1)
                continue
            m = re.search(rb"\r\n(?:Call-ID|i)[ \t]*:[ \t]*([^\r\n]+)", data, re.I)
            st = re.match(rb"SIP/2\.0 (\d{3}) ", data)
            if not m or not st:
                continue
            cid = m.group(1).decode("latin-1").strip()
            if cid in outstanding:
                del outstanding[cid]
                answers[st.group(1).decode()] += 1
        for cid in outstanding:
            answers["nothing"] += 1
        dt = time.monotonic() - t0
        print("%-6s x %d in %.1fs (%.0f/s): %s" % (method, n, dt, n / dt,
              ", ".join("%s=%d" % kv for kv in sorted(answers.items()))))
        if answers.get("481", 0) != n:
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
