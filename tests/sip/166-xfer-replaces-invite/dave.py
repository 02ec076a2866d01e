#!/usr/bin/env python3
"""dave of 166-xfer-replaces-invite: INVITEs with Replaces toward tandemd.
Usage: dave.py CALL-ID TO-TAG FROM-TAG (tandemd's dialog with alice, as tandemd sees it)."""
import json
import sys
from sipua import UA, ctl, env, expect_rtp, fail, note, rtpeer_start, run, sdp_addr, wait_for


def calls():
    return json.loads(ctl("--json", "calls"))["calls"]


def main():
    cid, to_tag, from_tag = sys.argv[1:4]
    tip, cip, c2ip = env("TANDEM_IP"), env("CALLEE_IP"), env("CALLEE2_IP")
    cs = calls()
    if len(cs) != 1 or cs[0]["a_call_id"] != cid:
        fail("tandemctl calls: %s, want one call with a_call_id %s" % (cs, cid))
    call = cs[0]["id"]
    dave = UA("dave", c2ip, 5090)

    bad = [("no such dialog", "nosuch-call@%s;to-tag=abc;from-tag=def" % c2ip),
           ("alice's Call-ID, a wrong to-tag", "%s;to-tag=wrong;from-tag=%s" % (cid, from_tag)),
           ("alice's Call-ID, tags swapped", "%s;to-tag=%s;from-tag=%s" % (cid, from_tag, to_tag))]
    for what, rp in bad:
        tx = dave.invite("bob", 34000, ["Replaces: " + rp])
        r = dave.wait_final(tx)
        if r.status != 481:
            fail("INVITE with Replaces (%s) answered %d %s, want 481" % (what, r.status, r.reason))
        note("Replaces (%s): 481" % what)
    cs = calls()
    if len(cs) != 1 or cs[0]["a_call_id"] != cid:
        fail("after the 481s, tandemctl calls: %s" % cs)

    rp = "%s;to-tag=%s;from-tag=%s" % (cid, to_tag, from_tag)
    tx = dave.invite("bob", 34000, ["Replaces: " + rp])
    r = dave.wait_final(tx, want=200)
    d = tx.dialog
    ip, port = sdp_addr(r.body)
    if ip != tip or not port:
        fail("200 to dave offers %s:%s, want tandemd's relay on %s" % (ip, port, tip))
    note("replaced: dave's dialog %s, relay port %d" % (d.call_id, port))
    # tandemd may still be closing alice's old leg: wait (bounded) for one call left
    wait_for(lambda: len(calls()) == 1, 5, "one call left in tandemd")
    cs = calls()
    if len(cs) != 1 or cs[0]["id"] != call or cs[0]["a_call_id"] != d.call_id:
        fail("tandemctl calls after the replacement: %s, want call %s with a_call_id %s"
             % (cs, call, d.call_id))
    st = json.loads(ctl("--json", "call", str(call)))["call"]["streams"][0]
    if st["a"]["relay_port"] != port:
        fail("the relay faces dave on %s, the 200 said %d" % (st["a"]["relay_port"], port))
    b_port = st["b"]["relay_port"]
    hd = rtpeer_start("dave", "%s:34000" % c2ip, "%s:%d" % (tip, port))
    hb = rtpeer_start("bob", "%s:31000" % cip, "%s:%d" % (tip, b_port))
    expect_rtp(hd, 95, "%s:%d" % (tip, port))
    expect_rtp(hb, 95, "%s:%d" % (tip, b_port))
    st = json.loads(ctl("--json", "call", str(call)))["call"]["streams"][0]
    if st["a"]["latched"] != "%s:34000" % c2ip:
        fail("the relay's A side is latched to %s, want dave" % st["a"]["latched"])
    d.bye()
    dave.quiet(0.5)


run(main)
