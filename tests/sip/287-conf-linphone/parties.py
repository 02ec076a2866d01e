#!/usr/bin/env python3
"""The Python parties of 287-conf-linphone besides alice (linphonec): carol (at $TEST_NET.4,
PCMA, 1500 Hz) calls dave (silent) and REFERs her call to the conference URI; bob (1000 Hz)
answers alice's first call, erin (at $TEST_NET.5, 2000 Hz) her second. Steps with test.sh
through files in $T/conf (confua.Steps, as 284's parties.py, whose order of calls and leaving
differs); levels of what bob, carol and erin hear go to $T/conf/levels-N."""
import os

from sipua import UA, env, fail, run, sdp, sdp_addr
from confua import Steps, Tone

FREQS = [440, 1000, 1500, 2000]
S = Steps(os.path.join(env("T"), "conf"), FREQS)


def refer_conf(ua, d):
    conf = "sip:conf@%s" % env("TANDEM_IP")
    tx = d.send("REFER", ["Refer-To: <%s>" % conf, "Referred-By: <sip:%s@%s>" % (ua.name, ua.ip)])
    ua.wait_final(tx, want=202, timeout=10)
    n = ua.wait_request("NOTIFY", d)
    ua.respond(n, 200)
    if "SIP/2.0 200" not in (n.body or ""):
        fail("the NOTIFY does not say 200: %r" % n.body)


def answer(ua, port, hz):
    """Answer the next INVITE (alice's) and send a hz tone: its dialog and Tone."""
    inv = ua.wait_request("INVITE", timeout=30)
    t = Tone(ua.name, ua.ip, port, hz)
    t.start(sdp_addr(inv.body))
    return ua.answer(inv, port), t


def main():
    net = env("TEST_NET")
    bob = UA("bob", env("CALLEE_IP"), 5080)
    dave = UA("dave", env("CALLEE2_IP"), 5080)
    carol = UA("carol", net + ".4", 5070)
    erin = UA("erin", net + ".5", 5070)
    os.makedirs(S.folder, exist_ok=True)

    tx = carol.invite("dave", 0, body=sdp(carol.ip, 32010, "carol", pt=8, codec="PCMA"))
    inv = dave.wait_request("INVITE")
    dd = dave.answer(inv, 33010, body=sdp(dave.ip, 33010, "dave", pt=8, codec="PCMA"))
    carol.wait_final(tx, want=200)
    dc = tx.dialog
    tc = Tone("carol", carol.ip, 32010, 1500, codec="PCMA")
    tc.start(sdp_addr(tx.final.body))
    refer_conf(carol, dc)
    S.done("carol-in")

    db, tb = answer(bob, 31000, 1000)
    S.done("bob-up")
    S.wait_go("measure-1")      # alice transferred bob into the conference and left
    S.measure(1, [tb, tc])

    de, te = answer(erin, 34000, 2000)
    S.done("erin-up")
    S.wait_go("measure-2")      # alice and erin joined
    S.measure(2, [tb, tc, te])
    S.wait_go("measure-3")      # alice left
    S.measure(3, [tb, tc, te])

    S.wait_go("leave")
    db.bye()
    de.bye()
    dd.bye()
    carol.respond(carol.wait_request("BYE", dc), 200)   # the last party
    S.done("carol-hung-up")
    for t in (tb, tc, te):
        t.stop()


run(main)
