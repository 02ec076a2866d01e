#!/usr/bin/env python3
"""026-register-baresip: the PBX, a registrar that challenges; serves REGISTERs until alice
un-registers (or its time runs out); writes the Contact it holds for her to $T/token."""
import os

from sipua import env, fail, note, run
from regua import Registrar

AOR_USER = "alice"


def main():
    # baresip sends its un-REGISTER as it exits, and may exit before it answers a challenge
    # to it (its SIP stack closes once no transaction is left): the un-REGISTER is taken as
    # it comes; the challenge and the credentials relayed are checked on the REGISTER
    pbx = Registrar("pbx", env("CALLEE_IP"), int(env("CALLEE_PORT")), {"alice": "s3cret"},
                    trust_unregister=True)
    bound = False
    while True:
        req, code = pbx.serve(timeout=50)
        aor = [a for a in pbx.bindings if AOR_USER in a]
        if code == 200 and aor and pbx.bindings[aor[0]]:
            if not bound:
                if pbx.answers[:1] != [401]:
                    fail("the PBX did not challenge alice first: %s" % pbx.answers)
                with open(os.path.join(env("T"), "token.tmp"), "w") as f:
                    f.write(list(pbx.bindings[aor[0]])[0])
                os.rename(os.path.join(env("T"), "token.tmp"), os.path.join(env("T"), "token"))
                note("the PBX holds %s for %s" % (list(pbx.bindings[aor[0]])[0], aor[0]))
                bound = True
        elif code == 200 and bound:
            note("alice un-registered: the PBX holds nothing for her")
            return

run(main)
