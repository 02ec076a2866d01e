#!/usr/bin/env python3
"""carol of 260, the target: answers bob's call 2; after the transfer tandemd re-INVITEs her
toward call 1's relay, offering sendrecv (bob's hold of alice is over). Like a phone that
sends as soon as it knows where, she sends RTP before she answers, until the relay has
latched to her (bob never sent any there); then she answers, and RTP with alice must flow
both ways all the same. Then alice's BYE through tandemd."""
import json
import socket
import struct
import time
from sipua import (UA, Fail, ctl, env, expect_rtp, fail, note, rtpeer_start, run, sdp, sdp_addr,
                   sdp_dir)


def send_early(src, dst):
    """RTP from src to the relay's dst until the relay latched to src (bounded)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(src)
    want = "%s:%d" % src
    try:
        for seq in range(250):
            s.sendto(struct.pack("!BBHII", 0x80, 0, seq, seq * 160, 0x5eed) + bytes(160), dst)
            calls = json.loads(ctl("--json", "calls"))["calls"]
            for c in calls:
                try:
                    st = json.loads(ctl("--json", "call", str(c["id"])))["call"]["streams"]
                except Fail:
                    continue	# call 2 ended meanwhile
                if st and st[0]["b"]["relay_port"] == dst[1] and st[0]["b"]["latched"] == want:
                    note("the relay latched to carol after %d early packets" % (seq + 1))
                    return
            time.sleep(0.02)
        fail("the relay never latched to carol's early RTP")
    finally:
        s.close()


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
    send_early((carol.ip, 32000), (tip, port))
    carol.reply_in(re_inv, 200, body=sdp(carol.ip, 32000, "carol", version=2))
    carol.wait_request("ACK", d, timeout=5)
    h = rtpeer_start("carol", "%s:32000" % carol.ip, "%s:%d" % (tip, port), secs=5, wait=0.5)
    expect_rtp(h, 95, "%s:%d" % (tip, port))
    bye = carol.wait_request("BYE", d, timeout=15)
    carol.reply_in(bye, 200)
    note("alice hung up")


run(main)
