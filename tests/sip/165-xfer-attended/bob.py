#!/usr/bin/env python3
"""bob of 165-xfer-attended: answers alice (call 1), calls carol (call 2), then REFERs call 1
to carol with a Replaces naming his dialog of call 2; expects 202, NOTIFY 100 and 200
(terminated) on call 1, and a BYE from tandemd on each of his two dialogs."""
import time
from sipua import UA, calls_in, env, fail, note, run, wait_for


def main():
    tip = env("TANDEM_IP")
    bob = UA("bob", env("CALLEE_IP"), int(env("CALLEE_PORT")))
    inv = bob.wait_request("INVITE", timeout=15)
    if "alice" not in inv.hdr("from"):
        fail("call 1 does not come from alice: From %s" % inv.hdr("from"))
    d1 = bob.answer(inv, 31000)
    note("call 1 (alice) answered, Call-ID %s" % d1.call_id)
    d2 = bob.call("carol", 31002)
    note("call 2 (carol) answered, Call-ID %s, tandemd's tag %s" % (d2.call_id, d2.remote_tag))
    # both calls confirmed in tandemd (the ACKs through) before the REFER
    wait_for(lambda: len(calls_in("confirmed")) == 2, 5, "both calls confirmed in tandemd")
    refer_to = "<sip:carol@%s?Replaces=%s>" % (tip, d2.replaces())
    note("REFER on call 1, Refer-To: " + refer_to)
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
        if m.method == "NOTIFY":
            if m.call_id != d1.call_id:
                fail("NOTIFY outside call 1 (Call-ID %s)" % m.call_id)
            if "message/sipfrag" not in (m.hdr("content-type") or ""):
                fail("NOTIFY of type %s, want message/sipfrag" % m.hdr("content-type"))
            if final:
                fail("a NOTIFY after the final one: %r" % m.body)
            frags.append(m.body.split("\r\n")[0])
            final = "terminated" in (m.hdr("subscription-state") or "")
            bob.respond(m, 200)
        elif m.method == "BYE":
            if m.call_id not in (d1.call_id, d2.call_id):
                fail("BYE for an unknown dialog %s" % m.call_id)
            byes.add("call 1" if m.call_id == d1.call_id else "call 2")
            bob.respond(m, 200)
        else:
            fail("unexpected %s" % m.what())
    note("NOTIFYs: %s; BYE on %s" % (frags, sorted(byes)))
    if frags[0] != "SIP/2.0 100 Trying":
        fail("first NOTIFY %r, want SIP/2.0 100 Trying" % frags[0])
    if not frags[-1].startswith("SIP/2.0 200"):
        fail("final NOTIFY %r, want SIP/2.0 200" % frags[-1])
    bob.quiet(1.0)


run(main)
