# 254-acl: auth.acl with reject, a route acl with drop; see README.
. "$(dirname "${BASH_SOURCE[0]}")/../sipua.sh"
py_start peers 30 peers.py
expect_py peers
wait_active 0
expect_stat .calls.total 1
expect_stat .calls.answered 1
out="${CALLEE2_IP//./\\.}"
log_has "acl: INVITE from $out not allowed by auth\.acl: 403" || fail "no acl line for the INVITE"
log_has "acl: OPTIONS from $out not allowed by auth\.acl: 403" || fail "no acl line for the OPTIONS"
log_has "acl: INVITE from ${CALLER_IP//./\\.} not allowed by route \"secret\": dropped" ||
	fail "no acl line for the dropped INVITE"
log_has "acl: REFER from ${CALLER_IP//./\\.} not allowed by route \"secret\": dropped" ||
	fail "no acl line for the dropped REFER"
