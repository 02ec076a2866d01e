# 251-auth-digest: 401 challenges (SHA-256, MD5), success with each, wrong password, replayed
# nonce and stale nonce, another Request-URI, an unknown user, a nonce of another address, a
# header too long, a REFER outside a dialog; see README.
. "$(dirname "${BASH_SOURCE[0]}")/../sipua.sh"
py_start caller 40 caller.py
expect_py caller
wait_active 0
expect_stat .calls.answered 3
expect_stat .calls.total 3
log_has "auth failed from ${CALLER_IP//./\\.}: user 'alice' realm 'tandem' reason wrong-password" ||
	fail "no fail2ban line for the wrong password"
log_has "auth failed from ${CALLER_IP//./\\.}: user 'alice' realm 'tandem' reason replayed-nonce" ||
	fail "no fail2ban line for the replayed nonce"
log_has "auth failed from ${CALLER_IP//./\\.}: user 'nobody' realm 'tandem' reason unknown-user" ||
	fail "no fail2ban line for the unknown user"
# wrong password, replayed nonce, unknown user, the REFER with an INVITE's digest; nothing for
# the request URI mismatch, the forged nonce or mallory's use of alice's nonce
[ "$(log_count "auth failed from")" = 4 ] || fail "want exactly 4 failed authentications logged"
! log_has "auth failed from ${CALLEE2_IP//./\\.}" || fail "a nonce of another address counted"
log_has "SIP/2.0 400 Authorization URI Mismatch" || fail "no 400 for the other Request-URI"
log_has "REFER outside a dialog from alice .* forwarded to sip:pbx@$CALLEE" ||
	fail "the authenticated REFER was not forwarded"
[ "$(log_count "forwarded to sip:pbx@")" = 1 ] || fail "an unauthenticated REFER was forwarded"
log_has "Authorization: \[redacted\]" || fail "the trace does not show the redacted Authorization"
! grep -q "s3cret-Pw" "$T/tandemd.log" || fail "the password reached the log"
! grep -qi "response=\"[0-9a-f]" "$T/tandemd.log" || fail "a digest response reached the log"
