#!/usr/bin/env python3
"""The Python parties of 285-conf-refer-srtp: alice (440 Hz) calls bob (baresip, SRTP leg),
carol (1500 Hz) calls dave (silent), and each caller REFERs its call to the conference URI:
202, then a NOTIFY whose sipfrag says 200. Erin's call (G722 only) is refused with 488 and
the reason. Steps with test.sh through files in $T/conf, as 284's parties.py."""
import os
import time

from sipua import UA, env, fail, note, run, sdp, sdp_addr
from confua import Tone

D = os.path.join(env("T"), "conf")
FREQS = [440, 1000, 1500]


def done(step):
    open(os.path.join(D, step), "w").close()
    note("step " + step)


def wait_go(step, timeout=30):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if os.path.exists(os.path.join(D, "go-" + step)):
            return
        time.sleep(0.05)
    fail("test.sh never said go-" + step)


def refer_conf(ua, d, want=202):
    conf = "sip:conf@%s" % env("TANDEM_IP")
    tx = d.send("REFER", ["Refer-To: <%s>" % conf, "Referred-By: <sip:%s@%s>" % (ua.name, ua.ip)])
    resp = ua.wait_final(tx, timeout=10)
    if resp.status != want:
        fail("REFER answered %d %s, want %d" % (resp.status, resp.reason, want))
    if want != 202:
        return resp
    n = ua.wait_request("NOTIFY", d)
    ua.respond(n, 200)
    if "SIP/2.0 200" not in (n.body or ""):
        fail("the NOTIFY does not say 200: %r" % n.body)
    return resp


def main():
    net = env("TEST_NET")
    alice = UA("alice", env("CALLER_IP"), 5070)
    dave = UA("dave", env("CALLEE_IP"), 5080)
    carol = UA("carol", net + ".4", 5070)
    erin = UA("erin", net + ".5", 5070)
    os.makedirs(D, exist_ok=True)

    def call(ua, user, port, hz, pt=0, codec="PCMU"):
        tx = ua.invite(user, 0, body=sdp(ua.ip, port, ua.name, pt=pt, codec=codec))
        ua.wait_final(tx, want=200, timeout=15)
        t = None
        if hz:
            t = Tone(ua.name, ua.ip, port, hz, codec=codec)
            t.start(sdp_addr(tx.final.body))
        return tx.dialog, t

    da, ta = call(alice, "bob", 31000, 440)
    tx = carol.invite("dave", 0, body=sdp(carol.ip, 32000, "carol", pt=8, codec="PCMA"))
    inv = dave.wait_request("INVITE")
    dd = dave.answer(inv, 33000, body=sdp(dave.ip, 33000, "dave", pt=8, codec="PCMA"))
    carol.wait_final(tx, want=200)
    dc = tx.dialog
    tc = Tone("carol", carol.ip, 32000, 1500, codec="PCMA")
    tc.start(sdp_addr(tx.final.body))
    done("calls-up")

    refer_conf(alice, da)
    done("alice-referred")
    refer_conf(carol, dc)
    done("carol-referred")

    # erin's call has a codec the bridge cannot mix: the REFER is refused with the reason
    tx = erin.invite("dave", 0, body=sdp(erin.ip, 34000, "erin", pt=9, codec="G722"))
    inv = dave.wait_request("INVITE")
    de = dave.answer(inv, 33010, body=sdp(dave.ip, 33010, "dave", pt=9, codec="G722"))
    erin.wait_final(tx, want=200)
    resp = refer_conf(erin, tx.dialog, want=488)
    if "cannot be mixed" not in resp.reason:
        fail("the 488 does not say why: %r" % resp.reason)
    tx.dialog.bye()
    dave.respond(dave.wait_request("BYE", de), 200)
    done("erin-refused")

    # what alice and carol hear, 0.3 s in
    for p in (ta, tc):
        if not p.wait_samples(p.mark(), 2400, 5):
            fail("%s receives no audio" % p.name)
    marks = {p.name: p.mark() for p in (ta, tc)}
    with open(os.path.join(D, "levels"), "w") as f:
        for p in (ta, tc):
            lv = p.levels(marks[p.name], 1.0, FREQS)
            if lv is None:
                fail("%s received less than 1 s of audio" % p.name)
            f.write("%s %s\n" % (p.name, " ".join("%d=%.0f" % kv for kv in sorted(lv.items()))))
    done("measured")

    wait_go("leave")
    da.bye()
    dc.bye()
    done("callers-left")
    dd.bye()
    done("dave-left")
    ta.stop()
    tc.stop()


run(main)
