# 022-nat-signalling: NATed parties (Contact/Via/SDP on 10.9.9.x, packets from loopback) get
# every request of their dialog at their real address, and keepalives while the call lasts.
. "$(dirname "${BASH_SOURCE[0]}")/../sipua.sh"
ip route get 10.9.9.9 > /dev/null 2>&1 && fail "10.9.9.9 has a route here: not a namespace of its own?"

# bad values: file and line
printf 'listen = ( { transport = "udp"; address = "%s";\n  nat = "maybe"; } );\n' "$TANDEM_IP" > "$T/bad.conf"
out=$("$TANDEMD" -t -c "$T/bad.conf" 2>&1) && fail "tandemd -t accepts nat = maybe"
grep -q -E "bad.conf:2: 'nat' must be \"auto\", \"force\" or \"off\"" <<< "$out" || fail "tandemd -t said: $out"
note "bad: $out"

PART=caller py_start caller 40 parties.py
expect_py caller
wait_active 0
log_has "caller behind NAT: its requests go to $CALLER_IP:$CALLER_PORT \(Via 10.9.9.9:5060\)" ||
	fail "tandemd did not log the NATed caller"

PART=callee py_start callee 40 parties.py
expect_py callee
wait_active 0
log_has "callee behind NAT: its requests go to $CALLEE_IP:$CALLEE_PORT \(Contact 10.9.9.8:5060\)" ||
	fail "tandemd did not log the NATed callee"

PART=off py_start off 40 parties.py
expect_py off
wait_until 40 "the call of nat = off to end (its BYE to 10.9.9.9 fails)" active_is 0
