#!/usr/bin/env python3
"""177-codec-policy: alice offers PCMU, PCMA, G729 and telephone-event; bob checks what the
route lets through, answers, then re-INVITEs alice with G729 in his offer."""
import re
from sipua import UA, run, fail, note, env

NET = env("TEST_NET")


def offer(ip, port, pts):
    names = {0: "PCMU", 8: "PCMA", 18: "G729", 101: "telephone-event"}
    lines = ["v=0", "o=ua 1 1 IN IP4 %s" % ip, "s=-", "c=IN IP4 %s" % ip, "t=0 0",
             "m=audio %d RTP/AVP %s" % (port, " ".join(str(p) for p in pts))]
    lines += ["a=rtpmap:%d %s/8000" % (p, names[p]) for p in pts]
    lines += ["a=fmtp:18 annexb=no", "a=ptime:30"] if 18 in pts else ["a=ptime:30"]
    return "\r\n".join(lines) + "\r\n"


def m_line(body):
    m = re.search(r"^m=audio \d+ \S+ (.*?)\r?$", body or "", re.M)
    return m.group(1) if m else None


def main():
    alice = UA("alice", NET + ".2", 5070)
    bob = UA("bob", NET + ".2", 5080)

    # 1. allowed, ordered, ptime set, telephone-event kept, G729's fmtp gone
    tx = alice.invite("1555", 0, body=offer(alice.ip, 26000, [0, 8, 18, 101]))
    inv = bob.wait_request("INVITE")
    got = m_line(inv.body)
    if got != "8 0 101":
        fail("bob was offered %r, want '8 0 101' (PCMA first, no G729)" % got)
    if "annexb" in inv.body or "a=ptime:20" not in inv.body or "a=ptime:30" in inv.body:
        fail("bob's offer keeps G729's fmtp or lacks ptime 20:\n%s" % inv.body)
    d_bob = bob.answer(inv, 26100, body=offer(bob.ip, 26100, [8, 101]))
    alice.wait_final(tx, want=200)
    d_alice = tx.dialog
    note("bob offered %s with a=ptime:20" % got)

    # 2. bob's re-INVITE offers G729 first: alice (caller policy: deny G729) never sees it
    rtx = d_bob.send("INVITE", [], offer(bob.ip, 26100, [18, 8, 0, 101]))
    reinv = alice.wait_request("INVITE", d_alice)
    got = m_line(reinv.body)
    if got != "8 0 101":
        fail("alice was offered %r in the re-INVITE, want '8 0 101'" % got)
    if "a=ptime:30" not in reinv.body:
        fail("the caller's policy sets no ptime, yet bob's a=ptime:30 is gone")
    alice.respond(reinv, 200, body=offer(alice.ip, 26000, [8, 101]), to_tag=d_alice.local_tag)
    bob.wait_final(rtx, want=200)
    note("alice was offered %s in bob's re-INVITE" % got)
    d_alice.bye()
    bob.respond(bob.wait_request("BYE", d_bob), 200)

    # 3. nothing left for an Opus-only target: 488, bob never rung
    tx = alice.invite("2555", 0, body=offer(alice.ip, 26002, [0, 8, 18, 101]))
    alice.wait_final(tx, want=488)
    bob.quiet(0.5)
    note("opus-only: 488")


run(main)
