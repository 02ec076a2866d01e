#!/usr/bin/env python3
"""025-register-nat: alice (Via and Contact 10.9.9.9) registers through tandemd; see README."""
import json
import threading
import time

from sipua import ctl, env, fail, note, run, sdp_addr, wait_for
from regua import Phone, Registrar

AOR = "sip:alice@pbx.test"


def table():
    return json.loads(ctl("--json", "registrations"))["registrations"]




def main():
    pbx = Registrar("pbx", env("CALLEE_IP"), int(env("CALLEE_PORT")), {"alice": "pw"}, grant=9)
    alice = Phone("alice", env("CALLEE2_IP"), int(env("CALLEE2_PORT")), AOR, "pw",
                  priv="10.9.9.9")
    tandem = "%s:%s" % (env("TANDEM_IP"), env("TANDEM_PORT"))

    t = threading.Thread(target=lambda: [pbx.serve(), pbx.serve()])
    t.start()
    r = alice.register(expires=3600)
    t.join()
    t0 = time.monotonic()
    if r.status != 200 or alice.granted(r) != 2:
        fail("alice got %d, expires %s; want 200 and the short 2 s" % (r.status, alice.granted(r)))
    tb = table()
    if len(tb) != 1 or tb[0]["source"] != env("CALLEE2") or not tb[0]["nat"] or \
            tb[0]["contact"] != "sip:alice@10.9.9.9:5060" or tb[0]["aor"] != AOR:
        fail("tandemctl registrations: %s" % tb)
    note("binding at %s (nat), alice 2 s, the PBX 9 s" % tb[0]["source"])
    out = ctl("registrations")
    if "alice@pbx.test" not in out or "1 registrations" not in out:
        fail("tandemctl registrations printed: %s" % out)

    # throttled: refreshes answered here while the PBX's 9 s outlive 2 + 5; the first one
    # after that goes on to the PBX (the phone refreshes every 0.3 s here)
    t = threading.Thread(target=lambda: pbx.serve(timeout=8))
    t.start()
    local = 0
    while t.is_alive():
        n = len(pbx.regs)
        r = alice.register(expires=3600)
        if r.status != 200 or alice.granted(r) != 2:
            fail("refresh: %d expires %s" % (r.status, alice.granted(r)))
        if len(pbx.regs) == n and t.is_alive():
            local += 1
        if time.monotonic() - t0 > 7:
            fail("no refresh reached the PBX within 7 s (its binding lasts 9 s)")
        time.sleep(0.3)
    t.join()
    if local < 2 or len(pbx.regs) != 3 or pbx.answers[-1] != 200:
        fail("%d refreshes answered here, the PBX saw %d REGISTERs" % (local, len(pbx.regs)))
    note("%d refreshes answered by tandemd; the one %.1f s in, near the PBX's expiry, went on "
         "to it" % (local, time.monotonic() - t0))

    # a call from the PBX to her binding: her real address, media anchored
    tok = pbx.token_contact(AOR)
    tx = pbx.invite(tok[4:].split("@")[0], 30000, uri_host=tandem)
    inv = alice.wait_request("INVITE", timeout=5)
    if sdp_addr(inv.body) == env("CALLEE_IP"):
        fail("the call to alice is not anchored")
    d = alice.answer(inv, 31000)
    pbx.wait_final(tx, want=200)
    tx.dialog.bye()
    bye = alice.wait_request("BYE", d, timeout=5)
    alice.reply_in(bye, 200)
    note("the PBX's call and BYE reached alice at her real address")

    # she stops refreshing: removed when her 2 s run out
    wait_for(lambda: table() == [], 6, "the binding to expire")
    tx = pbx.invite(tok[4:].split("@")[0], 30000, uri_host=tandem)
    pbx.wait_final(tx, want=480)
    note("expired: the table is empty, a call to the token gets 480")
    st = json.loads(ctl("--json", "status"))
    note("status ok")


run(main)
