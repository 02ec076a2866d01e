#!/usr/bin/env python3
"""carol of 262, the target: tandemd calls her for alice, offering sendrecv (bob's hold of
alice is over); then RTP with alice both ways, and alice's BYE through tandemd."""
from sipua import UA, env, expect_rtp, fail, note, rtpeer_start, run, sdp_addr, sdp_dir


def main():
    tip = env("TANDEM_IP")
    carol = UA("carol", env("CALLEE2_IP"), int(env("CALLEE2_PORT")))
    inv = carol.wait_request("INVITE", timeout=20)
    got = sdp_dir(inv.body)
    addr, port = sdp_addr(inv.body)
    note("INVITE of the transfer: %s, %s:%s" % (got, addr, port))
    if got != "sendrecv":
        fail("the INVITE of the transfer offers %s, want sendrecv" % got)
    if addr != tip:
        fail("the INVITE points at %s, want tandemd's %s" % (addr, tip))
    d = carol.answer(inv, 32000)
    h = rtpeer_start("carol", "%s:32000" % carol.ip, "%s:%d" % (tip, port), secs=5, wait=0.5)
    expect_rtp(h, 95, "%s:%d" % (tip, port))
    bye = carol.wait_request("BYE", d, timeout=15)
    carol.reply_in(bye, 200)
    note("alice hung up")


run(main)
