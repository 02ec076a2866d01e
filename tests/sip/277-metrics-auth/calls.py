#!/usr/bin/env python3
"""277-metrics-auth: alice's refused and accepted authentications, mallory's ACL refusal."""
from sipua import (UA, Dialog, sdp, run, fail, note, env, tandem, digest_challenges,
                   digest_authorization)

PW = "s3cret-Pw"


def challenged(alice, bob):
    tx = alice.invite("bob", 30000)
    r = alice.wait_final(tx, want=401)
    return tx, digest_challenges(r)[0]


def main():
    alice = UA("alice", env("CALLER_IP"), 5070)
    bob = UA("bob", env("CALLEE_IP"), 5080)
    mallory = UA("mallory", env("CALLEE2_IP"), 5070)
    uri = "sip:bob@%s:%d" % tandem()

    note("a wrong password: 403")
    tx, ch = challenged(alice, bob)
    tx = tx.dialog.send("INVITE", ["Authorization: " + digest_authorization(
        ch, "alice", "guess", "INVITE", uri)])
    alice.wait_final(tx, want=403)

    note("credentials for another Request-URI: 400")
    tx, ch = challenged(alice, bob)
    tx = tx.dialog.send("INVITE", ["Authorization: " + digest_authorization(
        ch, "alice", PW, "INVITE", "sip:carol@%s:%d" % tandem())])
    alice.wait_final(tx, want=400)
    bob.quiet(0.3)

    note("the right password: the call goes through")
    tx, ch = challenged(alice, bob)
    tx = tx.dialog.send("INVITE", ["Authorization: " + digest_authorization(
        ch, "alice", PW, "INVITE", uri)])
    inv = bob.wait_request("INVITE", timeout=5)
    d = Dialog.from_request(bob, inv)
    bob.respond(inv, 200, body=sdp(bob.ip, 31000, "bob"), to_tag=d.local_tag)
    alice.wait_final(tx, want=200)
    bob.wait_request("ACK", d)
    d.confirmed = True
    bye = tx.dialog.send("BYE")
    bob.reply_in(bob.wait_request("BYE", d), 200)
    alice.wait_final(bye, want=200)

    note("mallory outside route office's acl: 403")
    tx = mallory.invite("office", 30000)
    mallory.wait_final(tx, want=403)
    bob.quiet(0.3)
    note("done")


run(main)
