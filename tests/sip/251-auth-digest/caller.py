#!/usr/bin/env python3
"""251-auth-digest: the caller (alice) and the callee (bob), both sipua.py."""
import time
from sipua import (UA, Dialog, sdp, run, fail, note, env, tandem, rand, digest_challenges,
                   digest_authorization)

PW = "s3cret-Pw"


def challenge_of(ua, tx, stale=False):
    r = ua.wait_final(tx, want=401)
    chs = digest_challenges(r)
    algs = [c.get("algorithm") for c in chs]
    if algs != ["SHA-256", "MD5"]:
        fail("challenges %s, want SHA-256 then MD5" % algs)
    for c in chs:
        if c.get("realm") != "tandem" or c.get("qop") != "auth" or not c.get("nonce"):
            fail("a challenge without realm tandem, qop auth and a nonce: %s" % c)
        if (c.get("stale", "").lower() == "true") != stale:
            fail("stale=%s in %s, want %s" % (c.get("stale"), c, stale))
    return chs


def call_through(alice, bob, tx):
    """The authenticated INVITE tx reaches bob; answered, then alice hangs up."""
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


def refer_outside(alice, bob):
    """A REFER outside a dialog to the route (refer_outside = "forward": the PBX, bob, would
    place the call): challenged like an INVITE, forwarded only with credentials."""
    uri = "sip:pbx@%s:%d" % tandem()
    hdrs = ["Refer-To: <sip:carol@example.net>", "Referred-By: <sip:alice@example.net>"]
    d = Dialog(alice, "refer-%s@%s" % (rand(), alice.ip),
               "sip:alice@%s:%d" % (alice.ip, alice.port), rand(8), "sip:pbx@%s" % tandem()[0],
               None, uri)
    note("REFER outside a dialog without credentials: 401, nothing reaches bob")
    r = alice.wait_final(d.send("REFER", hdrs), want=401)
    chs = digest_challenges(r)
    if [c.get("algorithm") for c in chs] != ["SHA-256", "MD5"]:
        fail("REFER challenges %s" % chs)
    bob.quiet(0.5)
    alice.quiet(0.2)
    note("the same REFER with an INVITE's credentials (method INVITE): 403, nothing reaches bob")
    r = alice.wait_final(d.send("REFER", hdrs + ["Authorization: " + digest_authorization(
        chs[0], "alice", PW, "INVITE", uri)]), want=403)
    bob.quiet(0.5)
    alice.quiet(0.2)
    note("REFER answering the challenge (method REFER): forwarded to bob")
    r = alice.wait_final(d.send("REFER", hdrs), want=401)
    chs = digest_challenges(r)
    alice.quiet(0.2)
    tx = d.send("REFER", hdrs + ["Authorization: " + digest_authorization(chs[0], "alice", PW,
                                                                         "REFER", uri)])
    req = bob.wait_request("REFER", timeout=5)
    if req.hdr("refer-to") != "<sip:carol@example.net>":
        fail("Refer-To at bob: %r" % req.hdr("refer-to"))
    if req.hdr("authorization"):
        fail("alice's Authorization crossed to bob")
    bd = Dialog.from_request(bob, req)
    bob.respond(req, 202, headers=[bob.contact()], to_tag=bd.local_tag)
    alice.wait_final(tx, want=202)
    ntx = bd.send("NOTIFY", ["Event: refer", "Subscription-State: terminated;reason=noresource"],
                  body="SIP/2.0 200 OK\r\n", ctype="message/sipfrag")
    n = alice.expect(lambda m: m.is_request and m.method == "NOTIFY" and m.call_id == d.call_id
                     and m.body.startswith("SIP/2.0 200"), 5, "the NOTIFY 200")
    alice.respond(n, 200)
    bob.wait_final(ntx, want=200)
    alice.quiet(0.3)


def main():
    alice = UA("alice", env("CALLER_IP"), 5070)
    bob = UA("bob", env("CALLEE_IP"), 5080)
    uri = "sip:bob@%s:%d" % tandem()

    note("no credentials: 401 with SHA-256 and MD5")
    tx = alice.invite("bob", 30000)
    chs = challenge_of(alice, tx)
    bob.quiet(0.3)
    note("SHA-256: the call goes through")
    first = digest_authorization(chs[0], "alice", PW, "INVITE", uri)
    tx = tx.dialog.send("INVITE", ["Authorization: " + first])
    call_through(alice, bob, tx)

    note("MD5: the call goes through")
    tx = alice.invite("bob", 30000)
    chs = challenge_of(alice, tx)
    tx = tx.dialog.send("INVITE", ["Authorization: " + digest_authorization(chs[1], "alice", PW,
                                                                           "INVITE", uri)])
    call_through(alice, bob, tx)

    note("wrong password: 403, nothing reaches bob")
    tx = alice.invite("bob", 30000)
    chs = challenge_of(alice, tx)
    tx = tx.dialog.send("INVITE", ["Authorization: " + digest_authorization(chs[0], "alice",
                                                                           "guess", "INVITE", uri)])
    alice.wait_final(tx, want=403)

    note("the first call's Authorization again (nonce and nc used): 403")
    tx = alice.invite("bob", 30000, headers=["Authorization: " + first])
    alice.wait_final(tx, want=403)
    bob.quiet(0.3)

    note("an expired nonce with the right password: 401 stale=true, then through")
    tx = alice.invite("bob", 30000)
    chs = challenge_of(alice, tx)
    time.sleep(3.2)
    tx = tx.dialog.send("INVITE", ["Authorization: " + digest_authorization(chs[0], "alice", PW,
                                                                           "INVITE", uri)])
    chs = challenge_of(alice, tx, stale=True)
    bob.quiet(0.2)
    tx = tx.dialog.send("INVITE", ["Authorization: " + digest_authorization(chs[0], "alice", PW,
                                                                           "INVITE", uri)])
    call_through(alice, bob, tx)

    note("credentials for another Request-URI (carol's): 400, nothing reaches bob")
    tx = alice.invite("bob", 30000)
    chs = challenge_of(alice, tx)
    other = "sip:carol@%s:%d" % tandem()
    tx = tx.dialog.send("INVITE", ["Authorization: " + digest_authorization(chs[0], "alice", PW,
                                                                           "INVITE", other)])
    alice.wait_final(tx, want=400)
    bob.quiet(0.3)

    note("an unknown user: 403 with a fresh nonce (as a wrong password), 401 with a bad one")
    tx = alice.invite("bob", 30000)
    chs = challenge_of(alice, tx)
    tx = tx.dialog.send("INVITE", ["Authorization: " + digest_authorization(chs[0], "nobody", PW,
                                                                           "INVITE", uri)])
    alice.wait_final(tx, want=403)
    forged = dict(chs[0], nonce="0" * 64)
    tx = alice.invite("bob", 30000, headers=["Authorization: " + digest_authorization(
        forged, "nobody", PW, "INVITE", uri)])
    challenge_of(alice, tx)
    bob.quiet(0.3)

    note("alice's nonce from another address (mallory): 401, not a failure, right or wrong")
    mallory = UA("mallory", env("CALLEE2_IP"), 5070)
    tx = alice.invite("bob", 30000)
    chs = challenge_of(alice, tx)
    for pw in (PW, "guess"):
        tx = mallory.invite("bob", 30000, headers=["Authorization: " + digest_authorization(
            chs[0], "alice", pw, "INVITE", uri)])
        challenge_of(mallory, tx)
    bob.quiet(0.3)

    note("an Authorization too long to read whole: 400")
    tx = alice.invite("bob", 30000)
    chs = challenge_of(alice, tx)
    tx = tx.dialog.send("INVITE", ["Authorization: " + digest_authorization(
        chs[0], "alice", PW, "INVITE", uri) + ", x=" + "a" * 2100])
    alice.wait_final(tx, want=400)
    bob.quiet(0.3)

    refer_outside(alice, bob)
    note("done")


run(main)
