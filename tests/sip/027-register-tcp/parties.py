#!/usr/bin/env python3
"""027-register-tcp: alice (NATed, TCP, listening nowhere) registers through tandemd; the PBX
calls her binding over her connection; she un-registers with Contact: *. See README."""
import json
import threading

from sipua import ctl, digest_authorization, digest_challenges, env, fail, note, run
from regua import Registrar, TcpPhone

AOR = "sip:alice@pbx.test"
PRIV = "10.9.9.9"


def main():
    tandem = (env("TANDEM_IP"), int(env("TANDEM_PORT")))
    pbx = Registrar("pbx", env("CALLEE_IP"), int(env("CALLEE_PORT")), {"alice": "pw"})
    alice = TcpPhone(env("CALLEE2_IP"), tandem, AOR, PRIV)
    contact = "<sip:alice@%s:5060;transport=tcp>" % PRIV

    t = threading.Thread(target=lambda: [pbx.serve(), pbx.serve()])
    t.start()
    r = alice.register(3600, contact)
    if r.status != 401:
        fail("alice's first REGISTER: %d, want the PBX's 401" % r.status)
    ch = digest_challenges(r)[0]
    r = alice.register(3600, contact, digest_authorization(ch, "alice", "pw", "REGISTER",
                                                           alice.ruri))
    t.join()
    if r.status != 200 or ";expires=60" not in (r.hdr("contact") or ""):
        fail("alice's REGISTER: %d, Contact %s; want 200 and expires=60" % (r.status,
                                                                         r.hdr("contact")))
    tb = json.loads(ctl("--json", "registrations"))["registrations"]
    if len(tb) != 1 or tb[0]["transport"] != "tcp" or not tb[0]["nat"] or \
            tb[0]["source"] != "%s:%d" % alice.sock.getsockname():
        fail("tandemctl registrations: %s" % tb)
    note("registered over TCP from %s:%d (nat), 60 s" % alice.sock.getsockname())

    tok = pbx.token_contact(AOR)
    tx = pbx.invite(tok[4:].split("@")[0], 30000, uri_host="%s:%d" % tandem)
    inv = alice.recv()
    if not inv.is_request or inv.method != "INVITE" or not inv.uri.startswith("sip:alice@" + PRIV):
        fail("alice got %s, want the INVITE to her Contact" % inv.first)
    alice.respond(inv, 200, "OK", body="v=0\r\no=a 1 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\n"
                  "t=0 0\r\nm=audio 31000 RTP/AVP 0\r\n" % (PRIV, PRIV),
                  extra=("Contact: " + contact,))
    pbx.wait_final(tx, want=200)
    ack = alice.recv()
    if ack.method != "ACK":
        fail("alice got %s, want the ACK" % ack.first)
    tx.dialog.bye()
    bye = alice.recv()
    if bye.method != "BYE":
        fail("alice got %s, want the BYE" % bye.first)
    alice.respond(bye, 200, "OK")
    note("the PBX's call came to alice over her TCP connection (INVITE, ACK, BYE)")

    t = threading.Thread(target=pbx.serve)
    t.start()
    r = alice.register(0, "*", digest_authorization(ch, "alice", "pw", "REGISTER", alice.ruri,
                                                    nc=2))
    t.join()
    if r.status != 200:
        fail("alice's un-REGISTER: %d" % r.status)
    if pbx.regs[-1].hdr("contact") != "*" or pbx.bindings.get(AOR):
        fail("the PBX got Contact %s and holds %s" % (pbx.regs[-1].hdr("contact"),
                                                      pbx.bindings.get(AOR)))
    if json.loads(ctl("--json", "registrations"))["registrations"]:
        fail("the table is not empty after Contact: *")
    note("Contact: * went to the PBX; the table is empty")


run(main)
