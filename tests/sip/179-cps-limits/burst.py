#!/usr/bin/env python3
"""179-cps-limits: bursts of INVITEs sent at once, without waiting; each gets 486 from the
callee (let through) or 503 with Retry-After from tandemd (over a limit)."""
import sys
import time
from sipua import (UA, Dialog, run, fail, note, env, tandem, rand, digest_challenges,
                   digest_authorization)

NET = env("TEST_NET")


def burst(ua, user, n, auth=None):
    """n INVITEs to user at once; returns (passed, limited): 486s and 503s."""
    uri = "sip:%s@%s:%d" % ((user,) + tandem())
    txs = []
    for i in range(n):
        d = Dialog(ua, "burst-%s@%s" % (rand(), ua.ip), "sip:%s@%s:%d" % (ua.name, ua.ip, ua.port),
                   rand(8), uri, None, uri)
        hdrs = ["Authorization: " + auth(i + 1, uri)] if auth else []
        txs.append(d.send("INVITE", hdrs, ""))
    codes = [ua.wait_final(tx, timeout=8) for tx in txs]
    for r in codes:
        if r.status == 503 and r.hdr("retry-after") != "2":
            fail("a 503 without Retry-After: 2 (%r)" % r.hdr("retry-after"))
        if r.status not in (486, 503):
            fail("%s: an INVITE got %d %s" % (ua.name, r.status, r.reason))
    return (sum(r.status == 486 for r in codes), sum(r.status == 503 for r in codes))


def main():
    # per source: 8 at once from one address, 4 a second: 4 through (5 if a token came back)
    carol = UA("carol", NET + ".2", 5070)
    p, l = burst(carol, "1000", 8)
    note("cps_per_source 4: %d through, %d refused" % (p, l))
    if not 4 <= p <= 5 or p + l != 8:
        fail("per source: %d through and %d refused, want 4 (or 5) through" % (p, l))

    # per route: max_cps 2, from another address (its source bucket is its own)
    dave = UA("dave", NET + ".4", 5070)
    p, l = burst(dave, "2000", 4)
    note("route max_cps 2: %d through, %d refused" % (p, l))
    if not 2 <= p <= 3 or p + l != 4:
        fail("per route: %d through and %d refused, want 2 (or 3) through" % (p, l))

    # per authenticated user: 3 a second, from a third address
    alice = UA("alice", NET + ".5", 5070)
    uri = "sip:3000@%s:%d" % tandem()
    d = Dialog(alice, "auth-%s@%s" % (rand(), alice.ip), "sip:alice@%s:%d" % (alice.ip, alice.port),
               rand(8), uri, None, uri)
    ch = digest_challenges(alice.wait_final(d.send("INVITE", [], ""), want=401))[0]
    p, l = burst(alice, "3000", 4,
                 auth=lambda nc, u: digest_authorization(ch, "alice", "s3cret-Pw", "INVITE", u, nc=nc))
    note("cps_per_user 3: %d through, %d refused" % (p, l))
    if not 3 <= p <= 4 or p + l != 4:
        fail("per user: %d through and %d refused, want 3 (or 4) through" % (p, l))


run(main)
