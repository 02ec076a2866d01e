#!/usr/bin/env python3
"""alice of 282-dtmf-srtp-callee: a caller on a dtmf = "info" leg. Calls bob (baresip)
offering PCMU and telephone-event 101, sends PCMU to the relay all through the call
(dtmfua.Rtp); takes the INFOs of the four digits bob sends and sends two of her own
(dtmfua.info_digits); ends at bob's BYE."""
from sipua import UA, env, note, run, sdp_addr
from dtmfua import Rtp, info_digits

RTP_PORT = 30000


def main():
    alice = UA("alice", env("CALLER_IP"), int(env("CALLER_PORT")))
    tx = alice.invite("bob", RTP_PORT)
    ok = alice.wait_final(tx, want=200, timeout=15)
    rtp = Rtp(alice.ip, RTP_PORT, sdp_addr(ok.body))
    rtp.start()
    note("answered; relay at %s:%d" % sdp_addr(ok.body))
    info_digits(alice, tx.dialog, 4)
    rtp.finish()


run(main)
