#!/usr/bin/env python3
"""The application of 154-refer-outside-forward: REFER outside a dialog to sip:pbx@tandemd;
expects 202, then NOTIFY 100, 180 and 200 (terminated) relayed by tandemd, and nothing else.
It answers the 180 late, so that the target's final NOTIFY comes while tandemd's is pending."""
import time
from sipua import UA, Dialog, env, fail, note, rand, run


def main():
    tip, tport = env("TANDEM_IP"), int(env("TANDEM_PORT"))
    ua = UA("app", env("CALLER_IP"), int(env("CALLER_PORT")))
    d = Dialog(ua, "app-%s@%s" % (rand(), ua.ip), "sip:app@%s:%d" % (ua.ip, ua.port), rand(8),
               "sip:pbx@%s" % tip, None, "sip:pbx@%s:%d" % (tip, tport))
    tx = d.send("REFER", ["Refer-To: <sip:carol@example.net;user=phone>",
                          "Referred-By: <sip:app@apps.example.net>"])
    r = ua.wait_final(tx, want=202, timeout=10)
    note("REFER answered %d %s" % (r.status, r.reason))
    for want, state in (("SIP/2.0 100 Trying", "active"), ("SIP/2.0 180 Ringing", "active"),
                        ("SIP/2.0 200 OK", "terminated")):
        n = ua.wait_request("NOTIFY", call_id=d.call_id, timeout=10)
        if not n.body.startswith(want):
            fail("NOTIFY body %r, want %r" % (n.body, want))
        if not (n.hdr("subscription-state") or "").startswith(state):
            fail("NOTIFY %s: Subscription-State %r, want %s" % (want, n.hdr("subscription-state"), state))
        if "refer" not in (n.hdr("event") or ""):
            fail("NOTIFY Event %r" % n.hdr("event"))
        if n.from_tag != r.to_tag:
            fail("NOTIFY from tag %s is not the 202's to tag %s" % (n.from_tag, r.to_tag))
        if want.startswith("SIP/2.0 180"):
            # answer late: the target's final NOTIFY reaches tandemd while ours is
            # pending, and must still be relayed after it
            time.sleep(0.8)
        ua.respond(n, 200)
        note("NOTIFY %s (%s)" % (want, n.hdr("subscription-state")))
    m = ua.poll(lambda m: True, 1.5, "anything")
    if m is not None:
        fail("unexpected %s after the final NOTIFY" % m.what())


run(main)
