#!/usr/bin/env python3
"""The SIP parties of 284-conf-join besides alice (baresip): bob answers alice's call and sends
1000 Hz; carol (at $TEST_NET.4) calls dave with PCMA and sends 1500 Hz, then once more with G722
only (its join is refused); dave answers and sends nothing. test.sh and this script step
each other through files in $T/conf: this one writes a file when a step is done, test.sh
writes go-STEP when the next may start. Levels of what bob and carol hear go to
$T/conf/levels-N (one "who hz=amplitude ..." line each)."""
import os

from sipua import UA, env, run, sdp, sdp_addr
from confua import Steps, Tone

FREQS = [440, 1000, 1500]
S = Steps(os.path.join(env("T"), "conf"), FREQS)


def main():
    net = env("TEST_NET")
    bob = UA("bob", env("CALLEE_IP"), 5080)
    dave = UA("dave", env("CALLEE2_IP"), 5080)
    carol = UA("carol", net + ".4", 5070)
    os.makedirs(S.folder, exist_ok=True)
    S.done("ready")

    inv = bob.wait_request("INVITE", timeout=30)
    tb = Tone("bob", bob.ip, 31000, 1000)
    tb.start(sdp_addr(inv.body))
    db = bob.answer(inv, 31000)

    # PCMA: the call that joins
    tc = Tone("carol", carol.ip, 32010, 1500, codec="PCMA")
    tx = carol.invite("dave", 0, body=sdp(carol.ip, 32010, "carol", pt=8, codec="PCMA"))
    inv = dave.wait_request("INVITE")
    dd = dave.answer(inv, 33010, body=sdp(dave.ip, 33010, "dave", pt=8, codec="PCMA"))
    carol.wait_final(tx, want=200)
    dc = tx.dialog
    tc.start(sdp_addr(tx.final.body))
    S.done("pcma-up")

    # G722 only: answered, but its join must be refused
    S.wait_go("g722")
    tx = carol.invite("dave", 0, body=sdp(carol.ip, 32000, "carol", pt=9, codec="G722"))
    inv = dave.wait_request("INVITE")
    dg = dave.answer(inv, 33000, body=sdp(dave.ip, 33000, "dave", pt=9, codec="G722"))
    carol.wait_final(tx, want=200)
    S.done("g722-up")
    S.wait_go("g722-bye")
    tx.dialog.bye()
    dave.respond(dave.wait_request("BYE", dg), 200)
    S.done("g722-gone")

    S.wait_go("dave-leave")
    dd.bye()
    S.done("dave-left")
    S.measure(1, [tb, tc])

    S.wait_go("bob-leave")
    db.bye()
    S.done("bob-left")
    S.measure(2, [tc])

    S.wait_go("carol-leave")
    dc.bye()
    S.done("carol-left")
    tb.stop()
    tc.stop()


run(main)
