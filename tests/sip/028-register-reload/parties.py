#!/usr/bin/env python3
"""028-register-reload: alice registers; test.sh reloads tandemd without register = "relay";
then the PBX's call to her token gets 480, her REGISTER 405, and Allow lacks REGISTER."""
import json
import os
import threading

from sipua import Dialog, ctl, env, fail, note, rand, run, wait_for
from regua import Phone, Registrar

AOR = "sip:alice@pbx.test"


def allow_of(ua):
    tandem = "%s:%s" % (env("TANDEM_IP"), env("TANDEM_PORT"))
    d = Dialog(ua, "opt-%s" % rand(), "sip:%s@%s:%d" % (ua.name, ua.ip, ua.port), rand(8),
               "sip:%s" % tandem, None, "sip:%s" % tandem)
    r = d.request("OPTIONS")
    return r.hdr("allow") or ""


def main():
    pbx = Registrar("pbx", env("CALLEE_IP"), int(env("CALLEE_PORT")), {"alice": "pw"})
    alice = Phone("alice", env("CALLEE2_IP"), int(env("CALLEE2_PORT")), AOR, "pw")
    tandem = "%s:%s" % (env("TANDEM_IP"), env("TANDEM_PORT"))
    t = threading.Thread(target=lambda: [pbx.serve(), pbx.serve()])
    t.start()
    r = alice.register(expires=600)
    t.join()
    if r.status != 200:
        fail("alice's REGISTER: %d" % r.status)
    if "REGISTER" not in allow_of(alice):
        fail("Allow lacks REGISTER with a relay route: %s" % allow_of(alice))
    tok = pbx.token_contact(AOR)
    note("registered (%s); Allow lists REGISTER" % tok)
    open(os.path.join(env("T"), "registered"), "w").close()
    wait_for(lambda: os.path.exists(os.path.join(env("T"), "reloaded")), 10, "the reload")

    tx = pbx.invite(tok[4:].split("@")[0], 30000, uri_host=tandem)
    pbx.wait_final(tx, want=480)
    r = alice.register(expires=600)
    if r.status != 405:
        fail("alice's REGISTER after the reload: %d, want 405" % r.status)
    allow = allow_of(alice)
    if "REGISTER" in allow:
        fail("Allow still lists REGISTER after the reload: %s" % allow)
    tb = json.loads(ctl("--json", "registrations"))["registrations"]
    if len(tb) != 1:
        fail("the table after the reload: %s" % tb)
    note("after the reload: 480 to the token, 405 to REGISTER, Allow: %s; the binding stays "
         "until it expires" % allow)
    pbx.quiet(0.3)


run(main)
