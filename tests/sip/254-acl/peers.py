#!/usr/bin/env python3
"""254-acl: an outsider (403), the caller on a dropping route (no answer), then a call."""
from sipua import UA, Dialog, sdp, run, fail, note, env, rand

def main():
    alice = UA("alice", env("CALLER_IP"), 5070)
    mallory = UA("mallory", env("CALLEE2_IP"), 5070)
    bob = UA("bob", env("CALLEE_IP"), 5080)

    note("an INVITE and an OPTIONS from outside auth.acl: 403")
    tx = mallory.invite("bob", 30000)
    mallory.wait_final(tx, want=403)
    host = "%s:%d" % mallory.peer
    d = Dialog(mallory, "opt-%s" % rand(), "sip:mallory@%s:5070" % mallory.ip, rand(8),
               "sip:%s" % host, None, "sip:%s" % host)
    mallory.wait_final(d.send("OPTIONS"), want=403)
    bob.quiet(0.3)

    note("the caller on route secret (acl 10.0.0.0/8, drop): no final answer")
    tx = alice.invite("secret", 30000)
    end = None
    m = alice.poll(lambda m: not m.is_request and m.status >= 200, 4, "a final answer")
    if m is not None:
        fail("dropped INVITE answered %d %s" % (m.status, m.reason))
    bob.quiet(0.3)

    note("a REFER outside a dialog on route secret: dropped as well (the route's acl)")
    d = Dialog(alice, "refer-%s" % rand(), "sip:alice@%s:5070" % alice.ip, rand(8),
               "sip:secret@%s" % mallory.peer[0], None, "sip:secret@%s:%d" % alice.peer)
    d.send("REFER", ["Refer-To: <sip:carol@example.net>"])
    m = alice.poll(lambda m: not m.is_request and m.status >= 200, 3, "a final answer")
    if m is not None:
        fail("dropped REFER answered %d %s" % (m.status, m.reason))
    bob.quiet(0.3)

    note("the caller on the other route: answered")
    tx = alice.invite("bob", 30000)
    inv = bob.wait_request("INVITE", timeout=5)
    d = Dialog.from_request(bob, inv)
    bob.respond(inv, 200, body=sdp(bob.ip, 31000, "bob"), to_tag=d.local_tag)
    alice.wait_final(tx, want=200)
    bob.wait_request("ACK", d)
    bye = tx.dialog.send("BYE")
    req = bob.wait_request("BYE", d)
    bob.reply_in(req, 200)
    alice.wait_final(bye, want=200)
    note("done")

run(main)
