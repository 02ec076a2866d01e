# 198-redirect: a target's 302 followed through the routing rules in q order (with Diversion),
# relayed on a route with redirect = "relay", and bounded by max_redirects.
. "$(dirname "${BASH_SOURCE[0]}")/../sipua.sh"
py_start redirect 60 redirect.py
expect_py redirect
log_has 'redirect: no route takes sip:9000@.*: passed over' || fail "no log line for the barred Contact"
log_has 'redirect 302 not followed: 2 hops already' || fail "no log line for the hop limit"
wait_active 0
wait_until 5 "three records" eval '[ "$(wc -l < "$T/calls.json")" -ge 3 ]'
jq -s -e 'map(select(.ruri_user == "1000"))[0] | .code == 200 and (.targets | length) == 3' "$T/calls.json" > /dev/null ||
	fail "the followed call's record: $(grep '"1000"' "$T/calls.json")"
