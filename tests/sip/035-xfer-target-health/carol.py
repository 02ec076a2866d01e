#!/usr/bin/env python3
"""035-xfer-target-health: carol, the live target: answers tandemd's OPTIONS probes 200,
answers the transfer's INVITE with media on port 32000, and the BYE at the end; exits then."""
import sys
import time
from sipua import UA, env, run


def main():
    ua = UA("carol", env("CALLEE2_IP"), int(env("CALLEE2_PORT")))
    print("listening", flush=True)
    end = time.monotonic() + 50
    answered = False
    while time.monotonic() < end:
        m = ua._recv(0.1)
        if m is None or m == "dup" or not m.is_request:
            continue
        if m.method == "OPTIONS":
            ua.respond(m, 200)
        elif m.method == "INVITE" and not answered:
            ua.answer(m, 32000, ring=True)
            answered = True
            print("answered %s" % m.hdr("from"), flush=True)
        elif m.method == "BYE":
            ua.respond(m, 200)
            print("bye", flush=True)
            return
        elif m.method != "ACK":
            ua.respond(m, 200)
    sys.exit("carol: no BYE in time")


run(main)
