#!/usr/bin/env python3
"""159-replaces-dropped: a Replaces naming a dropped (parked) INVITE gets 481."""
from sipua import UA, run, fail, note, env, rand


def main():
    alice = UA("alice", env("CALLER_IP"), 5070)
    mallory = UA("mallory", env("CALLEE2_IP"), 5070)
    bob = UA("bob", env("CALLEE_IP"), 5080)

    # more drops than the parking holds (1024): the oldest are released, the
    # ring has moved on
    for i in range(1030):
        mallory.invite("bob", 30000, call_id="flood-%d-%s" % (i, rand()))
    note("1030 INVITEs from outside the acl sent")
    for i in range(3):
        call_id = "parked-%d-%s" % (i, rand())
        tx = mallory.invite("bob", 30000, call_id=call_id)
        tag = tx.dialog.local_tag
        m = mallory.poll(lambda m: not m.is_request and m.status >= 200 and
                         m.call_id == call_id, 1, "a final answer")
        if m is not None:
            fail("the dropped INVITE was answered %d" % m.status)
        note("INVITE %s from outside the acl dropped (parked)" % call_id)
        tx = alice.invite("bob", 30000,
                          headers=["Replaces: %s;from-tag=%s;to-tag=0" % (call_id, tag)])
        alice.wait_final(tx, want=481)
        note("Replaces naming it: 481")
    tx = alice.invite("bob", 30000)
    inv = bob.wait_request("INVITE", timeout=5)
    bob.respond(inv, 486, to_tag=rand(8))
    alice.wait_final(tx, want=486)
    note("tandemd still serves: a new call reached bob")


run(main)
