#!/usr/bin/env python3
"""279-hangup-code: an answered call and a ringing one, each hung up by tandemctl (test.sh)."""
from sipua import UA, Dialog, sdp, run, fail, note, env


def main():
    alice = UA("alice", env("CALLER_IP"), 5070)
    bob = UA("bob", env("CALLEE_IP"), 5080)
    note("call 1: answered, then tandemctl hangup: BYE to both")
    tx = alice.invite("bob", 30000)
    inv = bob.wait_request("INVITE", timeout=5)
    d = Dialog.from_request(bob, inv)
    bob.respond(inv, 200, body=sdp(bob.ip, 31000, "bob"), to_tag=d.local_tag)
    alice.wait_final(tx, want=200)
    bob.wait_request("ACK", d)
    d.confirmed = True
    bob.reply_in(bob.wait_request("BYE", d, timeout=20), 200)
    bye = alice.wait_request("BYE", tx.dialog, timeout=5)
    alice.respond(bye, 200)

    note("call 2: ringing, then tandemctl hangup: 503 to alice, CANCEL to bob")
    tx = alice.invite("bob", 30000)
    inv = bob.wait_request("INVITE", timeout=5)
    d = Dialog.from_request(bob, inv)
    bob.respond(inv, 180, to_tag=d.local_tag)
    cancel = bob.wait_request("CANCEL", call_id=inv.call_id, timeout=20)
    bob.respond(cancel, 200)
    bob.respond(inv, 487, to_tag=d.local_tag)
    alice.wait_final(tx, want=503, timeout=5)
    bob.wait_request("ACK", call_id=inv.call_id, timeout=5)
    note("done")


run(main)
