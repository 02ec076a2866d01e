# 278-records-auth-user: auth_user, ruri_user (the caller's) and ruri_user_out in records.
. "$(dirname "${BASH_SOURCE[0]}")/../ops.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../sipua.sh"
REC=$T/calls.json
rec() {		# rec N JQ: a value of record N (1-based)
	sed -n "${1}p" "$REC" | jq -r "$2"
}
events_start "$T/events.txt"
py_start calls 40 calls.py
expect_py calls
wait_active 0
wait_until 5 "three records" eval '[ -f "$REC" ] && [ "$(wc -l < "$REC")" = 3 ]'
note "records: $(jq -c '[.call, .route, .auth_user, .ruri_user, .ruri_user_out, .code]' "$REC" | tr '\n' ' ')"
[ "$(rec 1 '[.route, .auth_user, .ruri_user, .ruri_user_out, .code] | @tsv')" = \
	"$(printf 'pstn\talice\t0301234\t+49301234\t200')" ] || fail "record 1: $(sed -n 1p "$REC")"
[ "$(rec 2 '[.route, (.auth_user | tostring), .ruri_user, .ruri_user_out, .code] | @tsv')" = \
	"$(printf 'open\tnull\topen\topen\t200')" ] || fail "record 2: $(sed -n 2p "$REC")"
[ "$(rec 3 '[.route, .auth_user, .ruri_user, .reason, .code] | @tsv')" = \
	"$(printf 'barred\talice\t00441234\troute-reject\t403')" ] || fail "record 3: $(sed -n 3p "$REC")"
wait_until 5 "the call.created events" eval \
	'[ "$(jq -s "map(select(.event == \"call.created\")) | length" "$T/events.txt")" = 3 ]'
[ "$(jq -r 'select(.event == "call.created" and .call == 1) | .auth_user' "$T/events.txt")" = alice ] ||
	fail "call.created of call 1 lacks auth_user"
[ "$(jq -r 'select(.event == "call.created" and .call == 2) | .auth_user | tostring' "$T/events.txt")" = null ] ||
	fail "call.created of call 2 has an auth_user"
