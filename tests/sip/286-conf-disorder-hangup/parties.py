#!/usr/bin/env python3
"""The parties of 286-conf-disorder-hangup, all Python (PCMU): alice (440 Hz) calls bob
(1000 Hz), carol (1500 Hz, her packets out of order and every 10th one 200 ms late) calls
dave (2000 Hz). test.sh joins the calls, later hangs up alice's call with tandemctl; steps
through files in $T/conf as 284's parties.py."""
import os
import time

from sipua import UA, env, fail, note, run, sdp, sdp_addr
from confua import Tone

D = os.path.join(env("T"), "conf")
FREQS = [440, 1000, 1500, 2000]


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


def pair(caller, callee, user, cport, eport, chz, ehz, disorder=False):
    tx = caller.invite(user, 0, body=sdp(caller.ip, cport, caller.name))
    inv = callee.wait_request("INVITE")
    te = Tone(callee.name, callee.ip, eport, ehz)
    te.start(sdp_addr(inv.body))
    de = callee.answer(inv, eport)
    caller.wait_final(tx, want=200)
    tc = Tone(caller.name, caller.ip, cport, chz, disorder=disorder)
    tc.start(sdp_addr(tx.final.body))
    return tx.dialog, tc, de, te


def main():
    net = env("TEST_NET")
    alice = UA("alice", env("CALLER_IP"), 5070)
    bob = UA("bob", env("CALLEE_IP"), 5080)
    dave = UA("dave", env("CALLEE2_IP"), 5080)
    carol = UA("carol", net + ".4", 5070)
    os.makedirs(D, exist_ok=True)
    da, ta, db, tb = pair(alice, bob, "bob", 31000, 31010, 440, 1000)
    dc, tc, dd, td = pair(carol, dave, "dave", 32000, 32010, 1500, 2000, disorder=True)
    done("calls-up")
    wait_go("joined")
    measure(1, [ta, tb, tc, td])

    # tandemctl hangup of alice's call: BYE to alice and to bob
    wait_go("hangup")
    alice.respond(alice.wait_request("BYE", da), 200)
    bob.respond(bob.wait_request("BYE", db), 200)
    ta.stop()
    tb.stop()
    done("hung-up")
    measure(2, [tc, td])

    wait_go("dave-leave")
    dd.bye()
    carol.respond(carol.wait_request("BYE", dc), 200)   # the last party
    done("carol-hung-up")
    tc.stop()
    td.stop()


run(main)
