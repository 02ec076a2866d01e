# 176-identity: P-Asserted-Identity and Privacy (RFC 3325, RFC 3323) between trusted and
# untrusted parties; a route's identity settings and add_headers with ${...} variables.
. "$(dirname "${BASH_SOURCE[0]}")/../sipua.sh"
py_start ident 40 ident.py "$TEST_NET.4"
expect_py ident
log_has 'caller asked for privacy [(]id[)]: anonymous From' || fail "no log line for the anonymised From"
wait_active 0
# the records keep who called, whatever the target was shown
wait_until 5 "five records" eval '[ "$(wc -l < "$T/calls.json")" -ge 5 ]'
[ "$(jq -r 'select(.ruri_user == "2555") | .from' "$T/calls.json")" = alice ] ||
	fail "the anonymised call's record does not name alice: $(grep 2555 "$T/calls.json")"
[ "$(jq -r 'select(.ruri_user == "3558") | .from' "$T/calls.json")" = mallory ] ||
	fail "the record of the call with the route's From does not name mallory"
