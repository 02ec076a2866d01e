#!/usr/bin/env python3
"""bob of 260, the transferor, as linphonec does it: answers alice (call 1), holds her
(re-INVITE sendonly), calls carol (call 2), then REFERs call 1 with a Replaces naming his
dialog of call 2; expects 202, NOTIFY 100 and 200, and a BYE on each of his dialogs."""
import time
from sipua import UA, env, fail, note, run, sdp, sdp_dir


def main():
    tip = env("TANDEM_IP")
    bob = UA("bob", env("CALLEE_IP"), int(env("CALLEE_PORT")))
    inv = bob.wait_request("INVITE", timeout=15)
    d1 = bob.answer(inv, 31000)
    ok = d1.request("INVITE", body=sdp(bob.ip, 31000, "bob", direction="sendonly", version=2))
    if sdp_dir(ok.body) != "recvonly":
        fail("the hold was answered %s, want recvonly" % sdp_dir(ok.body))
    note("alice on hold")
    d2 = bob.call("carol", 31002)
    note("call 2 (carol) answered, Call-ID %s" % d2.call_id)
    refer_to = "<sip:carol@%s?Replaces=%s>" % (tip, d2.replaces())
    tx = d1.send("REFER", ["Refer-To: " + refer_to,
                           "Referred-By: <sip:bob@%s:%d>" % (bob.ip, bob.port)])
    bob.wait_final(tx, want=202)
    frags, byes, final = [], set(), False
    end = time.monotonic() + 10
    while len(byes) < 2 or not final:
        left = end - time.monotonic()
        if left <= 0:
            fail("after 10 s: NOTIFYs %s, BYE on %s" % (frags, sorted(byes) or "none"))
        m = bob.expect(lambda m: m.is_request, left, "NOTIFY or BYE")
        if m.method == "NOTIFY" and m.call_id == d1.call_id:
            frags.append(m.body.split("\r\n")[0])
            final = "terminated" in (m.hdr("subscription-state") or "")
            bob.respond(m, 200)
        elif m.method == "BYE" and m.call_id in (d1.call_id, d2.call_id):
            byes.add("call 1" if m.call_id == d1.call_id else "call 2")
            bob.respond(m, 200)
        else:
            fail("unexpected %s" % m.what())
    note("NOTIFYs: %s; BYE on %s" % (frags, sorted(byes)))
    if not frags[-1].startswith("SIP/2.0 200"):
        fail("final NOTIFY %r, want SIP/2.0 200" % frags[-1])
    bob.quiet(1.0)


run(main)
