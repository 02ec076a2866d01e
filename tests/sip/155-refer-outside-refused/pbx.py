#!/usr/bin/env python3
"""The PBX of 155-refer-outside-refused: refuses the first REFER (403), accepts the second
(202) and then says nothing."""
from sipua import UA, Dialog, env, note, run


def main():
    pbx = UA("pbx", env("CALLEE_IP"), int(env("CALLEE_PORT")))
    req = pbx.wait_request("REFER", timeout=15)
    pbx.respond(req, 403, "Not Allowed Here", to_tag="pbx1")
    note("first REFER refused 403")
    req = pbx.wait_request("REFER", timeout=15)
    d = Dialog.from_request(pbx, req)
    pbx.respond(req, 202, headers=[pbx.contact()], to_tag=d.local_tag)
    note("second REFER accepted, no NOTIFY will follow")
    pbx.quiet(6, allow=("SUBSCRIBE",))


run(main)
