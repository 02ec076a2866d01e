#!/usr/bin/env python3
"""alice and bob of 283-dtmf-no-te (see README): alice (info leg) calls bob (rfc4733 leg),
who answers without telephone-event; alice's INFOs then cross to bob or are refused."""
from sipua import UA, Dialog, env, fail, note, run, sdp

PCMU_ONLY = sdp(env("CALLEE_IP"), 31000, "bob").replace(" 0 101\r\n", " 0\r\n").replace(
    "a=rtpmap:101 telephone-event/8000\r\n", "")


def main():
    alice = UA("alice", env("CALLER_IP"), int(env("CALLER_PORT")))
    bob = UA("bob", env("CALLEE_IP"), int(env("CALLEE_PORT")))
    if "telephone-event" in PCMU_ONLY:
        fail("bob's SDP still names telephone-event")
    tx = alice.invite("bob", 30000)
    inv = bob.wait_request("INVITE", timeout=10)
    bd = Dialog.from_request(bob, inv)
    bob.respond(inv, 200, body=PCMU_ONLY, to_tag=bd.local_tag)
    alice.wait_final(tx, want=200)
    bob.wait_request("ACK", bd)
    bd.confirmed = True
    ad = tx.dialog
    # a digit: read, but bob has no telephone-event: the INFO crosses as it came
    t = ad.send("INFO", body="Signal=5\r\nDuration=160\r\n", ctype="application/dtmf-relay")
    info = bob.wait_request("INFO", timeout=5)
    if info.hdr("content-type") != "application/dtmf-relay" or "Signal=5" not in info.body:
        fail("bob got INFO %s %r" % (info.hdr("content-type"), info.body))
    bob.reply_in(info, 200)
    alice.wait_final(t, want=200)
    note("the digit crossed as INFO")
    # a DTMF body without a digit: 400 from tandemd, nothing to bob
    t = ad.send("INFO", body="Duration=160\r\n", ctype="application/dtmf-relay")
    alice.wait_final(t, want=400)
    note("a DTMF INFO without a Signal: 400")
    # another INFO crosses untouched
    t = ad.send("INFO", body="hello", ctype="application/x-test")
    info = bob.wait_request("INFO", timeout=5)
    if info.hdr("content-type") != "application/x-test" or info.body != "hello":
        fail("bob got INFO %s %r, want the application/x-test one" % (
            info.hdr("content-type"), info.body))
    bob.reply_in(info, 200)
    alice.wait_final(t, want=200)
    note("application/x-test crossed")
    t = ad.send("BYE", body="", ctype=None)
    bye = bob.wait_request("BYE", timeout=5)
    bob.reply_in(bye, 200)
    alice.wait_final(t, want=200)


run(main)
