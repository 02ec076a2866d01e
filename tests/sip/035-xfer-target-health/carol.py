#!/usr/bin/env python3
"""035-xfer-target-health: carol, the live target: answers tandemd's OPTIONS probes 200 (the
UA does), and the transfer's INVITE with media on port 32000, but sends RTP first, from that
port to the relay port offered, until the relay has latched to it (a phone that sends as it
answers, read before tandemd reads its 200: once taken for the old party and never heard);
then answers the BYE at the end and exits."""
import json
import socket
import struct
import sys
import time
from sipua import UA, ctl, env, run, sdp_addr, wait_for

ME = (env("CALLEE2_IP"), 32000)


def b_latched():
    """the relay's side B (bob's, then the transfer target's) latched to ME"""
    calls = json.loads(ctl("--json", "calls"))["calls"]
    if not calls:
        return False
    c = json.loads(ctl("--json", "call", str(calls[0]["id"])))["call"]
    return c["streams"][0]["b"].get("latched") == "%s:%d" % ME


def main():
    ua = UA("carol", env("CALLEE2_IP"), int(env("CALLEE2_PORT")), answer_options=True)
    print("listening", flush=True)
    end = time.monotonic() + 50
    answered = False
    while time.monotonic() < end:
        m = ua._recv(0.1)
        if m is None or m == "dup" or not m.is_request:
            continue
        if m.method == "INVITE" and not answered:
            relay = sdp_addr(m.body)
            rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            rtp.bind(ME)
            seq = [0]

            def send_and_check():
                seq[0] += 1
                rtp.sendto(struct.pack("!BBHII", 0x80, 0, seq[0], seq[0] * 160, 0x0c0a) +
                           b"\xff" * 160, relay)
                return b_latched()
            wait_for(send_and_check, 5, "the relay latched to carol before her answer")
            rtp.close()
            print("latched before the answer after %d packets" % seq[0], flush=True)
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
