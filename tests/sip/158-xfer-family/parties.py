#!/usr/bin/env python3
"""alice, bob and carol of 158-xfer-family."""
from sipua import (notifies_until_final, UA, env, fail, note, run, sdp_addr, rtpeer_start, expect_rtp, ctl)
import json


def sdp6(port, sess):
    return "\r\n".join(["v=0", "o=%s 1 1 IN IP6 ::1" % sess, "s=-", "c=IN IP6 ::1", "t=0 0",
                        "m=audio %d RTP/AVP 0 101" % port, "a=rtpmap:0 PCMU/8000",
                        "a=rtpmap:101 telephone-event/8000"]) + "\r\n"


def stream0():
    calls = json.loads(ctl("--json", "calls"))["calls"]
    if len(calls) != 1:
        fail("want one call, tandemctl shows %d" % len(calls))
    return json.loads(ctl("--json", "call", str(calls[0]["id"])))["call"]["streams"][0]


def main():
    tip = env("TANDEM_IP")
    a_ip, b_ip, c_ip = env("CALLER_IP"), env("CALLEE_IP"), env("CALLEE2_IP")
    alice = UA("alice", a_ip, int(env("CALLER_PORT")))
    bob = UA("bob", b_ip, int(env("CALLEE_PORT")))
    carol = UA("carol", c_ip, int(env("CALLEE2_PORT")))

    tx = alice.invite("bob", 30158, body=sdp6(30158, "alice"))
    inv = bob.wait_request("INVITE")
    if sdp_addr(inv.body)[0] != tip:
        fail("bob is offered %s, want the relay's IPv4 address" % (sdp_addr(inv.body),))
    bd = bob.answer(inv, 31000)
    ok = alice.wait_final(tx, want=200)
    ad = tx.dialog
    a_relay = sdp_addr(ok.body)
    if a_relay[0] != "::1":
        fail("alice's answer points at %s, want the relay's IPv6 address" % (a_relay,))
    st = stream0()
    b_port = st["b"]["relay_port"]
    note("alice [::1]:30158 <-> relay [::1]:%d | %s:%d <-> bob %s:31000"
         % (a_relay[1], tip, b_port, b_ip))

    # a first transfer to an IPv4 target that fails: its spare sockets go back
    ports = json.loads(ctl("--json", "status"))["media"]["ports_in_use"]
    rtx = ad.send("REFER", ["Refer-To: <sip:nobody@%s>" % tip])
    alice.wait_final(rtx, want=202)
    frags = notifies_until_final(alice, ad)
    if frags[-1].startswith("SIP/2.0 2"):
        fail("the transfer to nobody succeeded: %s" % frags)
    after = json.loads(ctl("--json", "status"))["media"]["ports_in_use"]
    if after != ports:
        fail("relay ports in use %d after the failed transfer, %d before" % (after, ports))
    note("transfer to nobody failed (%s); ports in use back to %d" % (frags[-1], after))

    # alice transfers bob to carol, an IPv4 target
    rtx = ad.send("REFER", ["Refer-To: <sip:carol@%s>" % tip,
                            "Referred-By: <sip:alice@%s>" % a_ip])
    alice.wait_final(rtx, want=202)
    cinv = carol.wait_request("INVITE")
    c_relay = sdp_addr(cinv.body)
    if c_relay[0] != tip:
        fail("carol is offered %s, want the relay's IPv4 address" % (c_relay,))
    if c_relay[1] == a_relay[1]:
        fail("carol is offered alice's relay port %d" % c_relay[1])
    cd = carol.answer(cinv, 32000)
    frags = notifies_until_final(alice, ad)
    if not frags[-1].startswith("SIP/2.0 200"):
        fail("alice's NOTIFYs: %s" % frags)
    bye = alice.wait_request("BYE", ad)
    alice.reply_in(bye, 200)
    note("alice told %s and released; carol offered %s:%d" % (frags, c_relay[0], c_relay[1]))

    st = stream0()
    if st["a"]["relay_port"] != c_relay[1]:
        fail("the relay side facing the transferee's new party is port %s, want %d"
             % (st["a"]["relay_port"], c_relay[1]))
    hb = rtpeer_start("bob", "%s:31000" % b_ip, "%s:%d" % (tip, b_port))
    hc = rtpeer_start("carol", "%s:32000" % c_ip, "%s:%d" % (tip, c_relay[1]))
    expect_rtp(hb, 95, "%s:%d" % (tip, b_port))
    expect_rtp(hc, 95, "%s:%d" % (tip, c_relay[1]))
    # bob never heard of the transfer: no re-INVITE; carol hangs up, bob gets the BYE
    bob.quiet(0.3)
    cd.bye()
    bye = bob.wait_request("BYE", bd)
    bob.reply_in(bye, 200)
    note("bob <-> carol over IPv4 through the relay; carol hung up, bob got the BYE")


run(main)
