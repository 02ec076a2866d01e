#!/usr/bin/env python3
"""alice, bob and carol of 156-xfer-passthrough-media."""
import re
import time
from sipua import (notifies_until_final, UA, env, fail, note, run, sdp, sdp_addr, rtpeer_start, expect_rtp)


def main():
    tip = env("TANDEM_IP")
    a_ip, b_ip, c_ip = env("CALLER_IP"), env("CALLEE_IP"), env("CALLEE2_IP")
    alice = UA("alice", a_ip, int(env("CALLER_PORT")))
    bob = UA("bob", b_ip, int(env("CALLEE_PORT")))
    carol = UA("carol", c_ip, int(env("CALLEE2_PORT")))

    tx = alice.invite("bob", 30000)
    inv = bob.wait_request("INVITE")
    if sdp_addr(inv.body) != (a_ip, 30000):
        fail("passthrough: bob got %s, want alice's own media" % (sdp_addr(inv.body),))
    bd = bob.answer(inv, 31000)
    alice.wait_final(tx, want=200)
    ad = tx.dialog
    note("alice <-> bob up (bob's media %s:31000)" % b_ip)

    # bob transfers alice to carol
    rtx = bd.send("REFER", ["Refer-To: <sip:carol@%s>" % tip,
                            "Referred-By: <sip:bob@%s>" % b_ip])
    bob.wait_final(rtx, want=202)
    cinv = carol.wait_request("INVITE")
    if sdp_addr(cinv.body) != (a_ip, 30000):
        fail("carol is offered %s, want alice's media" % (sdp_addr(cinv.body),))
    carol.answer(cinv, 32000, body=sdp(c_ip, 32000, "carol"))
    frags = notifies_until_final(bob, bd)
    if not frags[-1].startswith("SIP/2.0 200"):
        fail("bob's NOTIFYs: %s" % frags)
    bye = bob.wait_request("BYE", bd)
    bob.reply_in(bye, 200)
    note("bob told %s and released" % frags)

    # alice hears about carol's media
    re_inv = alice.wait_request("INVITE", ad)
    got = sdp_addr(re_inv.body)
    if got != (c_ip, 32000):
        fail("alice's re-INVITE carries %s, want carol's %s:32000" % (got, c_ip))
    o = re.search(r"^o=(\S+) (\S+) (\d+)", re_inv.body, re.M)
    if not o or o.group(1) != "bob" or int(o.group(3)) < 2:
        fail("alice's re-INVITE origin %r: want bob's origin, version raised" %
             (o.group(0) if o else None))
    alice.reply_in(re_inv, 200, body=sdp(a_ip, 30000, "alice", version=2))
    alice.wait_request("ACK", ad)
    note("alice re-INVITEd to carol's media (origin %s)" % o.group(0))

    ha = rtpeer_start("alice", "%s:30000" % a_ip, "%s:32000" % c_ip)
    hc = rtpeer_start("carol", "%s:32000" % c_ip, "%s:30000" % a_ip)
    expect_rtp(ha, 95, "%s:32000" % c_ip)
    expect_rtp(hc, 95, "%s:30000" % a_ip)
    time.sleep(0.2)
    alice.quiet(0.5)
    ad.bye()
    note("alice hung up")


run(main)
