#!/usr/bin/env python3
"""021-advertise: a caller (alice, $CALLER_IP:5070) and a callee (bob, $CALLEE) that check
what tandemd writes toward them: Via sent-by and Contact name the advertised address
(argv[1], host[:port]) of the UDP listener. Then bob sends his BYE to the Contact tandemd
gave him (the advertised address, not the one alice dialled): alice must get it.
argv[2] "tls-caller": only bob plays (a TLS caller elsewhere, who hangs up), and checks the
same."""
import re
import sys

from sipua import UA, env, fail, note, run, uri_of

ADV = sys.argv[1]
ONLY_BOB = len(sys.argv) > 2


def hostport(uri):
    m = re.match(r"sips?:(?:[^@]*@)?([^;>]+)", uri)
    return m.group(1) if m else ""


def want_adv(what, hp):
    if hp not in (ADV, ADV + ":5060"):
        fail("%s names %s, want the advertised %s" % (what, hp, ADV))
    note("%s names %s" % (what, hp))


def main():
    bob = UA("bob", env("CALLEE_IP"), int(env("CALLEE_PORT")))
    if not ONLY_BOB:
        alice = UA("alice", env("CALLER_IP"), int(env("CALLER_PORT")))
        tx = alice.invite("bob", 30000)
    inv = bob.wait_request("INVITE", timeout=10)
    via = inv.hdrs("via")[0]
    m = re.match(r"SIP/2.0/UDP ([^;]+)", via)
    want_adv("the Via sent-by of the INVITE to bob", m.group(1) if m else via)
    want_adv("the Contact of the INVITE to bob", hostport(uri_of(inv.hdr("contact"))))
    frm = uri_of(inv.hdr("from"))
    if hostport(frm) != ADV.split(":")[0]:
        fail("the From of the INVITE to bob is %s, want the host %s (sip.advertise's "
             "default)" % (frm, ADV))
    d = bob.answer(inv, 31000)
    if not ONLY_BOB:
        ok = alice.wait_final(tx, want=200)
        want_adv("the Contact of the 200 to alice", hostport(uri_of(ok.hdr("contact"))))
    if ONLY_BOB:	# the TLS caller hangs up
        bye = bob.wait_request("BYE", d)
        bob.reply_in(bye, 200)
        return
    # bob's BYE goes where tandemd's Contact says: the advertised address
    host, _, port = hostport(d.target).partition(":")
    bob.peer = (host, int(port or 5060))
    note("bob sends his BYE to %s:%d" % bob.peer)
    d.bye()
    bye = alice.wait_request("BYE", tx.dialog)
    alice.reply_in(bye, 200)


run(main)
