#!/usr/bin/env python3
"""sender of 153-refer-outside-reject: REFERs outside a dialog that tandemd must refuse, each
with exactly one answer and no NOTIFY."""
from sipua import UA, Dialog, env, fail, note, rand, run


def refer(ua, user, want, reason=None):
    tip, tport = env("TANDEM_IP"), int(env("TANDEM_PORT"))
    d = Dialog(ua, "refer-%s@%s" % (rand(), ua.ip), "sip:app@%s:%d" % (ua.ip, ua.port), rand(8),
               "sip:%s@%s" % (user, tip), None, "sip:%s@%s:%d" % (user, tip, tport))
    tx = d.send("REFER", ["Refer-To: <sip:carol@example.net>",
                          "Referred-By: <sip:app@%s>" % ua.ip])
    r = ua.wait_final(tx, want=want)
    if reason and r.reason != reason:
        fail("REFER to %s: reason phrase %r, want %r" % (user, r.reason, reason))
    note("REFER to %s answered %d %s" % (user, r.status, r.reason))
    # nothing else: no NOTIFY of a subscription that was never accepted
    m = ua.poll(lambda m: True, 2.0, "anything")
    if m is not None:
        fail("after the %d to the REFER to %s: unexpected %s" % (want, user, m.what()))


def main():
    ua = UA("app", env("CALLER_IP"), int(env("CALLER_PORT")))
    refer(ua, "nobody", 403)
    refer(ua, "pbx", 403)
    refer(ua, "closed", 404, "Nobody Here")


run(main)
