#!/usr/bin/env python3
"""198-redirect: alice calls through tandemd; bob (a PBX) answers 302; carol takes the
redirected calls. Checks the Contacts followed in q order through the routing rules, the
Diversion header, a relayed 302, and the hop limit."""
import re
from sipua import UA, run, fail, note, env, uri_of

NET = env("TEST_NET")


def moved(inv, contacts):
    bob.respond(inv, 302, reason="Moved Temporarily", headers=["Contact: " + contacts],
                to_tag="pbx")


def main():
    global bob
    alice = UA("alice", NET + ".2", 5070)
    bob = UA("bob", NET + ".2", 5080)
    carol = UA("carol", NET + ".3", 5080)
    host = "%s.2:5080" % NET

    # 1. follow: 3000 (q=0.9) first, busy; then 9000 barred (passed over); then 2000 answers
    tx = alice.invite("1000", 26000)
    moved(bob.wait_request("INVITE"),
          "<sip:2000@%s>;q=0.5, <sip:3000@%s>;q=0.9, <sip:9000@%s>;q=0.7" % (host, host, host))
    inv = carol.wait_request("INVITE")
    if not inv.uri.startswith("sip:+493000@"):
        fail("the first redirected INVITE is %r, want sip:+493000@ (q 0.9, rewritten)" %
             inv.uri)
    div = inv.hdr("diversion") or ""
    if not re.match(r"<sip:1000@%s>;reason=unconditional;counter=1$" % re.escape(host), div):
        fail("Diversion is %r" % div)
    carol.respond(inv, 486, to_tag="c1")
    inv = carol.wait_request("INVITE")
    if not inv.uri.startswith("sip:+492000@"):
        fail("the second redirected INVITE is %r, want sip:+492000@" % inv.uri)
    carol.answer(inv, 26100)
    alice.wait_final(tx, want=200)
    note("302 followed: 3000 busy, 9000 barred, 2000 answered; Diversion %s" % div)
    tx.dialog.bye()
    carol.respond(carol.wait_request("BYE"), 200)

    # 2. relay: the 302 reaches alice with its Contacts
    tx = alice.invite("5000", 26002)
    moved(bob.wait_request("INVITE"), "<sip:2000@%s>;q=0.5, <sip:3000@%s>" % (host, host))
    r = alice.wait_final(tx, want=302)
    got = [uri_of(c.strip()) for h in r.hdrs("contact") for c in h.split(",")]
    if got != ["sip:3000@%s" % host, "sip:2000@%s" % host]:
        fail("relayed 302's Contacts: %r" % got)
    if carol.poll(lambda m: m.is_request and m.method == "INVITE", 0.3, "INVITE"):
        fail("carol got an INVITE from a relayed 302")
    note("302 relayed with Contacts %s" % got)

    # 3. a loop: bob redirects to himself; after max_redirects (2) alice gets the 302
    tx = alice.invite("6000", 26004)
    for _ in range(3):
        moved(bob.wait_request("INVITE"), "<sip:6000@%s>" % host)
    alice.wait_final(tx, want=302)
    if bob.poll(lambda m: m.is_request and m.method == "INVITE", 0.3, "INVITE"):
        fail("bob got a fourth INVITE: the hop limit did not hold")
    note("loop stopped after 2 hops")


run(main)
