#!/usr/bin/env python3
"""276-metrics-routes: alice calls through route good twice (bob answers) and through route
bad once (carol 503, then bob 486)."""
from sipua import UA, Dialog, sdp, run, fail, note, env


def answered(alice, bob, user):
    tx = alice.invite(user, 30000)
    inv = bob.wait_request("INVITE", timeout=5)
    d = Dialog.from_request(bob, inv)
    bob.respond(inv, 200, body=sdp(bob.ip, 31000, "bob"), to_tag=d.local_tag)
    alice.wait_final(tx, want=200)
    bob.wait_request("ACK", d)
    d.confirmed = True
    bye = tx.dialog.send("BYE")
    req = bob.wait_request("BYE", d)
    bob.reply_in(req, 200)
    alice.wait_final(bye, want=200)


def refused(ua, code):
    inv = ua.wait_request("INVITE", timeout=5)
    if inv.uri.split(":", 1)[1].split("@")[0] != "+49301234":
        fail("%s got %s, want the rewritten user +49301234" % (ua.name, inv.uri))
    ua.respond(inv, code, to_tag=Dialog.from_request(ua, inv).local_tag)
    ua.wait_request("ACK", call_id=inv.call_id, timeout=5)


def main():
    alice = UA("alice", env("CALLER_IP"), 5070)
    bob = UA("bob", env("CALLEE_IP"), 5080)
    carol = UA("carol", env("CALLEE2_IP"), 5080)
    note("route good: two calls answered by bob")
    answered(alice, bob, "100")
    answered(alice, bob, "101")
    note("route bad: carol 503, then bob 486")
    tx = alice.invite("2301234", 30000)
    refused(carol, 503)
    refused(bob, 486)
    alice.wait_final(tx, want=486)
    note("done")


run(main)
