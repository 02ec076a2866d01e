#!/usr/bin/env python3
"""alice of 260 and 262: calls bob, answers his hold recvonly, then must get tandemd's re-INVITE that
takes the hold off (sendrecv, bob's origin with a higher version, the same relay port);
then RTP with carol both ways, the relay's directions, and her BYE."""
import json
import re
from sipua import (UA, ctl, env, expect_rtp, fail, note, rtpeer_start, run, sdp, sdp_addr,
                   sdp_dir)


def origin(body):
    m = re.search(r"^o=(\S+) (\S+) (\d+) ", body or "", re.M)
    return (m.group(1), m.group(2), int(m.group(3))) if m else None


def main():
    tip = env("TANDEM_IP")
    alice = UA("alice", env("CALLER_IP"), int(env("CALLER_PORT")))
    tx = alice.invite("bob", 30000)
    ok = alice.wait_final(tx, want=200, timeout=10)
    d = tx.dialog
    addr, a_port = sdp_addr(ok.body)
    if addr != tip:
        fail("the answer points at %s, want tandemd's %s" % (addr, tip))
    note("call 1 up, relay port %d" % a_port)

    hold = alice.wait_request("INVITE", d, timeout=10)
    if sdp_dir(hold.body) != "sendonly":
        fail("bob's hold reached alice as %s, want sendonly" % sdp_dir(hold.body))
    held_origin = origin(hold.body)
    alice.reply_in(hold, 200, body=sdp(alice.ip, 30000, "alice", direction="recvonly",
                                       version=2))
    alice.wait_request("ACK", d, timeout=5)
    note("on hold (answered recvonly), bob's origin %s" % (held_origin,))

    # the transfer: tandemd must take bob's hold off
    re_inv = alice.wait_request("INVITE", d, timeout=15)
    got = sdp_dir(re_inv.body)
    if got != "sendrecv":
        fail("the re-INVITE after the transfer offers %s, want sendrecv" % got)
    addr, port = sdp_addr(re_inv.body)
    if (addr, port) != (tip, a_port):
        fail("the re-INVITE points at %s:%s, want the same relay %s:%d" % (addr, port, tip,
                                                                         a_port))
    o = origin(re_inv.body)
    if held_origin and (o is None or o[:2] != held_origin[:2] or o[2] <= held_origin[2]):
        fail("the re-INVITE's origin %s is not bob's %s with a higher version" %
             (o, held_origin))
    alice.reply_in(re_inv, 200, body=sdp(alice.ip, 30000, "alice", version=3))
    alice.wait_request("ACK", d, timeout=5)
    note("re-INVITE sendrecv answered, origin %s" % (o,))

    h = rtpeer_start("alice", "%s:30000" % alice.ip, "%s:%d" % (tip, a_port), secs=5, wait=0.5)
    expect_rtp(h, 95, "%s:%d" % (tip, a_port))

    calls = json.loads(ctl("--json", "calls"))["calls"]
    if len(calls) != 1:
        fail("%d calls up, want call 1 only" % len(calls))
    st = json.loads(ctl("--json", "call", str(calls[0]["id"])))["call"]["streams"][0]
    dirs = (st["a"]["direction"], st["b"]["direction"])
    note("relay directions after the transfer: a=%s b=%s" % dirs)
    if dirs != ("sendrecv", "sendrecv"):
        fail("the relay has a=%s b=%s, want sendrecv both" % dirs)
    d.bye()
    note("hung up")


run(main)
