#!/usr/bin/env python3
"""176-identity: alice (trusted source) and mallory (untrusted) call through tandemd to
bob; bob checks what each INVITE says of the caller, and answers 486."""
import json
import sys
from sipua import UA, run, fail, note, env, uri_of, ctl

NET = env("TEST_NET")
PAI = "P-Asserted-Identity: <sip:+4930111@carrier.example>"


def through(caller, user, headers):
    """caller INVITEs user with headers; bob gets it, answers 486; returns bob's INVITE."""
    global last_tx
    tx = last_tx = caller.invite(user, 26000, headers)
    inv = bob.wait_request("INVITE", timeout=10)
    bob.respond(inv, 486, to_tag="b" + user)
    caller.wait_final(tx, want=486)
    return inv


def want(inv, name, value, what):
    got = inv.hdr(name)
    if got != value:
        fail("%s: %s is %r, want %r" % (what, name, got, value))


def main():
    global bob
    alice = UA("alice", NET + ".2", 5070)
    mallory = UA("mallory", sys.argv[1], 5070)
    bob = UA("bob", NET + ".2", 5080)

    # 1. trusted caller, trusted target: PAI and Privacy pass, From stays; variables
    inv = through(alice, "1555", [PAI, "Privacy: id", "P-Preferred-Identity: <sip:x@y>",
                                  "Subject: lunch", "Call-Info: <http://x.example/a.png>;purpose=icon",
                                  "Priority: urgent"])
    want(inv, "p-asserted-identity", "<sip:+4930111@carrier.example>", "trusted to trusted")
    want(inv, "privacy", "id", "trusted to trusted")
    want(inv, "p-preferred-identity", None, "trusted to trusted")
    if "sip:alice@" not in inv.hdr("from"):
        fail("trusted to trusted: From %r lost the caller" % inv.hdr("from"))
    want(inv, "x-call", "carrier 1555>+49555 from %s.2" % NET, "add_headers variables")
    want(inv, "x-cost", "$0.02", "add_headers $$")
    node = json.loads(ctl("--json", "status"))["node"]
    want(inv, "x-ids", "%s %s" % (last_tx.dialog.call_id, node), "${call_id} ${node}")
    want(inv, "subject", "lunch", "a header sofia parses")
    want(inv, "call-info", "<http://x.example/a.png>;purpose=icon", "a header sofia parses")
    want(inv, "priority", None, "remove_headers of a header sofia parses")
    note("trusted -> trusted: PAI and Privacy kept, From kept, X-Call %s" % inv.hdr("x-call"))

    # 2. trusted caller with Privacy: id, untrusted target: no PAI, anonymous From
    inv = through(alice, "2555", [PAI, "Privacy: id"])
    want(inv, "p-asserted-identity", None, "trusted to untrusted")
    want(inv, "privacy", "id", "trusted to untrusted")
    frm = inv.hdr("from")
    if uri_of(frm) != "sip:anonymous@anonymous.invalid" or not frm.startswith('"Anonymous"'):
        fail("trusted to untrusted with privacy: From is %r" % frm)
    note("trusted -> untrusted with Privacy: id: From %s" % frm)

    # 3. no privacy asked, untrusted target: no PAI, From stays
    inv = through(alice, "2556", [PAI])
    want(inv, "p-asserted-identity", None, "untrusted target")
    if "sip:alice@" not in inv.hdr("from"):
        fail("untrusted target without privacy: From %r" % inv.hdr("from"))

    # 4. untrusted caller forging a PAI toward a trusted target: removed
    inv = through(mallory, "1557", [PAI.replace("+4930111", "+4930999")])
    want(inv, "p-asserted-identity", None, "forged PAI from an untrusted source")
    note("untrusted source: its PAI removed")

    # 5. the route asserts the identity and sets the From
    inv = through(mallory, "3558", [])
    want(inv, "p-asserted-identity", "<sip:mallory@pbx.example.com>", "route pai")
    frm = inv.hdr("from")
    if uri_of(frm) != "sip:+4930mallory@pbx.example.com" or not frm.startswith('"Example mallory"'):
        fail("route from_*: From is %r" % frm)
    note("route asserts %s, From %s" % (inv.hdr("p-asserted-identity"), frm))


run(main)
