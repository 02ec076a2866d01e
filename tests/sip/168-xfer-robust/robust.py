#!/usr/bin/env python3
"""alice, bob and carol of 168-xfer-robust, one call per case, in order:
  reinvite   bob's REFER while tandemd's re-INVITE to him is pending: 491, the re-INVITE
             completes, nobody is called
  second     a second REFER (bob's, then alice's) during bob's transfer: 491 each; the first
             transfer completes and alice ends up with carol
  malformed  Refer-To without a user, with an empty host, not a SIP URI, garbage, missing:
             400 each; the call goes on untouched
  a-bye      alice (the transferee) hangs up while carol rings: carol gets CANCEL, bob BYE,
             nothing is left in tandemd (no call, no relay stream) within 5 s; carol answers
             the CANCEL at once, bob's BYE after that
  a-bye-slow the same, but bob answers his BYE at once and carol's 487 comes 0.5 s late
  x-bye      bob hangs up right after the 202: the transfer goes on, alice ends up with carol
             (RTP checked both ways)
  outside    a REFER outside any dialog: 403
Any request reaching a party that should not get one fails the case."""
import json
import sys
import time
from sipua import (UA, ctl, env, expect_rtp, fail, note, rtpeer_start, run, sdp, sdp_addr)

TIP = env("TANDEM_IP")
alice = bob = carol = None


def status(path):
    st = json.loads(ctl("--json", "status"))
    for k in path.split("."):
        st = st[k]
    return st


def wait_idle(secs, what):
    end = time.monotonic() + secs
    while True:
        act, streams = status("calls.active"), status("media.streams")
        if act == 0 and streams == 0:
            return
        if time.monotonic() > end:
            fail("%s: after %d s tandemd still has %d calls and %d relay streams" %
                 (what, secs, act, streams))
        time.sleep(0.1)


def wait_gone(d, secs, what):
    """The call whose leg A is alice's dialog d is gone from tandemd (other calls, left by a
    case that failed before, do not count)."""
    end = time.monotonic() + secs
    while True:
        cs = [c for c in json.loads(ctl("--json", "calls"))["calls"]
              if c.get("a_call_id") == d.call_id]
        if not cs:
            return
        if time.monotonic() > end:
            fail("%s: after %d s the call is still in tandemd: %s" % (what, secs, cs))
        time.sleep(0.1)


def setup():
    """alice calls bob through tandemd; returns (alice's dialog, bob's dialog, relay port A)."""
    tx = alice.invite("bob", 30000)
    inv = bob.wait_request("INVITE")
    b = bob.answer(inv, 31000)
    r = alice.wait_final(tx, want=200)
    ip, port = sdp_addr(r.body)
    if ip != TIP:
        fail("alice's answer points at %s, want the relay on %s" % (ip, TIP))
    return tx.dialog, b, port


def refer(d, target, want, headers=None):
    if headers is None:
        headers = ["Refer-To: <sip:%s@%s>" % (target, TIP)]
    tx = d.send("REFER", headers)
    r = d.ua.wait_final(tx)
    if r.status != want:
        fail("REFER (%s) answered %d %s, want %d" % ("; ".join(headers) or "no Refer-To",
                                                      r.status, r.reason, want))
    return r


def notify(ua, d, frag, timeout=10):
    """The next NOTIFY of dialog d must carry frag; answered 200."""
    m = ua.wait_request("NOTIFY", d, timeout=timeout)
    body = m.body.split("\r\n")[0]
    if not body.startswith(frag):
        fail("%s got NOTIFY %r, want %r" % (ua.name, body, frag))
    ua.respond(m, 200)
    return m


def hangup(a, far, far_dialog):
    a.bye()
    m = far.wait_request("BYE", far_dialog)
    far.respond(m, 200)


def case_reinvite():
    a, b, _ = setup()
    tx = a.send("INVITE", body=sdp(alice.ip, 30000, "alice", direction="sendonly", version=2))
    reinv = bob.wait_request("INVITE", b)
    refer(b, "carol", 491)
    bob.reply_in(reinv, 200, body=sdp(bob.ip, 31000, "bob", direction="recvonly", version=2))
    alice.wait_final(tx, want=200)
    bob.wait_request("ACK", b)
    # the call is as it was: a BYE crosses
    hangup(a, bob, b)
    carol.quiet(0.5)
    wait_gone(a, 5, "reinvite")


def case_second():
    a, b, _ = setup()
    refer(b, "carol", 202)
    notify(bob, b, "SIP/2.0 100")
    inv = carol.wait_request("INVITE")
    cd = carol_dialog(inv)
    carol.respond(inv, 180, to_tag=cd.local_tag)
    notify(bob, b, "SIP/2.0 180")
    refer(b, "carol", 491)			# bob again
    refer(a, "carol", 491)			# alice, during bob's transfer
    carol.respond(inv, 200, body=sdp(carol.ip, 32000, "carol"), to_tag=cd.local_tag)
    carol.wait_request("ACK", cd)
    notify(bob, b, "SIP/2.0 200")
    m = bob.wait_request("BYE", b)
    bob.respond(m, 200)
    alice.quiet(0.5)
    hangup(a, carol, cd)
    bob.quiet(0.3)
    wait_gone(a, 5, "second")


def carol_dialog(inv):
    from sipua import Dialog
    return Dialog.from_request(carol, inv)


def case_malformed():
    a, b, _ = setup()
    bad = [["Refer-To: <sip:%s>" % TIP],			# no user
           ["Refer-To: <sip:carol@>"],			# empty host
           ["Refer-To: <http://%s/carol>" % TIP],		# not SIP
           ["Refer-To: garbage"],
           ["Refer-To: <>"],
           []]						# no Refer-To at all
    for h in bad:
        refer(b, "carol", 400, h)
        note("REFER %s: 400" % (h[0] if h else "without Refer-To"))
    carol.quiet(0.5)
    alice.quiet(0.1)
    if not [c for c in json.loads(ctl("--json", "calls"))["calls"]
            if c.get("a_call_id") == a.call_id and c.get("state") == "confirmed"]:
        fail("after the malformed REFERs the call is no longer up: %s" % ctl("--json", "calls"))
    hangup(a, bob, b)
    wait_gone(a, 5, "malformed")


def bob_gets_bye(b):
    """bob: tandemd's BYE; NOTIFYs may come before or after it (answered 200), but none may
    report the transfer a success: carol never answered."""
    got_bye, end = False, time.monotonic() + 5
    while True:
        m = bob.poll(lambda m: m.is_request, max(end - time.monotonic(), 0.5 if got_bye else 0),
                     "BYE")
        if m is None:
            if not got_bye:
                fail("bob: no BYE within 5 s of alice's hangup")
            return
        bob.respond(m, 200)
        if m.method == "NOTIFY":
            frag = m.body.split("\r\n")[0]
            note("bob: NOTIFY %r (%s)%s" % (frag, m.hdr("subscription-state"),
                                          " after the BYE" if got_bye else ""))
            if frag.startswith("SIP/2.0 2"):
                fail("bob was told the transfer succeeded: NOTIFY %r" % frag)
        elif m.method == "BYE" and m.call_id == b.call_id:
            got_bye = True
            end = time.monotonic() + 1	# a last NOTIFY may follow
        else:
            fail("bob got %s" % m.what())


def a_bye(carol_slow):
    """alice hangs up while carol rings. carol_slow: bob answers tandemd's BYE at once and
    carol's 487 comes 0.5 s after her 200 to the CANCEL; otherwise carol answers the CANCEL
    (200 and 487) at once and bob's BYE is answered after that."""
    a, b, _ = setup()
    refer(b, "carol", 202)
    notify(bob, b, "SIP/2.0 100")
    inv = carol.wait_request("INVITE")
    cd = carol_dialog(inv)
    carol.respond(inv, 180, to_tag=cd.local_tag)
    notify(bob, b, "SIP/2.0 180")
    a.bye()
    if carol_slow:
        bob_gets_bye(b)
    # carol: CANCEL (200), her INVITE answered 487, and tandemd's ACK
    m = carol.wait_request("CANCEL", cd)
    carol.respond(m, 200)
    if carol_slow:
        time.sleep(0.5)
    carol.respond(inv, 487, to_tag=cd.local_tag)
    carol.expect(lambda m: m.is_request and m.method == "ACK" and m.cseq == inv.cseq, 5,
                 "ACK of the 487")
    if not carol_slow:
        bob_gets_bye(b)
    wait_idle(5, "alice hung up while carol rang")
    carol.quiet(0.3)
    alice.quiet(0.1)


def case_a_bye():
    a_bye(False)


def case_a_bye_slow():
    a_bye(True)


def case_x_bye():
    a, b, a_port = setup()
    refer(b, "carol", 202)
    b.bye()
    note("bob left right after the 202")
    inv = carol.wait_request("INVITE")
    cd = carol_dialog(inv)
    ip, b_port = sdp_addr(inv.body)
    if ip != TIP:
        fail("carol's offer points at %s, want the relay on %s" % (ip, TIP))
    carol.respond(inv, 180, to_tag=cd.local_tag)
    time.sleep(0.2)
    carol.respond(inv, 200, body=sdp(carol.ip, 32000, "carol"), to_tag=cd.local_tag)
    carol.wait_request("ACK", cd)
    # bob may have got the NOTIFY 100 before his BYE went; nothing after it
    bob.quiet(0.5, allow=("NOTIFY",))
    ha = rtpeer_start("alice", "%s:30000" % alice.ip, "%s:%d" % (TIP, a_port))
    hc = rtpeer_start("carol", "%s:32000" % carol.ip, "%s:%d" % (TIP, b_port))
    expect_rtp(ha, 95, "%s:%d" % (TIP, a_port))
    expect_rtp(hc, 95, "%s:%d" % (TIP, b_port))
    alice.quiet(0.1)
    hangup(a, carol, cd)
    wait_gone(a, 5, "x-bye")


def case_outside():
    from sipua import Dialog, rand
    total = status("calls.total")
    d = Dialog(carol, "out-%s@%s" % (rand(), carol.ip), "sip:carol@%s:%d" % (carol.ip, carol.port),
               rand(8), "sip:bob@%s" % TIP, None, "sip:bob@%s:%s" % (TIP, env("TANDEM_PORT")))
    refer(d, "alice", 403)
    alice.quiet(0.3)
    bob.quiet(0.1)
    if status("calls.total") != total:
        fail("the REFER outside a dialog made a call")


def recover():
    """After a failed case: hang up what is left, answer whatever comes for a while."""
    try:
        for c in json.loads(ctl("--json", "calls"))["calls"]:
            ctl("hangup", str(c["id"]))
    except Exception:
        pass
    end = time.monotonic() + 8
    for ua in (alice, bob, carol):
        ua.seen.clear()		# retransmissions of what was left unanswered: answer them
    while time.monotonic() < end:
        for ua in (alice, bob, carol):
            m = ua.inbox.pop(0) if ua.inbox else ua._recv(0.05)
            if m is None or m == "dup" or not m.is_request or m.method == "ACK":
                continue
            ua.respond(m, 486 if m.method == "INVITE" else 200, to_tag="x")
        try:
            if status("calls.active") == 0 and status("media.streams") == 0:
                break
        except Exception:
            pass


# in this order: the a-bye cases want tandemd empty, and a-bye-slow goes last
CASES = {"reinvite": case_reinvite, "malformed": case_malformed, "outside": case_outside,
         "second": case_second, "x-bye": case_x_bye, "a-bye": case_a_bye,
         "a-bye-slow": case_a_bye_slow}


def main():
    global alice, bob, carol
    alice = UA("alice", env("CALLER_IP"), int(env("CALLER_PORT")))
    bob = UA("bob", env("CALLEE_IP"), int(env("CALLEE_PORT")))
    carol = UA("carol", env("CALLEE2_IP"), int(env("CALLEE2_PORT")))
    failed = []
    for name in sys.argv[1:] or CASES:
        note("case %s" % name)
        try:
            CASES[name]()
            note("case %s: ok" % name)
        except Exception as e:	# go on with the next case, on as clean a slate as can be
            print("FAIL: case %s: %s" % (name, e), flush=True)
            failed.append(name)
            recover()
    if failed:
        fail("cases failed: %s" % " ".join(failed))


run(main)
