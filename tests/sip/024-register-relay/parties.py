#!/usr/bin/env python3
"""024-register-relay: alice registers through tandemd to the PBX, which challenges; the PBX
calls her binding; she refreshes and un-registers. See README."""
import json

from sipua import ctl, env, fail, note, run, sdp_addr
from regua import Phone, Registrar

AOR = "sip:alice@pbx.test"


def main():
    pbx = Registrar("pbx", env("CALLEE_IP"), int(env("CALLEE_PORT")), {"alice": "s3cret"},
                    grant=600)
    alice = Phone("alice", env("CALLEE2_IP"), int(env("CALLEE2_PORT")), AOR, "s3cret")
    tandem = "%s:%s" % (env("TANDEM_IP"), env("TANDEM_PORT"))

    # 1. register: 401 from the PBX relayed, credentials relayed, 200
    import threading
    t = threading.Thread(target=lambda: [pbx.serve(), pbx.serve()])
    t.start()
    r = alice.register(expires=600)
    t.join()
    if r.status != 200:
        fail("alice's REGISTER: %d %s" % (r.status, r.reason))
    if pbx.answers != [401, 200]:
        fail("the PBX answered %s, want 401 then 200" % pbx.answers)
    first, second = pbx.regs
    for m in pbx.regs:
        if env("CALLEE2_IP") in m.raw:
            fail("alice's address reached the PBX: %s" % m.raw)
        if m.call_id == alice.reg_call_id:
            fail("the PBX got alice's Call-ID")
    if "response=" not in (second.hdr("authorization") or ""):
        fail("alice's credentials did not reach the PBX")
    if second.call_id != first.call_id or second.cseq != first.cseq + 1:
        fail("tandemd's second REGISTER is not the next CSeq of the same Call-ID")
    tok = pbx.token_contact(AOR)
    if not tok.startswith("sip:tb") or tandem not in tok:
        fail("the PBX's binding is %s, want sip:tb...@%s" % (tok, tandem))
    if alice.granted(r) != 600:
        fail("alice got expires=%d, want the PBX's 600" % alice.granted(r))
    note("registered: the PBX holds %s, alice got 600 s" % tok)

    # 1b. someone else REGISTERs alice's Contact from elsewhere: challenged, and with a wrong
    # password refused by the PBX; the binding stays where alice is
    eve = Phone("eve", env("TEST_NET") + ".4", 5074, AOR, "guess")
    t = threading.Thread(target=lambda: [pbx.serve(), pbx.serve()])
    t.start()
    r = eve.register(expires=600, contact="<%s>" % alice.contact_uri())
    t.join()
    if r.status != 403 or pbx.answers[-2:] != [401, 403]:
        fail("eve's REGISTER of alice's Contact: %d (the PBX: %s), want 403" % (r.status,
                                                                            pbx.answers))
    tb = json.loads(ctl("--json", "registrations"))["registrations"]
    if len(tb) != 1 or tb[0]["source"] != env("CALLEE2"):
        fail("after eve's refused REGISTER the table says %s" % tb)
    note("a REGISTER of alice's Contact from elsewhere, refused by the PBX, moved nothing")

    # 2. the PBX calls the binding
    tx = pbx.invite(tok[4:].split("@")[0], 30000, uri_host=tandem)
    inv = alice.wait_request("INVITE")
    if inv.uri != alice.contact_uri():
        fail("alice got the INVITE for %s, want her Contact %s" % (inv.uri, alice.contact_uri()))
    if "alice@" not in inv.hdr("to"):
        fail("To toward alice is %s, want her AOR's user" % inv.hdr("to"))
    if sdp_addr(inv.body) == env("CALLEE_IP"):
        fail("the PBX's SDP reached alice untouched: the call is not anchored")
    d = alice.answer(inv, 31000)
    pbx.wait_final(tx, want=200)
    note("the PBX's call reached alice at her Contact and was answered")
    tx.dialog.bye()
    bye = alice.wait_request("BYE", d)
    alice.reply_in(bye, 200)

    # 3. refresh: forwarded (not behind NAT: alice got the PBX's own expiry)
    t = threading.Thread(target=pbx.serve)
    t.start()
    r = alice.register(expires=600)
    t.join()
    if r.status != 200 or pbx.answers[-1] != 200:
        fail("refresh: alice got %d, the PBX answered %s" % (r.status, pbx.answers))
    if pbx.regs[-1].call_id != first.call_id:
        fail("the refresh came with another Call-ID")

    # 4. un-REGISTER: relayed; the PBX drops the binding; a call to the token gets 480
    t = threading.Thread(target=pbx.serve)
    t.start()
    r = alice.register(expires=0)
    t.join()
    if r.status != 200:
        fail("un-REGISTER: %d" % r.status)
    if pbx.bindings.get(AOR):
        fail("the PBX still holds %s" % pbx.bindings[AOR])
    tx = pbx.invite(tok[4:].split("@")[0], 30000, uri_host=tandem)
    pbx.wait_final(tx, want=480)
    note("after the un-REGISTER a call to the token gets 480")

    # 5. register = "reject" -> 403; no route -> 405
    mallory = Phone("mallory", env("TEST_NET") + ".4", 5070, "sip:mallory@pbx.test", "x")
    r = mallory.register()
    if r.status != 403:
        fail("mallory's REGISTER: %d, want 403" % r.status)
    eve = Phone("eve", env("TEST_NET") + ".4", 5072, "sip:eve@pbx.test", "x")
    r = eve.register()
    if r.status != 405:
        fail("eve's REGISTER: %d, want 405" % r.status)
    note("register = reject: 403; no route: 405")
    pbx.quiet(0.5)


run(main)
