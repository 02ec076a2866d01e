#!/usr/bin/env python3
"""bob of 281-dtmf-baresip-info: a callee on a dtmf = "info" leg. Answers with PCMU and
telephone-event 101 and sends PCMU to the relay all through the call (dtmfua.Rtp); takes the
INFOs of the four digits alice sends and sends two of his own (dtmfua.info_digits); ends at
alice's BYE. Fails on a telephone-event packet reaching him, on an INFO that is not a digit,
or on no audio."""
from sipua import UA, env, fail, note, run, sdp, sdp_addr
from dtmfua import Rtp, info_digits

RTP_PORT = 31000


def main():
    bob = UA("bob", env("CALLEE_IP"), int(env("CALLEE_PORT")))
    inv = bob.wait_request("INVITE", timeout=20)
    if "telephone-event" not in inv.body:
        fail("the offer has no telephone-event: %r" % inv.body)
    rtp = Rtp(bob.ip, RTP_PORT, sdp_addr(inv.body))
    rtp.start()
    d = bob.answer(inv, RTP_PORT, body=sdp(bob.ip, RTP_PORT, "bob"))
    note("answered; relay at %s:%d" % sdp_addr(inv.body))
    info_digits(bob, d, 4)
    rtp.finish()


run(main)
