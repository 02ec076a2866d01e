#!/usr/bin/env python3
"""tests/soak/probe.py: the soak's "probe" calls, one after the other until a deadline.

Each probe is a call through tandemd between two parties of tests/sip/sipua.py: the caller
(on $SOAK_NET.2:5079) calls user "probe", tandemd routes it to the callee ($SOAK_NET.3:5089),
which answers; then the project's rtpeer sends RTP both ways through the relay, every packet
checked byte by byte (none lost, none damaged, all from tandemd's relay port, no strays), and
the caller hangs up. One line per probe on stdout: "ok N ..." or "FAIL N: reason"; a failed
probe does not stop the others. Every wait is bounded (sipua), rtpeer is bounded by its -t
and recorded in $T/pids for the driver's cleanup.

Usage: probe.py SECONDS GAP    (run probes for SECONDS, GAP seconds between two probes)
Env:   T, TANDEM_IP, TANDEM_PORT, RTPEER, SOAK_NET (set by tests/soak/soak)
"""
import os
import sys
import time

from sipua import UA, Dialog, Fail, env, sdp, sdp_addr, rtpeer_start, rtpeer_result

PACKETS = 100		# each way, 20 ms apart: 2 s of audio


def one_probe(n, caller, callee, tandem_ip, st):
    a_port, b_port = 40000 + 2 * (n % 500), 42000 + 2 * (n % 500)
    tx = caller.invite("probe", a_port)
    inv = callee.wait_request("INVITE", timeout=10)
    b_ip, b_relay = sdp_addr(inv.body)
    if b_ip != tandem_ip or not b_relay:
        raise Fail("the offer to the callee points at %s:%s, not at the relay" % (b_ip, b_relay))
    d = Dialog.from_request(callee, inv)
    callee.respond(inv, 200, body=sdp(callee.ip, b_port, "callee"), to_tag=d.local_tag)
    resp = caller.wait_final(tx, want=200, timeout=10)
    st["dialogs"] = (tx.dialog, d)
    callee.wait_request("ACK", d, timeout=10)
    a_ip, a_relay = sdp_addr(resp.body)
    if a_ip != tandem_ip or not a_relay:
        raise Fail("the answer to the caller points at %s:%s, not at the relay" % (a_ip, a_relay))
    ha = rtpeer_start("probe-a", "%s:%d" % (caller.ip, a_port), "%s:%d" % (tandem_ip, a_relay),
                      n=PACKETS, interval=20, secs=10, wait=0.3)
    hb = rtpeer_start("probe-b", "%s:%d" % (callee.ip, b_port), "%s:%d" % (tandem_ip, b_relay),
                      n=PACKETS, interval=20, secs=10, wait=0.3)
    res = {}
    for h, relay in ((ha, a_relay), (hb, b_relay)):
        r = rtpeer_result(h)
        res[h[0]] = r
        got, intact, bad = int(r.get("received", 0)), int(r.get("intact", -1)), int(r.get("bad", -1))
        frm = "%s:%d" % (tandem_ip, relay)
        if got < PACKETS or intact != got or bad != 0 or r.get("from") != frm or \
                r.get("strays") != "0":
            raise Fail("rtp %s: received %d of %d, intact %d, bad %d, from %s (want %s), "
                       "strays %s" % (h[0], got, PACKETS, intact, bad, r.get("from"), frm,
                                      r.get("strays")))
    hang_up(caller, callee, tx.dialog, d)
    st.clear()
    return "a %s/%s b %s/%s" % (res["probe-a"]["received"], PACKETS, res["probe-b"]["received"],
                                PACKETS)


def hang_up(caller, callee, dc, dd):
    bye = dc.send("BYE")
    callee.reply_in(callee.wait_request("BYE", dd, timeout=10), 200)
    caller.wait_final(bye, want=200, timeout=10)


def main():
    secs, gap = float(sys.argv[1]), float(sys.argv[2])
    net = env("SOAK_NET")
    tandem_ip = env("TANDEM_IP")
    caller = UA("probe-caller", net + ".2", 5079)
    callee = UA("probe-callee", net + ".3", 5089)
    end = time.monotonic() + secs
    n = ok = 0
    while time.monotonic() < end:
        n += 1
        t0 = time.monotonic()
        st = {}
        try:
            what = one_probe(n, caller, callee, tandem_ip, st)
            ok += 1
            print("ok %d %.1fs %s" % (n, time.monotonic() - t0, what), flush=True)
        except Fail as e:
            print("FAIL %d: %s" % (n, e), flush=True)
            if "dialogs" in st:	# hang up, so that the call does not wait for a timeout
                try:
                    hang_up(caller, callee, *st["dialogs"])
                except Fail as e2:
                    print("# could not hang up probe %d: %s" % (n, e2), flush=True)
            # drop what is left of this probe's dialogs before the next one
            caller.inbox.clear()
            callee.inbox.clear()
        time.sleep(max(0.0, min(gap, end - time.monotonic())))
    print("probes %d ok %d failed %d" % (n, ok, n - ok), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
