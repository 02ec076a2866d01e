#!/usr/bin/env python3
"""029-register-tls: alice registers over TLS (listening nowhere); the PBX calls her binding
over her connection. See README."""
import json
import os
import ssl
import threading

from sipua import ctl, digest_authorization, digest_challenges, env, fail, note, run
from regua import Registrar, TcpPhone

AOR = "sip:alice@pbx.test"


def main():
    tandem = (env("TANDEM_IP"), int(env("TLS_PORT")))
    priv = env("TEST_NET") + ".9"
    ctx = ssl.create_default_context(cafile=os.path.join(env("T"), "tandem.pem"))
    pbx = Registrar("pbx", env("CALLEE_IP"), int(env("CALLEE_PORT")), {"alice": "pw"})
    alice = TcpPhone(env("CALLEE2_IP"), tandem, AOR, priv, tls=ctx)
    contact = "<sip:alice@%s:5061;transport=tls>" % priv

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
        fail("alice's REGISTER: %d, Contact %s" % (r.status, r.hdr("contact")))
    tb = json.loads(ctl("--json", "registrations"))["registrations"]
    if len(tb) != 1 or tb[0]["transport"] != "tls" or not tb[0]["nat"]:
        fail("tandemctl registrations: %s" % tb)
    note("registered over TLS from %s:%d, 60 s" % alice.sock.getsockname())

    tok = pbx.token_contact(AOR)
    tx = pbx.invite(tok[4:].split("@")[0], 30000, uri_host="%s:%s" % (env("TANDEM_IP"),
                                                                     env("TANDEM_PORT")))
    inv = alice.recv()
    if not inv.is_request or inv.method != "INVITE":
        fail("alice got %s, want the INVITE" % inv.first)
    alice.respond(inv, 200, "OK", body="v=0\r\no=a 1 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\n"
                  "t=0 0\r\nm=audio 31000 RTP/AVP 0\r\n" % (priv, priv),
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
    note("the PBX's call came to alice over her TLS connection (INVITE, ACK, BYE)")


run(main)
