# 279-hangup-code: tandemctl hangup gives the same code in the call.ended event and the record.
. "$(dirname "${BASH_SOURCE[0]}")/../ops.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../sipua.sh"
REC=$T/calls.json
rec() {		# rec N JQ: a value of record N (1-based)
	sed -n "${1}p" "$REC" | jq -r "$2"
}
state_of() {	# state_of ID: the state of call ID in tandemctl calls
	ctl --json calls | jq -r --argjson id "$1" '.calls[] | select(.id == $id) | .state'
}
events_start "$T/events.txt" call.ended
py_start calls 40 calls.py
wait_until 10 "call 1 answered" eval '[ "$(state_of 1)" = confirmed ]'
ctl hangup 1 > /dev/null || fail "tandemctl hangup 1 failed"
wait_until 10 "call 2 ringing" eval '[ "$(state_of 2)" = early ]'
ctl hangup 2 > /dev/null || fail "tandemctl hangup 2 failed"
expect_py calls
wait_active 0
wait_until 5 "two records" eval '[ -f "$REC" ] && [ "$(wc -l < "$REC")" = 2 ]'
wait_until 5 "two call.ended events" lines_at_least "$T/events.txt" 2
ev() {		# ev ID JQ: a value of call ID's call.ended event
	jq -r --argjson id "$1" "select(.call == \$id) | $2" "$T/events.txt"
}
note "call 1: event $(ev 1 '[.reason, .code] | @tsv'), record $(rec 1 '[.reason, .code, .ended_by] | @tsv')"
[ "$(ev 1 '[.reason, .code] | @tsv')" = "$(printf 'hangup\t200')" ] || fail "call 1 event: $(ev 1 .)"
[ "$(rec 1 '[.call, .reason, .code, .ended_by] | @tsv')" = "$(printf '1\thangup\t200\toperator')" ] ||
	fail "call 1 record: $(sed -n 1p "$REC")"
log_has "call=1 .*ending reason=hangup code=200 " || fail "call 1's ending line does not say code=200"
[ "$(ev 2 '[.reason, .code] | @tsv')" = "$(printf 'hangup\t503')" ] || fail "call 2 event: $(ev 2 .)"
[ "$(rec 2 '[.call, .reason, .code, .ended_by] | @tsv')" = "$(printf '2\thangup\t503\toperator')" ] ||
	fail "call 2 record: $(sed -n 2p "$REC")"
