#!/usr/bin/env python3
"""278-records-auth-user: an authenticated call with a rewritten user, an open one, a barred one."""
from sipua import (UA, Dialog, sdp, run, fail, note, env, tandem, digest_challenges,
                   digest_authorization)

PW = "s3cret-Pw"


def through(alice, bob, tx, want_user):
    inv = bob.wait_request("INVITE", timeout=5)
    user = inv.uri.split(":", 1)[1].split("@")[0]
    if user != want_user:
        fail("bob was called as %s, want %s" % (user, want_user))
    d = Dialog.from_request(bob, inv)
    bob.respond(inv, 200, body=sdp(bob.ip, 31000, "bob"), to_tag=d.local_tag)
    alice.wait_final(tx, want=200)
    bob.wait_request("ACK", d)
    d.confirmed = True
    bye = tx.dialog.send("BYE")
    bob.reply_in(bob.wait_request("BYE", d), 200)
    alice.wait_final(bye, want=200)


def authenticated(alice, user):
    tx = alice.invite(user, 30000)
    ch = digest_challenges(alice.wait_final(tx, want=401))[0]
    uri = "sip:%s@%s:%d" % ((user,) + tandem())
    return tx.dialog.send("INVITE", ["Authorization: " + digest_authorization(
        ch, "alice", PW, "INVITE", uri)])


def main():
    alice = UA("alice", env("CALLER_IP"), 5070)
    bob = UA("bob", env("CALLEE_IP"), 5080)
    note("authenticated, 0301234 rewritten to +49301234")
    through(alice, bob, authenticated(alice, "0301234"), "+49301234")
    note("route open, no authentication")
    through(alice, bob, alice.invite("open", 30000), "open")
    note("authenticated, barred by route barred: 403")
    alice.wait_final(authenticated(alice, "00441234"), want=403)
    bob.quiet(0.3)
    note("done")


run(main)
