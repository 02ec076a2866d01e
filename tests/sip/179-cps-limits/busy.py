#!/usr/bin/env python3
"""179-cps-limits: a callee that answers every INVITE 486 until its stop file exists."""
import os
import sys
import time
from sipua import UA, run

NAME, IP, PORT, STOP = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]


def main():
    ua = UA(NAME, IP, PORT)
    end = time.monotonic() + 60
    while time.monotonic() < end and not os.path.exists(STOP):
        m = ua._recv(0.1)
        if m is not None and m != "dup" and m.is_request and m.method == "INVITE":
            ua.respond(m, 486, to_tag="busy")


run(main)
