#!/usr/bin/env python3
"""178-target-health: a carrier that answers OPTIONS as its mode file says (200, 503, or
silent) and every INVITE 486, printing "INVITE" for each; exits when the mode is "exit"."""
import sys
import time
from sipua import UA, run

NAME, IP, PORT, MODE = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]


def mode():
    try:
        with open(MODE) as f:
            return f.read().strip()
    except OSError:
        return "200"


def main():
    ua = UA(NAME, IP, PORT)
    print("listening", flush=True)
    end = time.monotonic() + 120
    while time.monotonic() < end and mode() != "exit":
        m = ua._recv(0.1)
        if m is None or m == "dup" or not m.is_request:
            continue
        if m.method == "OPTIONS":
            md = mode()
            if md in ("200", "503"):
                ua.respond(m, int(md), reason="OK" if md == "200" else "Service Unavailable")
        elif m.method == "INVITE":
            print("INVITE %s" % m.call_id, flush=True)
            ua.respond(m, 486, to_tag="busy")


run(main)
