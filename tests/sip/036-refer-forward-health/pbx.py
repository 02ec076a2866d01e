#!/usr/bin/env python3
"""The PBX of 036-refer-forward-health (as in 154, answering the probes): gets tandemd's REFER, checks it, accepts it (202) and
NOTIFYs 100, 180 and 200 (terminated) on the implicit subscription."""
import sys
from sipua import UA, Dialog, env, fail, note, run

REFER_TO = "<sip:carol@example.net;user=phone>"
REFERRED_BY = "<sip:app@apps.example.net>"


def main():
    sender = "%s:%s" % (env("CALLER_IP"), env("CALLER_PORT"))
    pbx = UA("pbx", env("CALLEE_IP"), int(env("CALLEE_PORT")), answer_options=True)
    req = pbx.wait_request("REFER", timeout=15)
    if req.hdr("refer-to") != REFER_TO:
        fail("Refer-To is %r, want %r" % (req.hdr("refer-to"), REFER_TO))
    if req.hdr("referred-by") != REFERRED_BY:
        fail("Referred-By is %r, want %r" % (req.hdr("referred-by"), REFERRED_BY))
    if req.call_id.startswith("app-"):
        fail("the sender's Call-ID crossed: %s" % req.call_id)
    if sender in req.raw or "sip:app@" + env("CALLER_IP") in req.raw:
        fail("the sender's address %s is in tandemd's REFER" % sender)
    if not req.hdr("from").startswith("<sip:app@%s>" % env("TANDEM_IP")):
        fail("From %r is not the sender's user at tandemd" % req.hdr("from"))
    if not req.uri.startswith("sip:pbx@"):
        fail("request URI %s" % req.uri)
    note("REFER from tandemd: Call-ID %s, From %s" % (req.call_id, req.hdr("from")))
    d = Dialog.from_request(pbx, req)
    pbx.respond(req, 202, headers=[pbx.contact()], to_tag=d.local_tag)
    for frag, state in (("SIP/2.0 100 Trying", "active;expires=60"),
                        ("SIP/2.0 180 Ringing", "active;expires=60"),
                        ("SIP/2.0 200 OK", "terminated;reason=noresource")):
        tx = d.send("NOTIFY", ["Event: refer", "Subscription-State: " + state],
                    body=frag + "\r\n", ctype="message/sipfrag")
        pbx.wait_final(tx, want=200)
        note("NOTIFY %s answered 200" % frag)


run(main)
