# 027-register-tcp: a NATed TCP phone registers; the PBX's call reaches it over its connection.
. "$(dirname "${BASH_SOURCE[0]}")/../sipua.sh"
ip route get 10.9.9.9 > /dev/null 2>&1 && fail "10.9.9.9 has a route here: not a namespace of its own?"
py_start parties 30 parties.py
expect_py parties
log_has "registration tb[0-9a-f]{16} of sip:alice@pbx.test added: sip:alice@10.9.9.9:5060;transport=tcp at $CALLEE2_IP:[0-9]+ \(tcp, NAT\), 60 s" ||
	fail "tandemd did not log the TCP binding"
log_has "registration tb[0-9a-f]{16} of sip:alice@pbx.test removed \(unregistered\)" ||
	fail "tandemd did not log the un-REGISTER"
