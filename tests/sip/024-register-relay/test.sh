# 024-register-relay: phones -> tandemd -> PBX; challenges end to end; a call to the binding.
. "$(dirname "${BASH_SOURCE[0]}")/../sipua.sh"

printf 'routes = ( { name = "r"; targets = ( "sip:%s" );\n  register = "maybe"; } );\n' "$CALLEE" > "$T/bad.conf"
out=$("$TANDEMD" -t -c "$T/bad.conf" 2>&1) && fail "tandemd -t accepts register = maybe"
grep -q -E "bad.conf:2: 'register' must be \"relay\", \"reject\" or \"off\"" <<< "$out" ||
	fail "tandemd -t said: $out"
note "bad: $out"

py_start parties 40 parties.py
expect_py parties
log_has "registration tb[0-9a-f]{16} of sip:alice@pbx.test added: sip:alice@$CALLEE2 at $CALLEE2 \(udp\)" ||
	fail "tandemd did not log the binding"
log_has "registration tb[0-9a-f]{16} of sip:alice@pbx.test removed \(unregistered\)" ||
	fail "tandemd did not log the un-REGISTER"
wait_active 0
