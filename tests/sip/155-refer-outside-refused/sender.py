#!/usr/bin/env python3
"""The application of 155-refer-outside-refused."""
import time
from sipua import UA, Dialog, env, fail, note, rand, run


def refer(ua):
    tip, tport = env("TANDEM_IP"), int(env("TANDEM_PORT"))
    d = Dialog(ua, "app-%s@%s" % (rand(), ua.ip), "sip:app@%s:%d" % (ua.ip, ua.port), rand(8),
               "sip:pbx@%s" % tip, None, "sip:pbx@%s:%d" % (tip, tport))
    return d, d.send("REFER", ["Refer-To: <sip:carol@example.net>"])


def main():
    ua = UA("app", env("CALLER_IP"), int(env("CALLER_PORT")))
    d, tx = refer(ua)
    r = ua.wait_final(tx, want=403)
    if r.reason != "Not Allowed Here":
        fail("the PBX's reason phrase did not cross: %r" % r.reason)
    m = ua.poll(lambda m: True, 2.0, "anything")
    if m is not None:
        fail("after the 403: unexpected %s" % m.what())
    note("first REFER: 403 %s, nothing else" % r.reason)
    d, tx = refer(ua)
    r = ua.wait_final(tx, want=202)
    t0 = time.monotonic()
    n = ua.wait_request("NOTIFY", call_id=d.call_id, timeout=8)
    took = time.monotonic() - t0
    ua.respond(n, 200)
    if not n.body.startswith("SIP/2.0 408"):
        fail("NOTIFY body %r, want SIP/2.0 408" % n.body)
    if not (n.hdr("subscription-state") or "").startswith("terminated"):
        fail("NOTIFY Subscription-State %r" % n.hdr("subscription-state"))
    note("second REFER: 202, then after %.1f s NOTIFY %s" % (took, n.body.strip()))
    if took < 2:
        fail("the timeout NOTIFY came after %.1f s, before the route's bound" % took)


run(main)
