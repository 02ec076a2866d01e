# 283-dtmf-no-te: an rfc4733 leg without telephone-event gets the digits as INFO. See README.
. "$(dirname "${BASH_SOURCE[0]}")/../sipua.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../ops.sh"

events_start "$T/ev.txt" call.dtmf
py_start parties 30 parties.py
expect_py parties
wait_active 0
wait_until 5 "the call.dtmf event" lines_at_least "$T/ev.txt" 1
[ "$(jq -c '[.leg, .digit, .duration, .method]' "$T/ev.txt")" = '["a","5",160,"info"]' ] ||
	fail "call.dtmf events: $(cat "$T/ev.txt")"
log_has "dtmf: leg B has no telephone-event in its SDP: the digit crosses as INFO" ||
	fail "tandemd did not log why the digit crossed as INFO"
REC=$T/calls.json
wait_until 5 "the call's record" test -s "$REC"
[ "$(jq -c .dtmf "$REC")" = '{"a":1,"b":0}' ] || fail "record dtmf: $(jq -c .dtmf "$REC")"
