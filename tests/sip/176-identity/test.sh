# 176-identity: P-Asserted-Identity and Privacy (RFC 3325, RFC 3323) between trusted and
# untrusted parties; a route's identity settings and add_headers with ${...} variables.
. "$(dirname "${BASH_SOURCE[0]}")/../sipua.sh"
py_start ident 40 ident.py "$TEST_NET.4"
expect_py ident
log_has 'caller asked for privacy [(]id[)]: anonymous From' || fail "no log line for the anonymised From"
wait_active 0
