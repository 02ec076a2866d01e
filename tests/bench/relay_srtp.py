"""relay_srtp: the SRTP runs of tests/bench/bench-relay (python3 standard library).

bench-relay imports this module and calls run(B, addrs, res), B being bench-relay's own
namespace (its Tandem, trial, search_all, ... and settings). Two runs, one after the other,
each with a tandemd of its own (route `security`, sdes_tls_only off: loopback UDP):

  srtp-rtp   caller leg SRTP, callee leg plain RTP: tandemd unprotects what the caller
             sends and protects what it sends to the caller, one crypto operation per
             relayed packet;
  srtp-srtp  SRTP on both legs, each leg with its own keys: two operations per packet
             (unprotect with the sender's key, protect with tandemd's key toward the
             other leg).

Keys: the sipp caller offers a key of its own (KA, fresh for the run, the same in every
call) and, for srtp-srtp, the callee answers with KB. tandemd answers the caller with a
key of its own per call (TA) and offers the callee another (TB). The scenarios check that
tandemd's SDP is RTP/SAVP with an AES_CM_128_HMAC_SHA1_80 key that is not the peer's own,
and log "srtpkey PORT KEY" (sipp -trace_logs); the port names the call's relay port, so
the script knows every call's TA (and TB). rtpload then protects with KA (X) and KB (Y)
and unprotects with TA at X and TB at Y: a packet that tandemd relays wrong fails
authentication at rtpload, and the trial fails.

The crypto ceiling: tests/bench/srtpceil.c, on the DUT's core with the DUT's nice value,
protects and unprotects rtpload's 172-byte packets with the same suite through tsrtp for
BENCH_CEIL_SECONDS, before and after each search; the better of the two counts (noise only
lowers it). With P = protect+unprotect pairs per second on one core:
  srtp-rtp   ceiling = 2 P (half the packets cost one unprotect, half one protect)
  srtp-srtp  ceiling = P   (every packet costs an unprotect and a protect)
i.e. the rate of a relay that did nothing but libsrtp2's work. The ceiling is libsrtp2 with
the AES-CTR and HMAC-SHA1 tandemd plugs into it (OpenSSL's, lib/media/tsrtp_ossl.c); once
per run, for reference, also with Debian's libsrtp2 on its own (NSS) crypto.
"""
import base64
import json
import os
import re
import signal
import subprocess
import time

import relay_rtpe

SUITE = "AES_CM_128_HMAC_SHA1_80"
MODES = ("srtp-rtp", "srtp-srtp")
KEYRE = re.compile(r"srtpkey (\d+) ([A-Za-z0-9+/]{40})(?![A-Za-z0-9+/=])")


def env_num(B, name, default, quick_default):
    v = os.environ.get(name)
    if v not in (None, ""):
        return float(v)
    return quick_default if B.QUICK else default


def key_actions(own_b64):
    """sipp actions: tandemd's SDP is SAVP with a key that is not the peer's own; log it"""
    own = re.sub(r"([+/])", r"\\\1", own_b64)
    return ('<ereg regexp="m=audio ([0-9]+) RTP/SAVP 0 101" search_in="body" check_it="true" '
            'assign_to="m,port"/>'
            '<ereg regexp="a=crypto:1 %s inline:([A-Za-z0-9+/]{40})" search_in="body" check_it="true" '
            'assign_to="cr,key"/>'
            '<ereg regexp="%s" search_in="body" check_it_inverse="true" assign_to="own"/>'
            '<log message="srtpkey [$port] [$key]"/>' % (SUITE, own))


def hexkey(b64):
    return "%s:%s" % (SUITE, base64.b64decode(b64).hex())


def read_keys(path):
    keys = {}
    try:
        for line in open(path, errors="replace"):
            m = KEYRE.search(line)
            if m:
                keys[int(m.group(1))] = m.group(2)
    except OSError:
        pass
    return keys


def ceiling(B, tag, contexts=1, crypto="openssl"):
    """srtpceil on the DUT's core: pairs/s and the rest of its line as a dict. crypto: the
    AES-CTR/HMAC under libsrtp2: openssl (what tandemd plugs in) or libsrtp2 (its own build)"""
    secs = env_num(B, "BENCH_CEIL_SECONDS", 4, 2)
    cmd = B.PRIO + ["taskset", "-c", B.CPU_DUT, os.path.join(B.BINDIR, "srtpceil"), "-t", "%g" % secs,
                    "-S", SUITE, "-n", str(contexts), "-B", crypto]
    out = os.path.join(B.OUT, "logs", "srtpceil-%s.out" % tag)
    with open(out, "w+") as f:
        p = B.start("srtpceil", cmd, stdout=f)
        try:
            p.wait(secs + 30)
        except subprocess.TimeoutExpired:
            B.stop(p, signal.SIGKILL, 3.0)
        B.PROCS.pop(p.pid, None)
        f.seek(0)
        line = f.read().strip()
    r = {}
    for kv in line.split():
        k, _, v = kv.partition("=")
        try:
            r[k] = float(v)
        except ValueError:
            r[k] = v
    if p.returncode != 0 or "pair_pps" not in r:
        raise RuntimeError("srtpceil failed (rc %s): %s" % (p.returncode, line[-200:]))
    B.say("  crypto ceiling (%s, crypto %s): %d protect+unprotect pairs/s on CPU %s with %d context pair%s "
          "(protect alone %d/s, unprotect alone %d/s)" % (tag, r.get("crypto"), r["pair_pps"], B.CPU_DUT, contexts,
                                                         "" if contexts == 1 else "s", r["protect_pps"],
                                                         r["unprotect_pps"]))
    return r


def settle(B, td, limit=15.0):
    """wait until tandemd's relayed-packet count stops moving (bounded). An overloaded trial
    leaves thousands of packets in the relay's socket buffers, and at SRTP's cost per packet
    they would still be draining into the next trial."""
    t_end, last = time.time() + limit, td.packets()
    while last is not None and time.time() < t_end:
        time.sleep(0.5)
        cur = td.packets()
        if cur == last:
            return
        last = cur
    if last is not None:
        B.say("  (tandemd still relaying an earlier trial's backlog after %.0f s)" % limit)


def setup_rtpe(B, addrs, ka):
    """rtpengine with the same calls as tandemd's srtp-rtp run: (Rtpe, pair file)"""
    rt = relay_rtpe.Rtpe(addrs)
    try:
        t0 = time.time()
        calls = rt.setup_calls(B.CALLS, SUITE, ka)
        if len(set(c[2] for c in calls)) != len(calls):
            raise RuntimeError("rtpengine reused a key between calls")
        pairfile = os.path.join(B.OUT, "pairs-rtpengine.txt")
        fd = os.open(pairfile, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write("".join("%d %d %s -\n" % (a, b, hexkey(ta)) for a, b, ta in calls))
        seqfile = os.path.join(B.OUT, "seq-rtpengine.txt")
        if os.path.exists(seqfile):
            os.remove(seqfile)
        rt.load_args = ["-k", hexkey(ka), "-s", seqfile]
        B.say("setup rtpengine: %d calls over ng in %.1f s (userspace, one media thread, CPU %s), "
              "SRTP toward the caller with a key of its own per call, plain RTP toward the callee" % (
                  len(calls), time.time() - t0, B.CPU_DUT))
        for i in range(2):
            r = B.trial(rt, addrs, addrs["rtpe"], pairfile, 2 * B.CALLS, dur=1, label="latch%d" % (i + 1),
                        ncalls=B.CALLS)
        B.say("latch rtpengine: second pass %d/%d packets back, %d failed authentication" % (
            r.get("recv", 0), r.get("sent", 0), r.get("auth_fail", 0)))
        if r.get("loss_pct", 100) > 0 or r.get("auth_fail"):
            raise RuntimeError("rtpengine did not relay every packet of the warm-up, or SRTP failed")
        return rt, pairfile
    except Exception:
        rt.stop()
        raise


def one_mode(B, mode, addrs, deadline):
    both = mode == "srtp-srtp"
    ka = base64.b64encode(os.urandom(30)).decode()
    kb = base64.b64encode(os.urandom(30)).decode()
    words = {"UAC_PROTO": "RTP/SAVP", "UAS_PROTO": "RTP/SAVP" if both else "RTP/AVP",
             "UAC_CRYPTO_LINE": "a=crypto:1 %s inline:%s" % (SUITE, ka),
             "UAS_CRYPTO_LINE": ("a=crypto:1 %s inline:%s" % (SUITE, kb)) if both else "",
             "UAC_KEY_ACTIONS": key_actions(ka), "UAS_KEY_ACTIONS": key_actions(kb) if both else "",
             "REF_VARS": ",m,cr,own"}
    security = ('security = { caller = "srtp"; callee = "%s"; suites = ( "%s" ); sdes_tls_only = false; };' % (
        "srtp" if both else "rtp", SUITE))
    out = {"mode": mode, "ceilings": []}
    rt = rt_pairs = None
    td = B.Tandem(addrs, name=mode, security=security, words=words)
    pairfile = os.path.join(B.OUT, "pairs-%s.txt" % mode)
    seqfile = os.path.join(B.OUT, "seq-%s.txt" % mode)
    try:
        B.say("setup %s: %d calls sipp -> tandemd -> sipp at %d cps, %s on the caller's leg, %s on the callee's ..." % (
            mode, B.CALLS, B.CPS, SUITE, SUITE if both else "plain RTP"))
        pairs = td.setup_calls(int(B.BUDGET * 2 + 300))
        for _ in range(40):                      # sipp writes its log lines in its own time
            ta, tb = read_keys(td.keylog("uac")), read_keys(td.keylog("uas")) if both else {}
            if all(a in ta and (not both or b in tb) for a, b in pairs):
                break
            time.sleep(0.5)
        lines, missing = [], 0
        for a, b in pairs:
            if a not in ta or (both and b not in tb):
                missing += 1
                continue
            lines.append("%d %d %s %s\n" % (a, b, hexkey(ta[a]), hexkey(tb[b]) if both else "-"))
        if missing:
            raise RuntimeError("%d calls without tandemd's key in the sipp logs (%d caller, %d callee keys)" % (
                missing, len(ta), len(tb)))
        if len(set(ta.values()) | set(tb.values())) != len(ta) + len(tb) or ka in ta.values() or kb in tb.values():
            raise RuntimeError("tandemd reused a key (between calls, legs, or the caller's own)")
        # what tandemd says about each stream: SRTP where asked, plain where not
        want_b = SUITE if both else None
        for ans in td.ctl.ask([{"cmd": "call", "id": i} for i in td.ids]):
            s = ans["call"]["streams"][0]
            if s["a"].get("srtp") != SUITE or s["b"].get("srtp") != want_b:
                raise RuntimeError("a call's streams are %r / %r, want %s / %s" % (
                    s["a"].get("srtp"), s["b"].get("srtp"), SUITE, want_b))
        fd = os.open(pairfile, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write("".join(lines))
        for path in (td.keylog("uac"), td.keylog("uas")):   # the keys live in the pair file only
            if os.path.exists(path):
                os.remove(path)
        if os.path.exists(seqfile):
            os.remove(seqfile)
        td.load_args = ["-k", hexkey(ka), "-s", seqfile] + (["-K", hexkey(kb)] if both else [])
        td.settle = lambda: settle(B, td)
        B.say("setup %s: %d calls up in %.1f s; every call has its own keys from tandemd%s" % (
            mode, len(pairs), td.setup_s, " (one per leg)" if both else ""))
        x_addr, y_addr = "%s:%d" % (addrs["load"], B.PORT_X), "%s:%d" % (addrs["load"], B.PORT_Y)
        for i in range(2):
            r = B.trial(td, addrs, addrs["tandem"], pairfile, 2 * B.CALLS, dur=1, label="latch%d" % (i + 1),
                        ncalls=B.CALLS)
        bad, first = td.check_latched(x_addr, y_addr)
        B.say("latch %s: second pass %d/%d packets back, %d failed authentication, %d sides not latched%s" % (
            mode, r.get("recv", 0), r.get("sent", 0), r.get("auth_fail", 0), bad, (" (%s)" % first) if first else ""))
        if bad or r.get("loss_pct", 100) > 0 or r.get("auth_fail"):
            raise RuntimeError("%s: the relay did not latch every side, or SRTP failed" % mode)

        out["ceilings"].append(ceiling(B, mode + "-before"))
        # as many contexts as tandemd holds (2 per SRTP leg): libsrtp2 on NSS slows down with them
        out["ceiling_ctx"] = ceiling(B, mode + "-contexts", (2 if both else 1) * B.CALLS)
        # for reference: Debian's libsrtp2 with its own (NSS) crypto, as other relays use it
        out["ceiling_stock"] = ceiling(B, mode + "-libsrtp2-own", 1, "libsrtp2")
        order, duts, hosts, files = [mode], {mode: td}, {mode: addrs["tandem"]}, {mode: pairfile}
        if mode == "srtp-rtp" and relay_rtpe.available():
            try:
                rt, rt_pairs = setup_rtpe(B, addrs, ka)
                order.append(rt.name)
                duts[rt.name], hosts[rt.name], files[rt.name] = rt, addrs["rtpe"], rt_pairs
            except (RuntimeError, OSError) as e:
                B.say("bench-relay: rtpengine not measured: %s" % e)
                out["rtpengine"] = {"error": str(e)}
        elif mode == "srtp-rtp":
            B.say("(rtpengine not on PATH or BENCH_RTPENGINE=0: scripts/install-deps --bench installs it)")
        start = B.START
        B.START = int(env_num(B, "BENCH_SRTP_START", 10000, 10000))
        try:
            found = B.search_all(order, duts, addrs, hosts, files, deadline)
        finally:
            B.START = start
        out.update(found[mode])
        if "rtpengine" in found:
            out["rtpengine"] = found["rtpengine"]
        if B.PERF and out.get("max_pps"):
            B.say("(perf) tandemd media worker at %d pps (%s), perf record -e cpu-clock -g" % (out["max_pps"], mode))
            B.perf_trial(td, addrs, addrs["tandem"], pairfile, out["max_pps"], "-" + mode)
        out["seq_used_up"] = any(r.get("rtpload_rc") == 3 for r in B.TRIALS if r["kind"] == mode)
        out["ceilings"].append(ceiling(B, mode + "-after"))
        st = td.ctl.status() or {}
        out["tandemd_media"] = st.get("media")
    finally:
        out["stop"] = td.stop()
        if rt is not None:
            rt.stop()
        for path in (pairfile, rt_pairs, td.keylog("uac"), td.keylog("uas")):
            if path and os.path.exists(path):
                os.remove(path)
    pairs_pps = max(c["pair_pps"] for c in out["ceilings"]) if out["ceilings"] else 0
    out["pair_pps"] = round(pairs_pps)
    out["ceiling_pps"] = round(pairs_pps * (1 if both else 2))
    if out.get("ceiling_ctx"):
        out["ceiling_ctx_pps"] = round(out["ceiling_ctx"]["pair_pps"] * (1 if both else 2))
    return out


def run(B, addrs, res):
    """both SRTP runs; fills res["srtp"] and returns {mode: (tandem pps, ceiling pps)}"""
    rtpe = relay_rtpe.available()
    # rtpengine takes turns with tandemd in the srtp-rtp search: twice its trials
    budget = env_num(B, "BENCH_SRTP_BUDGET", 660 if rtpe else 420, 240 if rtpe else 150)
    weight = {"srtp-rtp": 2.0 if rtpe else 1.0, "srtp-srtp": 1.0}
    t0 = time.time()
    res["srtp"] = {}
    B.say("")
    B.say("SRTP runs (%s; BENCH_SRTP=0 skips them): %s, bounded by %.0f s; the crypto ceiling from srtpceil" % (
        SUITE, ", ".join(MODES), budget))
    for i, mode in enumerate(MODES):
        # each run gets its share of what is left, setup and ceilings included
        share = (t0 + budget - time.time()) * weight[mode] / sum(weight[m] for m in MODES[i:])
        setup = B.CALLS / float(B.CPS) * 1.5 + 15 + 2 * (env_num(B, "BENCH_CEIL_SECONDS", 4, 2) + 1)
        try:
            res["srtp"][mode] = one_mode(B, mode, addrs, time.time() + max(0.0, share - setup))
        except RuntimeError as e:
            B.say("bench-relay: %s: error: %s" % (mode, e))
            res["srtp"][mode] = {"mode": mode, "error": str(e)}
    figures = {}
    B.say("")
    B.say("SRTP summary (%.0f s)" % (time.time() - t0))
    for mode in MODES:
        s = res["srtp"].get(mode) or {}
        if "error" in s or "max_pps" not in s:
            B.say("  %-9s no figure: %s" % (mode, s.get("error", "not run")))
            continue
        tried = ", ".join("%d%s" % (r["rate"], "" if r["pass"] else "x") for r in B.TRIALS
                          if r["kind"] == mode and r["label"] in ("search", "retry"))
        at = s.get("at_max") or {}
        B.say("  %-9s max pps (loss < 0.1 %%, p90 < 10 ms, every packet authenticated): %d; first failing rate %s; tried %s" % (
            mode, s["max_pps"], s["first_fail_pps"] or "none", tried))
        if at:
            B.say("  %-9s   at %d pps: tandemd CPU %s %% (%s us/packet), worker thread %s %%, p50 %d us, p99 %d us" % (
                mode, at["rate"], at.get("dut_cpu_pct"), at.get("dut_cpu_us_per_pkt"), at.get("worker_cpu_pct"),
                at["lat_p50_us"], at["lat_p99_us"]))
        if s.get("budget_hit"):
            B.say("  (%s search stopped early: time budget)" % mode)
        if s.get("seq_used_up"):
            B.say("  (%s search stopped early: the streams' sequence numbers reached 65535)" % mode)
        per = 1 if mode == "srtp-srtp" else 2
        B.say("  %-9s ceiling: %d pairs/s x %s = %d pps (libsrtp2 alone, %s crypto operation%s per packet: %.2f us)" % (
            mode, s["pair_pps"], "1" if per == 1 else "2", s["ceiling_pps"], "two" if per == 1 else "one",
            "s" if per == 1 else "", 1e6 / s["ceiling_pps"] if s["ceiling_pps"] else 0))
        if s.get("ceiling_ctx_pps"):
            B.say("  %-9s with tandemd's %d SRTP contexts libsrtp2 alone does %d pps (%.2f of the one-context ceiling)" % (
                mode, 2 * s["ceiling_ctx"]["contexts"], s["ceiling_ctx_pps"],
                s["ceiling_ctx_pps"] / float(s["ceiling_pps"]) if s["ceiling_pps"] else 0))
        if s.get("ceiling_stock"):
            B.say("  %-9s (libsrtp2 with its own NSS crypto instead of OpenSSL's: %d pairs/s x %d = %d pps)" % (
                mode, s["ceiling_stock"]["pair_pps"], per, s["ceiling_stock"]["pair_pps"] * per))
        figures[mode] = (s["max_pps"], s["ceiling_pps"])
        rs = s.get("rtpengine")
        if rs and "max_pps" in rs:
            tried = ", ".join("%d%s" % (r["rate"], "" if r["pass"] else "x") for r in B.TRIALS
                              if r["kind"] == "rtpengine" and r["label"] in ("search", "retry"))
            B.say("  %-9s rtpengine, same run, same calls and load, taking turns: max pps %d; first failing rate %s; tried %s" % (
                mode, rs["max_pps"], rs["first_fail_pps"] or "none", tried))
            at = rs.get("at_max") or {}
            if at:
                B.say("  %-9s   rtpengine at %d pps: CPU %s %% (%s us/packet), p50 %d us, p99 %d us" % (
                    mode, at["rate"], at.get("dut_cpu_pct"), at.get("dut_cpu_us_per_pkt"), at["lat_p50_us"],
                    at["lat_p99_us"]))
            if rs.get("budget_hit"):
                B.say("  (rtpengine search stopped early: time budget)")
            figures["rtpengine"] = (s["max_pps"], rs["max_pps"])
        elif rs:
            B.say("  %-9s rtpengine: no figure: %s" % (mode, rs.get("error")))
    with open(os.path.join(B.OUT, "results.json"), "w") as f:
        json.dump(res, f, indent=1)
    return figures
