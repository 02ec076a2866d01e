#!/usr/bin/env python3
"""023-nat-tcp: bob (UDP, $CALLEE) answers, then hangs up once $T/bye-now exists (test.sh
makes it when the caller got a keepalive over its TCP connection)."""
import os
import time

from sipua import UA, env, fail, note, run


def main():
    bob = UA("bob", env("CALLEE_IP"), int(env("CALLEE_PORT")))
    inv = bob.wait_request("INVITE", timeout=10)
    d = bob.answer(inv, 31000)
    flag = os.path.join(env("T"), "bye-now")
    end = time.monotonic() + 20
    while not os.path.exists(flag):
        if time.monotonic() > end:
            fail("no word from test.sh to hang up within 20 s")
        time.sleep(0.1)
    d.bye()
    note("bob hung up")


run(main)
