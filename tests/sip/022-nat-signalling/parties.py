#!/usr/bin/env python3
"""022-nat-signalling: parties behind NAT. Their Contact, Via and SDP name a private address
(10.9.9.9, 10.9.9.8) while their packets come from loopback; in this namespace 10.x has no
route, so a request tandemd sends to the private address is lost.
  1. alice (NATed, no rport in her Via) calls bob: she gets the answers, tandemd's keepalive
     OPTIONS while the call lasts, and bob's BYE relayed to her real address; after the call
     no keepalive comes any more.
  2. dave (plain) calls bob, who is NATed: bob gets the ACK and dave's BYE at his real address.
  3. the route of carol says nat = "off": alice's call works, but bob's BYE is sent to
     10.9.9.9 and never reaches her."""
from sipua import UA, env, fail, note, run


class Natted(UA):
    """A UA whose headers and SDP name a private address (a phone behind NAT)."""
    def __init__(self, name, ip, port, priv):
        UA.__init__(self, name, ip, port)
        self.priv = priv

    def via(self, branch):		# no rport: tandemd must answer where the INVITE came from
        return "Via: SIP/2.0/UDP %s:5060;branch=%s" % (self.priv, branch)

    def contact(self):
        return "Contact: <sip:%s@%s:5060>" % (self.name, self.priv)


def keepalive(ua, timeout):
    o = ua.wait_request("OPTIONS", timeout=timeout)
    ua.respond(o, 200)
    return o


def nated_caller(alice, bob):
    tx = alice.invite("bob", 30000, body=None)
    inv = bob.wait_request("INVITE")
    d = bob.answer(inv, 31000)
    alice.wait_final(tx, want=200)
    note("alice (Via and Contact 10.9.9.9) got tandemd's 200 and her ACK went through")
    o = keepalive(alice, 5)
    note("alice got a keepalive %s" % o.first)
    keepalive(alice, 5)
    d.bye()
    bye = alice.expect(lambda m: m.is_request and m.method in ("BYE", "OPTIONS"), 5, "BYE")
    while bye.method == "OPTIONS":
        alice.respond(bye, 200)
        bye = alice.expect(lambda m: m.is_request and m.method in ("BYE", "OPTIONS"), 5, "BYE")
    alice.reply_in(bye, 200)
    note("alice got bob's BYE at her real address")
    alice.quiet(2.5)
    note("no keepalive after the call")


def nated_callee(dave, bob):
    tx = dave.invite("bob", 32000)
    inv = bob.wait_request("INVITE")
    d = bob.answer(inv, 33000)	# waits for the ACK: it must come to bob's real address
    note("bob (Contact 10.9.9.8) got the ACK")
    dave.wait_final(tx, want=200)
    tx.dialog.bye()
    bye = bob.expect(lambda m: m.is_request and m.method in ("BYE", "OPTIONS"), 5, "BYE")
    while bye.method == "OPTIONS":
        bob.respond(bye, 200)
        bye = bob.expect(lambda m: m.is_request and m.method in ("BYE", "OPTIONS"), 5, "BYE")
    bob.reply_in(bye, 200)
    note("bob got dave's BYE at his real address")


def nat_off(alice, bob):
    tx = alice.invite("carol", 30000)
    inv = bob.wait_request("INVITE")
    d = bob.answer(inv, 31000)
    alice.wait_final(tx, want=200)
    bye_tx = d.send("BYE")
    bob.wait_final(bye_tx, want=200)
    if alice.poll(lambda m: m.is_request and m.method == "BYE", 3, "BYE") is not None:
        fail("alice got the BYE with nat = \"off\": it should have gone to 10.9.9.9")
    note("nat = off: the BYE went to alice's Contact (10.9.9.9), not to her")


def main():
    net = env("TEST_NET")
    which = env("PART")
    bob_ip, bob_port = env("CALLEE_IP"), int(env("CALLEE_PORT"))
    if which == "caller":
        nated_caller(Natted("alice", env("CALLER_IP"), int(env("CALLER_PORT")), "10.9.9.9"),
                     UA("bob", bob_ip, bob_port))
    elif which == "callee":
        nated_callee(UA("dave", net + ".4", 5070), Natted("bob", bob_ip, bob_port, "10.9.9.8"))
    else:
        nat_off(Natted("alice", env("CALLER_IP"), int(env("CALLER_PORT")), "10.9.9.9"),
                UA("bob", bob_ip, bob_port))


run(main)
