# 277-metrics-auth: auth refusals by reason and ACL refusals in /metrics, and their log lines.
. "$(dirname "${BASH_SOURCE[0]}")/../ops.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../sipua.sh"
py_start calls 40 calls.py
expect_py calls
wait_active 0
metrics_get
expect_metric 'tandem_auth_refused_total{reason="no-credentials"}' 3
expect_metric 'tandem_auth_refused_total{reason="wrong-password"}' 1
expect_metric 'tandem_auth_refused_total{reason="uri-mismatch"}' 1
expect_metric 'tandem_auth_refused_total{reason="unknown-user"}' 0
expect_metric 'tandem_auth_refused_total{reason="stale-nonce"}' 0
expect_metric 'tandem_auth_ok_total' 1
expect_metric 'tandem_acl_refused_total{acl="route",action="403"}' 1
expect_metric 'tandem_acl_refused_total{acl="auth",action="403"}' 0
expect_metric 'tandem_calls_answered_total' 1
ip=${CALLER_IP//./\\.}
log_has "notice +auth refused from $ip: user 'alice' realm 'tandem' reason uri-mismatch \\(400\\)$" ||
	fail "no notice line for the uri mismatch"
log_has "auth failed from $ip: user 'alice' realm 'tandem' reason wrong-password" ||
	fail "no line for the wrong password"
log_has "acl: INVITE from ${CALLEE2_IP//./\\.} not allowed by route \"office\": 403" ||
	fail "no line for the ACL refusal"
# what fail2ban counts: the wrong password only, not the 400
[ "$(log_count "auth failed from")" = 1 ] || fail "want exactly one 'auth failed' line"
! grep -q "s3cret-Pw" "$T/tandemd.log" || fail "the password reached the log"
! grep -qi "response=" "$T/tandemd.log" || fail "a digest response reached the log"
