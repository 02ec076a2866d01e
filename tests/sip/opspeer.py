#!/usr/bin/env python3
"""tests/sip/opspeer.py: the peers of the operations tests (tests/sip/17x-*).

  opspeer.py hooks ADDR PORT OUT [STATUS]   a webhook receiver: each POST body is one
                                            line of OUT; answers STATUS (default 200)
  opspeer.py sse URL OUT [SECONDS]          follow a Server-Sent Events stream: each
                                            data: line goes to OUT; OUT.ready once the
                                            stream is open
  opspeer.py metrics FILE                   parse Prometheus text (format 0.0.4) strictly;
                                            print {"name{label=...}": value} as JSON, or
                                            the errors and exit 1
  opspeer.py journal SOCKET OUT             a stand-in for journald's native socket: each
                                            datagram (FIELD=value lines) is one JSON object
                                            line of OUT

Standard library only (python3). Every socket is on loopback; each mode ends by itself
(sse after SECONDS) or when the test ends it by PID.
"""
import http.server
import json
import math
import os
import re
import signal
import socket
import struct
import sys
import time
import urllib.request


def hooks(addr, port, out, status=200):
    conns = set()

    class Handler(http.server.BaseHTTPRequestHandler):
        # keep-alive: tandemd's curl reuses one connection, and closes it first
        protocol_version = "HTTP/1.1"

        def setup(self):
            super().setup()
            conns.add(self.connection)

        def finish(self):
            conns.discard(self.connection)
            super().finish()

        def do_POST(self):
            n = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(n).decode("utf-8", "replace")
            ctype = self.headers.get("Content-Type", "")
            with open(out, "a") as f:
                f.write(body.replace("\n", " ") + "\n")
            with open(out + ".ctype", "a") as f:
                f.write(ctype + "\n")
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    class Server(http.server.ThreadingHTTPServer):
        allow_reuse_address = True

    def stop(signum, frame):
        # ended by the test: reset what is still open, so that no TIME-WAIT
        # socket is left on the test's address for the next run
        for c in list(conns):
            try:
                c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                c.close()
            except OSError:
                pass
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    srv = Server((addr, port), Handler)
    srv.daemon_threads = True
    srv.serve_forever()


def sse(url, out, seconds=30.0):
    end = time.time() + seconds
    with urllib.request.urlopen(url, timeout=seconds) as r, open(out, "a") as f:
        ctype = r.headers.get("Content-Type", "")
        with open(out + ".ready", "w") as rd:
            rd.write(ctype + "\n")
        while time.time() < end:
            line = r.readline()
            if not line:
                break
            line = line.decode("utf-8", "replace").rstrip("\n")
            if line.startswith("data: "):
                f.write(line[6:] + "\n")
                f.flush()


SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)( -?\d+)?$')
LABEL = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(,|$)')
TYPES = {"counter", "gauge", "histogram", "summary", "untyped"}


def parse_labels(text, errors, lineno):
    labels = []
    body = text[1:-1]
    pos = 0
    while pos < len(body):
        m = LABEL.match(body, pos)
        if not m:
            errors.append("line %d: bad labels %s" % (lineno, text))
            return None
        labels.append((m.group(1), m.group(2)))
        pos = m.end()
    return labels


def metrics(path):
    errors, samples, types, helps = [], {}, {}, set()
    buckets = {}
    with open(path) as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    else:
        errors.append("the text does not end with a newline")
    for i, line in enumerate(lines, 1):
        if line.startswith("# HELP "):
            name = line.split(" ")[2]
            if name in helps:
                errors.append("line %d: second HELP for %s" % (i, name))
            helps.add(name)
            continue
        if line.startswith("# TYPE "):
            parts = line.split(" ")
            if len(parts) != 4 or parts[3] not in TYPES:
                errors.append("line %d: bad TYPE line" % i)
            elif parts[2] in types:
                errors.append("line %d: second TYPE for %s" % (i, parts[2]))
            else:
                types[parts[2]] = parts[3]
            continue
        if line.startswith("#") or line == "":
            continue
        m = SAMPLE.match(line)
        if not m:
            errors.append("line %d: not a sample: %s" % (i, line))
            continue
        name, labeltext, value = m.group(1), m.group(2), m.group(3)
        try:
            v = float(value)
        except ValueError:
            errors.append("line %d: bad value %s" % (i, value))
            continue
        labels = parse_labels(labeltext, errors, i) if labeltext else []
        if labels is None:
            continue
        base = re.sub(r'_(bucket|sum|count|total)$', '', name)
        family = name if name in types else (base if base in types else None)
        if family is None and name.endswith("_total") and name in types:
            family = name
        if family is None:
            errors.append("line %d: %s has no TYPE before it" % (i, name))
        elif types[family] == "counter" and (v < 0 or math.isnan(v)):
            errors.append("line %d: counter %s is %s" % (i, name, value))
        key = name + ("{" + ",".join('%s="%s"' % l for l in labels) + "}" if labels else "")
        if key in samples:
            errors.append("line %d: %s twice" % (i, key))
        samples[key] = v
        if name.endswith("_bucket"):
            le = dict(labels).get("le")
            if le is None:
                errors.append("line %d: a bucket without le" % i)
            else:	# one histogram per set of other labels (route="x")
                rest = ",".join('%s="%s"' % l for l in labels if l[0] != "le")
                buckets.setdefault((base, rest), []).append((float(le), v))
    for (fam, rest), bs in buckets.items():
        count = fam + "_count" + ("{" + rest + "}" if rest else "")
        fam = fam + ("{" + rest + "}" if rest else "")
        counts = [c for _, c in bs]
        if counts != sorted(counts):
            errors.append("histogram %s: buckets not cumulative" % fam)
        if not bs or not math.isinf(bs[-1][0]):
            errors.append("histogram %s: no +Inf bucket" % fam)
        elif samples.get(count) != bs[-1][1]:
            errors.append("histogram %s: _count differs from the +Inf bucket" % fam)
    if errors:
        print("\n".join(errors))
        sys.exit(1)
    print(json.dumps(samples, sort_keys=True))


def journal(path, out):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)
    os.chmod(path, 0o666)
    with open(out, "a") as f:
        while True:
            data = s.recv(1 << 20)
            fields, pos = {}, 0
            while pos < len(data):
                nl = data.find(b"\n", pos)
                if nl < 0:
                    break
                line = data[pos:nl]
                if b"=" in line:
                    k, v = line.split(b"=", 1)
                    pos = nl + 1
                else:   # binary-safe form: NAME\n<le64 size><data>\n
                    k = line
                    size = struct.unpack("<Q", data[nl + 1:nl + 9])[0]
                    v = data[nl + 9:nl + 9 + size]
                    pos = nl + 9 + size + 1
                fields[k.decode()] = v.decode("utf-8", "replace")
            f.write(json.dumps(fields) + "\n")
            f.flush()


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        sys.exit(2)
    mode = sys.argv[1]
    if mode == "hooks":
        hooks(sys.argv[2], int(sys.argv[3]), sys.argv[4],
              int(sys.argv[5]) if len(sys.argv) > 5 else 200)
    elif mode == "sse":
        sse(sys.argv[2], sys.argv[3], float(sys.argv[4]) if len(sys.argv) > 4 else 30.0)
    elif mode == "metrics":
        metrics(sys.argv[2])
    elif mode == "journal":
        journal(sys.argv[2], sys.argv[3])
    else:
        print(__doc__)
        sys.exit(2)


if __name__ == "__main__":
    main()
