"""sip_common: what tests/bench/bench-sip and tests/bench/bench-scale share (python3 standard library).

The processes a benchmark started and the /proc readers are tests/bench/procs.py's (PROCS,
stop, core_busy, busy_pct, re-exported here); start() runs a process in OUT with the systemd
unit's open-files limit. Also: memory and UDP receive errors of the system under test, sipp's
statistics file and error log, and the line describing the machine and its load.

A script sets sip_common.OUT, the folder its processes run in, before start().
"""
import os
import resource
import subprocess
import sys

import procs
from procs import PROCS, TCK, busy_pct, core_busy, proc_ticks, stop, udp_snmp  # noqa: F401

OUT = None                    # the calling benchmark's work folder (sipp writes there)
RETRANS_LIMIT = 0.01          # a trial fails when retransmissions exceed 1 % of its calls
RECV_TIMEOUT_MS = 5000        # sipp: a call waiting this long for a message has failed


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
    return procs.start(name, cmd, log=log, cwd=cwd or OUT, preexec_fn=service_limits)


def cleanup():
    procs.cleanup()


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
    return proc_ticks("/proc/%d/stat" % pid)


def proc_mem_kb(pid):
    r = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k = line.split(":")[0]
            if k in ("VmRSS", "VmHWM", "RssAnon"):
                r[k] = int(line.split()[1])
    return r


def udp_rcvbuf_errors():
    return udp_snmp().get("RcvbufErrors", 0)


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
