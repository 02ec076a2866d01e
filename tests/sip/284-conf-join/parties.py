#!/usr/bin/env python3
"""The SIP parties of 284-conf-join besides alice (baresip): bob answers alice's call and sends
1000 Hz; carol (at $TEST_NET.4) calls dave with PCMA and sends 1500 Hz, then once more with G722
only (its join is refused); dave answers and sends nothing. test.sh and this script step
each other through files in $T/conf: this one writes a file when a step is done, test.sh
writes go-STEP when the next may start. Levels of what bob and carol hear go to
$T/conf/levels-N (one "who hz=amplitude ..." line each)."""
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


def measure(n, parties):
    # 0.3 s in: what the jitter buffers held from before is played out
    for p in parties:
        if not p.wait_samples(p.mark(), 2400, 5):
            fail("%s receives no audio" % p.name)
    marks = {p.name: p.mark() for p in parties}
    with open(os.path.join(D, "levels-%d" % n), "w") as f:
        for p in parties:
            lv = p.levels(marks[p.name], 1.0, FREQS)
            if lv is None:
                fail("%s received less than 1 s of audio" % p.name)
            f.write("%s %s\n" % (p.name, " ".join("%d=%.0f" % kv for kv in sorted(lv.items()))))
    done("measured-%d" % n)


def main():
    net = env("TEST_NET")
    bob = UA("bob", env("CALLEE_IP"), 5080)
    dave = UA("dave", env("CALLEE2_IP"), 5080)
    carol = UA("carol", net + ".4", 5070)
    os.makedirs(D, exist_ok=True)
    done("ready")

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
    done("pcma-up")

    # G722 only: answered, but its join must be refused
    wait_go("g722")
    tx = carol.invite("dave", 0, body=sdp(carol.ip, 32000, "carol", pt=9, codec="G722"))
    inv = dave.wait_request("INVITE")
    dg = dave.answer(inv, 33000, body=sdp(dave.ip, 33000, "dave", pt=9, codec="G722"))
    carol.wait_final(tx, want=200)
    done("g722-up")
    wait_go("g722-bye")
    tx.dialog.bye()
    dave.respond(dave.wait_request("BYE", dg), 200)
    done("g722-gone")

    wait_go("dave-leave")
    dd.bye()
    done("dave-left")
    measure(1, [tb, tc])

    wait_go("bob-leave")
    db.bye()
    done("bob-left")
    measure(2, [tc])

    wait_go("carol-leave")
    dc.bye()
    done("carol-left")
    tb.stop()
    tc.stop()


run(main)
