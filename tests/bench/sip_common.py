"""sip_common: what tests/bench/bench-sip and tests/bench/bench-scale share (python3 standard library).

Owns the list of processes a benchmark started (PROCS): start() registers one, stop() ends it
by its PID (signal, bounded wait, then SIGKILL), cleanup() ends whatever is left (the scripts
call it from their signal handlers and their final `finally`). Also: the /proc readers (CPU
ticks, memory, UDP receive errors, per-core busy time), sipp's statistics file and error log,
and the line describing the machine and its load.

A script sets sip_common.OUT, the folder its processes run in, before start().
"""
import os
import resource
import signal
import subprocess
import sys

OUT = None                    # the calling benchmark's work folder (sipp writes there)
RETRANS_LIMIT = 0.01          # a trial fails when retransmissions exceed 1 % of its calls
RECV_TIMEOUT_MS = 5000        # sipp: a call waiting this long for a message has failed
TCK = os.sysconf("SC_CLK_TCK")
PROCS = {}                    # pid -> (Popen, name): everything we started and may have to stop


def say(*a):
    print(*a, flush=True)



# ---------------------------------------------------------------- processes, cleanup

NOFILE = 65536   # what packaging/systemd/tandemd.service gives (LimitNOFILE)


def service_limits():
    """In the child: the open-files limit of the systemd unit, as far as we may raise it (root
    may), so that a system under test is not bounded by the shell's limit (an anchored call
    holds 4 sockets: at 2,000 cps of 1 s calls tandemd passed 20,000)."""
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = max(NOFILE, hard) if hard != resource.RLIM_INFINITY else hard
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, want))
    except (ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def start(name, cmd, log=None, cwd=None):
    out = open(log, "w") if log else subprocess.DEVNULL
    p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT if log else subprocess.DEVNULL,
                         stdin=subprocess.DEVNULL, cwd=cwd or OUT, preexec_fn=service_limits)
    if log:
        out.close()
    PROCS[p.pid] = (p, name)
    return p


def stop(p, sig=signal.SIGTERM, wait=10.0):
    """stop one process we started, by its PID: sig, bounded wait, then SIGKILL. Returns how."""
    how = "exited"
    if p.poll() is None:
        try:
            os.kill(p.pid, sig)
        except ProcessLookupError:
            pass
        how = "signal %d" % sig
        try:
            p.wait(wait)
        except subprocess.TimeoutExpired:
            try:
                os.kill(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            how = "SIGKILL after %.0f s" % wait
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                how = "did not die"
    PROCS.pop(p.pid, None)
    return how


def cleanup():
    for pid, (p, name) in list(PROCS.items()):
        if p.poll() is None:
            stop(p, signal.SIGTERM, 3.0)
        PROCS.pop(pid, None)


def on_signal_of(prog):
    """a signal handler for prog: stop every process started here, exit 128 + the signal"""
    def on_signal(signum, frame):
        say("%s: signal %d, stopping every process started here" % (prog, signum))
        cleanup()
        sys.exit(128 + signum)
    return on_signal


# ---------------------------------------------------------------- /proc readers

def proc_cpu_ticks(pid):
    """utime+stime of a process, all threads, in clock ticks"""
    with open("/proc/%d/stat" % pid) as f:
        s = f.read()
    fields = s[s.rindex(")") + 2:].split()
    return int(fields[11]) + int(fields[12])


def proc_mem_kb(pid):
    r = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k = line.split(":")[0]
            if k in ("VmRSS", "VmHWM", "RssAnon"):
                r[k] = int(line.split()[1])
    return r


def udp_rcvbuf_errors():
    rows = [l.split() for l in open("/proc/net/snmp") if l.startswith("Udp:")]
    return int(dict(zip(rows[0][1:], rows[1][1:])).get("RcvbufErrors", 0))


def core_busy():
    """(busy, total) jiffies per CPU from /proc/stat (tick sampled: a rough, secondary figure)"""
    r = {}
    for line in open("/proc/stat"):
        if line.startswith("cpu") and line[3].isdigit():
            f = line.split()
            v = [int(x) for x in f[1:]]
            idle = v[3] + v[4]
            r[f[0][3:]] = (sum(v[:8]) - idle, sum(v[:8]))
    return r


def busy_pct(c0, c1, cpu):
    b = c1[cpu][0] - c0[cpu][0]
    t = c1[cpu][1] - c0[cpu][1]
    return round(100.0 * b / t, 1) if t > 0 else None


# ---------------------------------------------------------------- sipp

def sipp_limit(ncalls):
    """sipp's -l (concurrent calls): its open files (hard limit here 20000) must stay above it"""
    try:
        nofile = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    except (OSError, ValueError):
        nofile = 20000
    return max(100, min(ncalls, nofile - 1000))


def sipp_stats(path):
    """the last line of a sipp -trace_stat file"""
    try:
        rows = [l.rstrip("\n").split(";") for l in open(path, errors="replace") if l.strip()]
    except OSError:
        return None
    if len(rows) < 2:
        return None
    d = dict(zip(rows[0], rows[-1]))
    cur = [dict(zip(rows[0], r)).get("CurrentCall", "0") for r in rows[1:]]
    max_current = max(int(c) if c.isdigit() else 0 for c in cur)

    def g(k):
        try:
            return int(d.get(k, "0") or 0)
        except ValueError:
            return 0
    causes = dict((k[6:-3], g(k)) for k in d if k.startswith("Failed") and k.endswith("(C)") and k != "FailedCall(C)" and g(k))
    return {"created": g("OutgoingCall(C)") or g("IncomingCall(C)"), "ok": g("SuccessfulCall(C)"),
            "failed": g("FailedCall(C)"), "retrans": g("Retransmissions(C)"), "failed_by": causes,
            "dead_msgs": g("DeadCallMsgs(C)"), "watchdog_major": g("WatchdogMajor(C)"),
            "out_of_call": g("OutOfCallMsgs(C)"), "current": g("CurrentCall"),
            "max_current": max_current}


def error_log_head(path, n=6):
    try:
        with open(path, errors="replace") as f:
            lines = [l.rstrip() for l in f.readlines()[:200] if l.strip()]
    except OSError:
        return []
    return lines[:n]


# ---------------------------------------------------------------- the machine

def machine():
    cpu = "?"
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = int(open("/proc/meminfo").readline().split()[1]) // 1024
    try:
        sv = subprocess.run(["sipp", "-v"], capture_output=True, text=True, timeout=5).stdout.strip().splitlines()
        sv = [l for l in sv if "SIPp" in l][0].strip()
    except Exception:
        sv = "sipp ?"
    return "%s, %d CPUs, %d MiB, kernel %s, %s, rmem_max %s, %s" % (
        cpu, os.cpu_count(), mem, os.uname().release, sv,
        open("/proc/sys/net/core/rmem_max").read().strip(), loadavg())


def loadavg():
    """the machine's load, printed at the start and the end: figures from a loaded box are low"""
    return "load average %s" % " ".join(open("/proc/loadavg").read().split()[:3])
