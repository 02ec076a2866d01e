# 029-register-tls: a phone that registered over TLS gets the PBX's call over its connection.
. "$(dirname "${BASH_SOURCE[0]}")/../tls.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../sipua.sh"
tls_self_signed tandem "$TANDEM_IP"
tls_tandemd "$SRC/tandemd-tls.conf"
TLS_PORT=$TANDEM_TLS_PORT py_start parties 30 parties.py
expect_py parties
log_has "registration tb[0-9a-f]{16} of sip:alice@pbx.test added: sip:alice@$TEST_NET.9:5061;transport=tls at $CALLEE2_IP:[0-9]+ \(tls, NAT\), 60 s" ||
	fail "tandemd did not log the TLS binding"
tls_tandemd_stop
