#!/usr/bin/env python3
"""carol of 260, the target: answers bob's call 2; after the transfer tandemd re-INVITEs her
toward call 1's relay, offering sendrecv (bob's hold of alice is over); then RTP with alice
both ways, and alice's BYE through tandemd."""
from sipua import UA, env, expect_rtp, fail, note, rtpeer_start, run, sdp, sdp_addr, sdp_dir


def main():
    tip = env("TANDEM_IP")
    carol = UA("carol", env("CALLEE2_IP"), int(env("CALLEE2_PORT")))
    inv = carol.wait_request("INVITE", timeout=20)
    d = carol.answer(inv, 32000)
    note("call 2 answered")
    re_inv = carol.wait_request("INVITE", d, timeout=15)
    got = sdp_dir(re_inv.body)
    addr, port = sdp_addr(re_inv.body)
    note("re-INVITE of the transfer: %s, %s:%s" % (got, addr, port))
    if got != "sendrecv":
        fail("the re-INVITE of the transfer offers %s, want sendrecv" % got)
    if addr != tip:
        fail("the re-INVITE points at %s, want tandemd's %s" % (addr, tip))
    carol.reply_in(re_inv, 200, body=sdp(carol.ip, 32000, "carol", version=2))
    carol.wait_request("ACK", d, timeout=5)
    h = rtpeer_start("carol", "%s:32000" % carol.ip, "%s:%d" % (tip, port), secs=5, wait=0.5)
    expect_rtp(h, 95, "%s:%d" % (tip, port))
    bye = carol.wait_request("BYE", d, timeout=15)
    carol.reply_in(bye, 200)
    note("alice hung up")


run(main)
