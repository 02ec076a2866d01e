#!/usr/bin/env python3
"""bob of 262, the transferor: answers alice, holds her (re-INVITE sendonly), then REFERs the
call to carol (blind); expects 202, NOTIFY 100 ... 200 (terminated), and tandemd's BYE."""
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
    tx = d1.send("REFER", ["Refer-To: <sip:carol@%s>" % tip])
    bob.wait_final(tx, want=202)
    frags, bye, final = [], False, False
    end = time.monotonic() + 15
    while not bye or not final:
        left = end - time.monotonic()
        if left <= 0:
            fail("after 15 s: NOTIFYs %s, BYE %s" % (frags, bye))
        m = bob.expect(lambda m: m.is_request and m.call_id == d1.call_id, left, "NOTIFY or BYE")
        if m.method == "NOTIFY":
            frags.append(m.body.split("\r\n")[0])
            final = "terminated" in (m.hdr("subscription-state") or "")
            bob.respond(m, 200)
        elif m.method == "BYE":
            bye = True
            bob.respond(m, 200)
        else:
            fail("unexpected %s" % m.what())
    note("NOTIFYs: %s; BYE" % frags)
    if not frags[-1].startswith("SIP/2.0 200"):
        fail("final NOTIFY %r, want SIP/2.0 200" % frags[-1])


run(main)
