"""procs: what every benchmark here shares (python3 standard library): the processes it
started, by PID, and the /proc figures it reads.

PROCS maps the PID of everything a benchmark started to (Popen, name): start() registers a
process, stop() ends one (a signal, a bounded wait, then SIGKILL) and forgets it, cleanup() ends
whatever is left, in the order given, and the benchmarks call it from their signal handlers and
their final `finally`. sip_common (bench-sip, bench-scale) and relay_common (bench-relay) wrap
start() with their own working folder and limits.
"""
import os
import signal
import subprocess

TCK = os.sysconf("SC_CLK_TCK")
PROCS = {}                    # pid -> (Popen, name): everything started here


def start(name, cmd, log=None, stdout=None, cwd=None, preexec_fn=None):
    """start cmd, its output to the file log (or to stdout, a file object), and register it"""
    out = open(log, "w") if log else (stdout or subprocess.DEVNULL)
    p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT if log else subprocess.DEVNULL,
                         stdin=subprocess.DEVNULL, cwd=cwd, preexec_fn=preexec_fn)
    if log:
        out.close()
    PROCS[p.pid] = (p, name)
    return p


def stop(p, sig=signal.SIGTERM, wait=10.0):
    """stop one process started here, by its PID: sig, a bounded wait, then SIGKILL. Says how."""
    how = "exited (rc %s)" % p.returncode if p.poll() is not None else None
    if how is None:
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


def cleanup(order=None, wait=3.0):
    """end every process still registered; order: name -> rank (lowest first, others last)"""
    order = order or {}
    for pid, (p, name) in sorted(PROCS.items(), key=lambda kv: order.get(kv[1][1], 9)):
        if p.poll() is None:
            stop(p, signal.SIGTERM, wait)
        PROCS.pop(pid, None)


def proc_ticks(path):
    """utime+stime (clock ticks, all threads) from a /proc/.../stat file"""
    with open(path) as f:
        s = f.read()
    fields = s[s.rindex(")") + 2:].split()
    return int(fields[11]) + int(fields[12])


def core_busy():
    """(busy, total) jiffies per CPU from /proc/stat (tick sampled: a rough, secondary figure)"""
    r = {}
    for line in open("/proc/stat"):
        if line.startswith("cpu") and line[3].isdigit():
            v = [int(x) for x in line.split()[1:9]]
            idle = v[3] + v[4]
            r[line.split()[0][3:]] = (sum(v) - idle, sum(v))
    return r


def busy_pct(c0, c1, cpu):
    t = c1[cpu][1] - c0[cpu][1]
    return round(100.0 * (c1[cpu][0] - c0[cpu][0]) / t, 1) if t > 0 else None


def udp_snmp():
    """the kernel's UDP counters (/proc/net/snmp), by name"""
    rows = [l.split() for l in open("/proc/net/snmp") if l.startswith("Udp:")]
    return {k: int(v) for k, v in zip(rows[0][1:], rows[1][1:])}
