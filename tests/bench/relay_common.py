"""relay_common: the harness of tests/bench/bench-relay (python3 standard library).

Its settings (the BENCH_* environment variables, read once at import), the processes it
starts and stops by PID, /proc figures, the loopback address block, the build of rtpload,
fwd and srtpceil, tandemd's control socket, the two DUTs (Tandem: tandemd with its sipp
calls; Fwd: the baseline forwarder) and one trial of rtpload through a DUT with its
pass/fail verdict. bench-relay imports these names into its own namespace, which
relay_srtp.py then uses; the searches and the summary stay in bench-relay.
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

import procs
from procs import PROCS, TCK, busy_pct, core_busy, proc_ticks, stop, udp_snmp  # noqa: F401

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.abspath(os.path.join(HERE, "..", ".."))


def env_num(name, default, quick_default=None):
    v = os.environ.get(name)
    if v not in (None, ""):
        return float(v)
    return quick_default if (QUICK and quick_default is not None) else default


QUICK = os.environ.get("BENCH_QUICK", "") not in ("", "0")
BUILD = os.environ.get("BUILD") or "build"
BUILD = BUILD if os.path.isabs(BUILD) else os.path.join(TOP, BUILD)
TANDEMD = os.path.join(BUILD, "tandemd")
TANDEMCTL = os.path.join(BUILD, "tandemctl")
BINDIR = os.path.join(BUILD, "bench")
RTPLOAD = os.path.join(BINDIR, "rtpload")
FWD = os.path.join(BINDIR, "fwd")
CALLS = int(env_num("BENCH_CALLS", 2000, 1000))
CPS = int(env_num("BENCH_CPS", 400))
DUR = int(env_num("BENCH_DURATION", 10, 4))
START = int(env_num("BENCH_START", 30000, 40000))
STEP = env_num("BENCH_STEP", 1.5)
MAX_PPS = int(env_num("BENCH_MAX_PPS", 400000))
BISECT = int(env_num("BENCH_BISECT", 3, 1))
POINT = int(env_num("BENCH_POINT_PPS", 50000))
POINT_REPS = int(env_num("BENCH_POINT_REPS", 3, 1))
BUDGET = env_num("BENCH_BUDGET", 660, 120)
ONLY = [p.strip() for p in os.environ.get("BENCH_ONLY", "tandem,baseline").split(",") if p.strip()]
PLAIN = "tandem" in ONLY or "baseline" in ONLY   # BENCH_ONLY=srtp: the SRTP runs alone
SRTP = os.environ.get("BENCH_SRTP", "1") not in ("", "0")
PERF = os.environ.get("BENCH_PERF", "") not in ("", "0")
RETRY = int(env_num("BENCH_RETRY", 1))
IDLE_WAIT = env_num("BENCH_IDLE_WAIT", 60, 20)
NICE = int(env_num("BENCH_NICE", -19))
PRIO = ["nice", "-n", str(NICE)] if NICE else []
OUT = os.path.abspath(os.environ.get("BENCH_OUT") or os.path.join(BUILD, "bench-relay"))
CPU_DUT, CPU_GEN = "0", "1"
PPS_PER_CALL = 100            # 2 directions x 50 pps (20 ms packets)
LOSS_MAX, P90_MAX_US, SCHED_MIN = 0.1, 10000, 0.98
PORT_MIN = 30000              # relay ports (tandemd) and fwd ports: 4 per call from here
SIP_PORTS = {"tandem": 5060, "uac": 5070, "uas": 5080}
PORT_X, PORT_Y = 9000, 9002   # rtpload's two sockets on the "load" address


def say(*a):
    print(*a, flush=True)


# ---------------------------------------------------------------- processes

def start(name, cmd, log=None, stdout=None):
    return procs.start(name, cmd, log=log, stdout=stdout, cwd=OUT)


def cleanup():
    # the load first, then the DUTs (sipp callers before tandemd, so no BYE storm)
    procs.cleanup({"perf": 0, "rtpload": 1, "sipp-uac": 2, "sipp-uas": 3, "fwd": 4,
                   "tandemd": 5}, wait=5.0)


def on_signal(signum, frame):
    say("bench-relay: signal %d, stopping every process started here" % signum)
    cleanup()
    sys.exit(128 + signum)


# ---------------------------------------------------------------- /proc

def udp_errors():
    d = udp_snmp()
    return d.get("RcvbufErrors", 0), d.get("SndbufErrors", 0)


# ---------------------------------------------------------------- network

def ports_busy(addr, ports, proto=socket.SOCK_DGRAM):
    busy = []
    for port in ports:
        s = socket.socket(socket.AF_INET, proto)
        try:
            s.bind((addr, port))
        except OSError as e:
            busy.append("%s:%d (%s)" % (addr, port, e.strerror))
        finally:
            s.close()
        if len(busy) >= 3:
            break
    return busy


def pick_addresses():
    """a dedicated 127.0.x.0/24 block where every port the run uses is free"""
    nets = [os.environ.get("BENCH_NET", "127.1.88")] + ["127.1.%d" % n for n in (89, 98, 99, 108)]
    media_ports = range(PORT_MIN, PORT_MIN + 4 * CALLS)
    for net in nets:
        a = {"tandem": "%s.1" % net, "uac": "%s.2" % net, "uas": "%s.3" % net, "load": "%s.4" % net,
             "fwd": "%s.5" % net, "rtpe": "%s.6" % net}
        busy = []
        for k in ("tandem", "uac", "uas"):
            busy += ports_busy(a[k], [SIP_PORTS[k]]) + ports_busy(a[k], [SIP_PORTS[k]], socket.SOCK_STREAM)
        for k in ("uac", "uas"):             # sipp's own media sockets (-mp 6000)
            busy += ports_busy(a[k], range(6000, 6004))
        busy += ports_busy(a["load"], [PORT_X, PORT_Y])
        if not busy:
            busy += ports_busy(a["tandem"], media_ports) + ports_busy(a["fwd"], media_ports)
        if not busy:                         # rtpengine (srtp-rtp run): ng port and media ports
            busy += ports_busy(a["rtpe"], [2223]) + ports_busy(a["rtpe"], media_ports)
        if not busy:
            return a
        say("bench-relay: %s.x busy: %s; trying another address block" % (net, ", ".join(busy[:3])))
    raise RuntimeError("no free address block on loopback for the benchmark")


# ---------------------------------------------------------------- tools

def build_tools():
    os.makedirs(BINDIR, exist_ok=True)
    cc = os.environ.get("CC") or "cc"
    lib = os.path.join(BUILD, "libtandem.a")      # rtpload and srtpceil use its tsrtp (libsrtp2
    try:                                          # with OpenSSL's AES-CTR/HMAC; NSS set up too)
        nss = subprocess.run(["pkg-config", "--libs", "nss"], capture_output=True, text=True,
                             timeout=30).stdout.split()
    except OSError:
        nss = []
    srtp = ["-I" + os.path.join(TOP, "lib"), lib, "-lsrtp2", "-lcrypto"] + (nss or ["-lnss3", "-lnspr4"])
    for name, extra in (("rtpload", ["-pthread"] + srtp), ("fwd", []), ("srtpceil", srtp)):
        src, exe = os.path.join(HERE, name + ".c"), os.path.join(BINDIR, name)
        if os.path.exists(exe) and os.path.getmtime(exe) >= max(
                os.path.getmtime(src), os.path.getmtime(lib) if srtp[1] in extra else 0):
            continue
        cmd = [cc, "-O2", "-Wall", "-Wextra", "-o", exe, src] + extra
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            raise RuntimeError("%s failed:\n%s" % (" ".join(cmd), r.stderr))


class Ctl:
    """tandemd's control socket: the JSON requests tandemctl --json sends, several per
    connection (one line each way), so that thousands of `call ID` lookups stay cheap"""

    def __init__(self, path):
        self.path = path

    def ask(self, reqs, chunk=50, timeout=20.0):
        out = []
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(timeout)
        try:
            s.connect(self.path)
            f = s.makefile("rb")
            for i in range(0, len(reqs), chunk):
                part = reqs[i:i + chunk]
                s.sendall(b"".join(json.dumps(r).encode() + b"\n" for r in part))
                for _ in part:
                    line = f.readline()
                    if not line:
                        raise RuntimeError("tandemd closed the control connection")
                    out.append(json.loads(line))
        finally:
            s.close()
        return out

    def status(self):
        """tandemctl --json status (the tool itself, as a user would)"""
        try:
            r = subprocess.run(["taskset", "-c", CPU_GEN, TANDEMCTL, "-s", self.path, "--json", "status"],
                               capture_output=True, text=True, timeout=5)
            return json.loads(r.stdout) if r.returncode == 0 else None
        except (subprocess.TimeoutExpired, ValueError):
            return None


def thread_tid(pid, comm):
    try:
        for tid in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/comm" % (pid, tid)) as f:
                if f.read().strip() == comm:
                    return int(tid)
    except OSError:
        pass
    return None


# ---------------------------------------------------------------- the DUTs

class Tandem:
    name = "tandem"
    load_args = []                # rtpload's extra arguments (SRTP keys, sequence file)

    def __init__(self, addrs, name="tandem", security="", words=None):
        """name: "tandem", or the SRTP run's ("srtp-rtp", "srtp-srtp"); security: the
        route's `security = {...};` line; words: the sipp scenarios' @...@ words"""
        self.addrs = addrs
        self.name = name
        sfx = "" if name == "tandem" else "-" + name
        self.words = words or {"UAC_PROTO": "RTP/AVP", "UAS_PROTO": "RTP/AVP", "UAC_CRYPTO_LINE": "",
                               "UAS_CRYPTO_LINE": "", "UAC_KEY_ACTIONS": "", "UAS_KEY_ACTIONS": "",
                               "REF_VARS": ""}
        self.sock = os.path.join(OUT, "tandemd%s.sock" % sfx)
        self.conf = os.path.join(OUT, "tandemd-relay%s.conf" % sfx)
        self.log = os.path.join(OUT, "logs", "tandemd%s.log" % sfx)
        self.uac = self.uas = None
        tmpl = open(os.path.join(HERE, "tandemd-relay.conf.in")).read()
        tmpl = tmpl.replace("    @SECURITY@\n", ("    %s\n" % security) if security else "")
        for k, v in (("TANDEM_ADDR", addrs["tandem"]), ("TANDEM_PORT", SIP_PORTS["tandem"]),
                     ("UAS_ADDR", addrs["uas"]), ("UAS_PORT", SIP_PORTS["uas"]), ("CTL_SOCKET", self.sock),
                     ("MAX_CALLS", CALLS + 1000), ("PORT_MIN", PORT_MIN),
                     ("PORT_MAX", PORT_MIN + 4 * CALLS + 399)):
            tmpl = tmpl.replace("@%s@" % k, str(v))
        with open(self.conf, "w") as f:
            f.write(tmpl)
        if os.path.exists(self.sock):
            os.remove(self.sock)
        self.ctl = Ctl(self.sock)
        self.p = start("tandemd", PRIO + ["taskset", "-c", CPU_DUT, TANDEMD, "-c", self.conf, "-S", self.sock],
                       log=self.log)
        deadline = time.time() + 15
        while time.time() < deadline:
            if self.p.poll() is not None:
                raise RuntimeError("tandemd exited at startup (rc %s): %s" % (self.p.returncode, self.log_tail()))
            if self.ctl.status():
                break
            time.sleep(0.1)
        else:
            raise RuntimeError("tandemd not ready after 15 s: %s" % self.log_tail())
        self.tid = None
        for _ in range(20):
            self.tid = thread_tid(self.p.pid, "tandem-media0")
            if self.tid:
                break
            time.sleep(0.1)

    def log_tail(self, n=5):
        try:
            return " | ".join(open(self.log, errors="replace").read().splitlines()[-n:])
        except OSError:
            return ""

    def sipp(self, role, hold_ms, bound_s):
        a = self.addrs
        xml_in = os.path.join(HERE, "relay-%s.xml" % role)
        sfx = "" if self.name == "tandem" else "-" + self.name
        xml = os.path.join(OUT, "relay-%s%s.xml" % (role, sfx))
        with open(xml_in) as f:
            s = f.read().replace("@TANDEM_RE@", a["tandem"].replace(".", "\\."))
        w = self.words
        s = s.replace("@PROTO@", w["%s_PROTO" % role.upper()]).replace(
            "@REF_VARS@", w["REF_VARS"] if w["%s_KEY_ACTIONS" % role.upper()] else "")
        for k in ("CRYPTO_LINE", "KEY_ACTIONS"):     # an empty word takes its line with it
            v = w["%s_%s" % (role.upper(), k)]
            s = s.replace("      @%s@\n" % k, ("      %s\n" % v) if v else "")
        with open(xml, "w") as f:
            f.write(s)
        cmd = ["taskset", "-c", CPU_GEN, "sipp"]
        if role == "uac":
            cmd += ["%s:%d" % (a["tandem"], SIP_PORTS["tandem"]), "-s", "bench", "-r", str(CPS),
                    "-m", str(CALLS), "-l", str(CALLS), "-d", str(hold_ms)]
        else:
            cmd += ["-m", str(CALLS)]
        cmd += ["-sf", xml, "-i", a[role], "-p", str(SIP_PORTS[role]), "-mi", a[role], "-mp", "6000",
                "-nostdin", "-buff_size", "4194304", "-timeout", "%ds" % bound_s, "-timeout_error",
                "-trace_stat", "-stf", os.path.join(OUT, "logs", "%s.csv" % role), "-fd", "1",
                "-trace_err", "-error_file", self.errlog(role),
                "-max_log_size", "1048576"]
        if w["%s_KEY_ACTIONS" % role.upper()]:
            cmd += ["-trace_logs", "-log_file", self.keylog(role)]
        return start("sipp-" + role, cmd)

    def errlog(self, role):
        return os.path.join(OUT, "logs", "%s%s-errors.log" % (role, "" if self.name == "tandem" else "-" + self.name))

    def keylog(self, role):
        return os.path.join(OUT, "logs", "%s-%s-keys.log" % (role, self.name))

    def setup_calls(self, bound_s):
        """CALLS calls through tandemd, held for the whole run; returns [(port_a, port_b)]"""
        t0 = time.time()
        self.uas = self.sipp("uas", 0, bound_s + 30)
        time.sleep(0.3)
        if self.uas.poll() is not None:
            raise RuntimeError("sipp callee exited at startup (rc %s)" % self.uas.returncode)
        self.uac = self.sipp("uac", int(bound_s * 1000), bound_s + 30)
        deadline = time.time() + CALLS / float(CPS) * 3 + 30
        st = None
        while time.time() < deadline:
            time.sleep(0.5)
            if self.p.poll() is not None:
                raise RuntimeError("tandemd exited during call setup: %s" % self.log_tail())
            if self.uac.poll() is not None:
                raise RuntimeError("sipp caller exited during call setup (rc %s): %s" % (
                    self.uac.returncode, head(self.errlog("uac"))))
            st = self.ctl.status()
            c = (st or {}).get("calls", {})
            if c.get("failed"):
                raise RuntimeError("tandemd counted %d failed calls during setup: %s" % (
                    c["failed"], head(self.errlog("uac"))))
            if c.get("answered", 0) >= CALLS and c.get("active", 0) >= CALLS:
                break
        else:
            raise RuntimeError("only %s of %d calls up after %.0f s" % (
                (st or {}).get("calls"), CALLS, time.time() - t0))
        time.sleep(1.0)                     # the last ACKs
        calls = self.ctl.ask([{"cmd": "calls"}])[0].get("calls", [])
        ids = sorted(c["id"] for c in calls if c.get("state") == "confirmed")
        pairs = []
        for ans in self.ctl.ask([{"cmd": "call", "id": i} for i in ids]):
            try:
                s = ans["call"]["streams"][0]
                pairs.append((int(s["a"]["relay_port"]), int(s["b"]["relay_port"])))
            except (KeyError, IndexError, TypeError, ValueError):
                raise RuntimeError("a call without a relayed stream: %s" % json.dumps(ans)[:300])
        if len(pairs) < CALLS or len(set(p for ab in pairs for p in ab)) != 2 * len(pairs):
            raise RuntimeError("%d relay port pairs for %d calls, or ports repeated" % (len(pairs), CALLS))
        self.ids = ids
        self.setup_s = round(time.time() - t0, 1)
        self.media = (st or {}).get("media")
        return pairs[:CALLS]

    def check_latched(self, x, y):
        """every side latched to rtpload's sockets; returns the number of sides that are not"""
        bad, first = 0, None
        for ans in self.ctl.ask([{"cmd": "call", "id": i} for i in self.ids]):
            s = ans["call"]["streams"][0]
            for side, want in (("a", x), ("b", y)):
                if s[side].get("latched") != want:
                    bad += 1
                    first = first or "%s latched %r, want %s" % (side, s[side].get("latched"), want)
        return bad, first

    def packets(self):
        st = self.ctl.status()
        return (st or {}).get("media", {}).get("packets")

    def alive(self):
        return self.p.poll() is None

    def cpu(self):
        try:
            total = proc_ticks("/proc/%d/stat" % self.p.pid)
            worker = proc_ticks("/proc/%d/task/%d/stat" % (self.p.pid, self.tid)) if self.tid else None
            return total, worker
        except OSError:
            return None, None

    def stop(self):
        for p in (self.uac, self.uas):
            if p is not None:
                stop(p, signal.SIGTERM, 5.0)
        return stop(self.p, signal.SIGTERM, 10.0)


class Fwd:
    name = "baseline"

    def __init__(self, addrs, pairfile):
        self.out = open(os.path.join(OUT, "logs", "fwd.out"), "w+")
        self.p = start("fwd", PRIO + ["taskset", "-c", CPU_DUT, FWD, "-f", pairfile, "-a", addrs["fwd"],
                               "-A", "%s:%d" % (addrs["load"], PORT_X), "-B", "%s:%d" % (addrs["load"], PORT_Y),
                               "-T", str(int(BUDGET * 2 + 600))], stdout=self.out)
        self.tid = None
        deadline = time.time() + 15
        while time.time() < deadline:
            if self.p.poll() is not None:
                self.out.seek(0)
                raise RuntimeError("fwd exited at startup (rc %s): %s" % (self.p.returncode, self.out.read()[-300:]))
            self.out.seek(0)
            if "fwd ready" in self.out.read():
                return
            time.sleep(0.05)
        raise RuntimeError("fwd not ready after 15 s")

    def alive(self):
        return self.p.poll() is None

    def packets(self):
        return None

    def cpu(self):
        try:
            return proc_ticks("/proc/%d/stat" % self.p.pid), None
        except OSError:
            return None, None

    def stop(self):
        return stop(self.p, signal.SIGTERM, 5.0)


def head(path, n=3):
    try:
        return " | ".join(l.strip() for l in open(path, errors="replace").readlines()[:n])
    except OSError:
        return ""


# ---------------------------------------------------------------- trials

TRIALS = []


def rtpload(addrs, host, pairfile, rate, dur, ncalls, tag, extra=()):
    cmd = PRIO + ["taskset", "-c", CPU_GEN, RTPLOAD, "-f", pairfile, "-H", host, "-L", addrs["load"],
           "-x", str(PORT_X), "-y", str(PORT_Y), "-n", str(ncalls), "-r", str(int(rate)),
           "-d", str(dur), "-w", "1"] + list(extra)
    outp = os.path.join(OUT, "logs", "rtpload-%s.out" % tag)
    f = open(outp, "w+")
    p = start("rtpload", cmd, stdout=f)
    return p, f


def parse_load(f):
    f.seek(0)
    line = f.read().strip().splitlines()
    if not line:
        return None
    r = {}
    for kv in line[-1].split():
        k, _, v = kv.partition("=")
        try:
            r[k] = float(v)
        except ValueError:
            r[k] = v
    return r


def trial(dut, addrs, host, pairfile, rate, dur=None, label="search", perf=None, ncalls=None):
    """one run of `dur` seconds at `rate` pps through `dut` (None: no DUT), on `ncalls` calls
    (default: as many as the rate needs at 50 pps per stream, at most CALLS)"""
    dur = dur or DUR
    rate = int(rate)
    ncalls = ncalls or min(CALLS, max(1, -(-rate // PPS_PER_CALL)))
    kind = dut.name if dut else "direct"
    tag = "%s-%s-%d-%d" % (kind, label, rate, len(TRIALS) + 1)
    r = {"kind": kind, "label": label, "rate": rate, "calls": ncalls, "streams": 2 * ncalls,
         "stream_pps": round(rate / (2.0 * ncalls), 1), "duration_s": dur}
    if dut is not None and getattr(dut, "settle", None):
        dut.settle()                                     # the SRTP runs: an earlier trial's backlog first
    pk0 = dut.packets() if dut else None
    u0 = udp_errors()
    p, f = rtpload(addrs, host, pairfile, rate, dur, ncalls, tag, getattr(dut, "load_args", ()))
    perfp = None
    try:
        time.sleep(1.0)                                  # the steady part: [1 s, dur - 0.5 s]
        c0, d0, tw0 = core_busy(), (dut.cpu() if dut else (None, None)), time.time()
        if perf:
            perfp = perf(dur - 1.5)
        time.sleep(max(0.5, dur - 1.5))
        c1, d1, tw1 = core_busy(), (dut.cpu() if dut else (None, None)), time.time()
        try:
            p.wait(dur + 20)
        except subprocess.TimeoutExpired:
            stop(p, signal.SIGKILL, 3.0)
        PROCS.pop(p.pid, None)
        if perfp is not None:
            try:
                perfp.wait(15)
            except subprocess.TimeoutExpired:
                stop(perfp, signal.SIGINT, 5.0)
            PROCS.pop(perfp.pid, None)
    finally:
        if p.poll() is None:
            stop(p, signal.SIGKILL, 3.0)
    u1 = udp_errors()
    res = parse_load(f)
    f.close()
    if res is None:
        r.update({"pass": False, "rtpload_rc": p.returncode,
                  "why": ["rtpload printed nothing (rc %s)" % p.returncode]})
        TRIALS.append(r)
        return r
    r.update(res)
    r["achieved_pps"] = round(res["sent"] / res["send_s"]) if res.get("send_s") else 0
    r["udp_rcvbuf_errors"], r["udp_sndbuf_errors"] = u1[0] - u0[0], u1[1] - u0[1]
    r["cpu0_busy_pct"], r["cpu1_busy_pct"] = busy_pct(c0, c1, CPU_DUT), busy_pct(c0, c1, CPU_GEN)
    if dut and d0[0] is not None and d1[0] is not None:
        r["dut_cpu_pct"] = round(100.0 * (d1[0] - d0[0]) / TCK / (tw1 - tw0), 1)
        r["dut_cpu_us_per_pkt"] = round(1e6 * (d1[0] - d0[0]) / TCK / (tw1 - tw0) / rate, 2)
        if d0[1] is not None and d1[1] is not None:
            r["worker_cpu_pct"] = round(100.0 * (d1[1] - d0[1]) / TCK / (tw1 - tw0), 1)
    if dut:
        pk1 = dut.packets()
        if pk0 is not None and pk1 is not None:
            r["dut_relayed"] = pk1 - pk0
        r["dut_alive"] = dut.alive()
    why = []
    if r["loss_pct"] >= LOSS_MAX:
        why.append("loss %.3f %%" % r["loss_pct"])
    if r["achieved_pps"] < SCHED_MIN * rate:
        why.append("generator behind its schedule (%d pps)" % r["achieved_pps"])
    if r["lat_p90_us"] >= P90_MAX_US:
        why.append("p90 latency %.1f ms" % (r["lat_p90_us"] / 1000.0))
    if r.get("bad") or r.get("wrong_socket"):
        why.append("%d damaged, %d misrouted packets" % (r.get("bad", 0), r.get("wrong_socket", 0)))
    if r.get("auth_fail") or r.get("protect_err"):
        why.append("SRTP: %d packets failed authentication at rtpload, %d not protected" % (
            r.get("auth_fail", 0), r.get("protect_err", 0)))
    if dut and not r["dut_alive"]:
        why.append("%s died" % kind)
    r["pass"] = not why
    r["why"] = why
    TRIALS.append(r)
    with open(os.path.join(OUT, "trials.jsonl"), "a") as jf:
        jf.write(json.dumps(r) + "\n")
    return r


def perf_trial(td, addrs, host, pairfile, rate, tag):
    """one trial at `rate` through tandemd `td` with `perf record -e cpu-clock -g` on its media
    worker; the reports go to OUT/perf-report<tag>.txt (call graph) and perf-flat<tag>.txt"""
    if not shutil.which("perf"):
        say("  (perf not installed: no profile)")
        return None
    pdata = os.path.join(OUT, "perf%s.data" % tag)

    def perf(secs):
        target = ["-t", str(td.tid)] if td.tid else ["-p", str(td.p.pid)]
        return start("perf", ["taskset", "-c", CPU_GEN, "perf", "record", "-e", "cpu-clock", "-g",
                              "-o", pdata] + target + ["--", "sleep", "%.1f" % secs],
                     log=os.path.join(OUT, "logs", "perf-record%s.log" % tag))
    r = trial(td, addrs, host, pairfile, rate, label="perf", perf=perf)
    say(trial_line(r))
    for name, extra in (("perf-report", []), ("perf-flat", ["--no-children", "--sort", "symbol", "-g", "none"])):
        rep = subprocess.run(["perf", "report", "-i", pdata, "--stdio"] + extra, capture_output=True, text=True,
                             timeout=120)
        with open(os.path.join(OUT, "%s%s.txt" % (name, tag)), "w") as f:
            f.write(rep.stdout)
    say("  profile: %s/perf-report%s.txt, flat: %s/perf-flat%s.txt" % (OUT, tag, OUT, tag))
    return r


def trial_line(r):
    if "loss_pct" not in r:
        return "  %-8s %6d pps: FAIL %s" % (r["kind"], r["rate"], "; ".join(r["why"]))
    s = "  %-8s %6d pps (%4d calls, %3.0f pps/stream) x %d s: %-4s loss %.3f %%, latency p50 %d us, p90 %d us, p99 %d us" % (
        r["kind"], r["rate"], r["calls"], r["stream_pps"], r["duration_s"], "PASS" if r["pass"] else "FAIL",
        r["loss_pct"], r["lat_p50_us"], r["lat_p90_us"], r["lat_p99_us"])
    if r.get("dut_cpu_pct") is not None:
        s += ", %s CPU %.0f %%" % (r["kind"], r["dut_cpu_pct"])
        if r.get("worker_cpu_pct") is not None:
            s += " (worker %.0f %%)" % r["worker_cpu_pct"]
    s += ", cores %s/%s %% busy" % (r.get("cpu0_busy_pct"), r.get("cpu1_busy_pct"))
    if r.get("udp_rcvbuf_errors"):
        s += ", RcvbufErrors %d" % r["udp_rcvbuf_errors"]
    if not r["pass"]:
        s += "\n           why: " + "; ".join(r["why"])
    return s
