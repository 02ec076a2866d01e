#!/usr/bin/env python3
"""The parties of 286-conf-disorder-hangup, all Python (PCMU): alice (440 Hz) calls bob
(1000 Hz), carol (1500 Hz, her packets out of order and every 10th one 200 ms late) calls
dave (2000 Hz). test.sh joins the calls, later hangs up alice's call with tandemctl; steps
through files in $T/conf as 284's parties.py."""
import os

from sipua import UA, env, run, sdp, sdp_addr
from confua import Steps, Tone

FREQS = [440, 1000, 1500, 2000]
S = Steps(os.path.join(env("T"), "conf"), FREQS)


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
    os.makedirs(S.folder, exist_ok=True)
    da, ta, db, tb = pair(alice, bob, "bob", 31000, 31010, 440, 1000)
    dc, tc, dd, td = pair(carol, dave, "dave", 32000, 32010, 1500, 2000, disorder=True)
    S.done("calls-up")
    S.wait_go("joined")
    S.measure(1, [ta, tb, tc, td])

    # tandemctl hangup of alice's call: BYE to alice and to bob
    S.wait_go("hangup")
    alice.respond(alice.wait_request("BYE", da), 200)
    bob.respond(bob.wait_request("BYE", db), 200)
    ta.stop()
    tb.stop()
    S.done("hung-up")
    S.measure(2, [tc, td])

    S.wait_go("dave-leave")
    dd.bye()
    carol.respond(carol.wait_request("BYE", dc), 200)   # the last party
    S.done("carol-hung-up")
    tc.stop()
    td.stop()


run(main)
