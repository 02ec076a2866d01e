# 281-dtmf-baresip-info: baresip (RFC 4733) <-> tandemd <-> sipua bob (SIP INFO). See README.
. "$(dirname "${BASH_SOURCE[0]}")/../media.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../sipua.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../ops.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../baresip.sh"

events_start "$T/ev.txt" call.dtmf
ua_start a ua-a.config ua-a.accounts 90	# first: it takes long to start on a busy machine
py_start bob 60 bob.py
wait_until 5 "bob listening on $CALLEE" bound_udp "$CALLEE"
ua_cmd a dial "sip:bob@$TANDEM"
ua_wait_event a CALL_ESTABLISHED 10
wait_until 5 "the call answered in tandemd" answered_is 1
infos() { [ -f "$T/infos" ] && [ "$(wc -l < "$T/infos")" -ge "$1" ]; }
n=0
for d in 1 5 9 '#'; do	# one digit at a time: each its own RFC 4733 event
	n=$((n + 1))
	ua_cmd a sndcode "$d"
	wait_until 10 "bob's INFO for digit $n ($d)" infos "$n"
done
got=$(cut -d' ' -f1 "$T/infos" | tr -d '\n')
[ "$got" = "159#" ] || fail "bob got the digits '$got' by INFO, want '159#'"
# baresip reports the digits tandemd made of bob's INFOs (7 by dtmf-relay, 3 by dtmf)
dtmf_in() {	# the events file also holds lines that are no JSON ("connected")
	grep '"type":"CALL_DTMF_START"' "$T/ua-a/events" | sed 's/.*"param":"\([^"]*\)".*/\1/' |
		tr -d '\n'
}
dtmf_in_is() { [ "$(dtmf_in)" = "$1" ]; }
wait_until 10 "baresip a to report the digits 7 and 3" dtmf_in_is 73
wait_until 5 "six call.dtmf events" lines_at_least "$T/ev.txt" 6
# the events: what each leg sent, by which method, with the durations bob's INFOs carried
jq -r '"\(.leg) \(.digit) \(.method)"' "$T/ev.txt" > "$T/ev-short.txt"
want=$'a 1 rfc4733\na 5 rfc4733\na 9 rfc4733\na # rfc4733\nb 7 info\nb 3 info'
[ "$(cat "$T/ev-short.txt")" = "$want" ] || fail "call.dtmf events: $(tr '\n' ',' < "$T/ev-short.txt")"
evd=$(jq -r 'select(.leg == "a") | .duration' "$T/ev.txt" | tr '\n' ' ')
infod=$(cut -d' ' -f2 "$T/infos" | tr '\n' ' ')
[ "$evd" = "$infod" ] || fail "durations: events $evd, INFOs $infod"
for v in $infod; do
	[ "$v" -ge 20 ] && [ "$v" -le 5000 ] || fail "an INFO Duration of $v ms"
done
[ "$(jq -r 'select(.leg == "b" and .digit == "7") | .duration' "$T/ev.txt")" = 200 ] ||
	fail "the event of bob's Signal=7 has not his Duration=200"
# the relay read four events and lost none (tandemctl status)
[ "$(status_get .media.dtmf_events)" = 4 ] || fail "media.dtmf_events is $(status_get .media.dtmf_events)"
[ "$(status_get .media.dtmf_lost)" = 0 ] || fail "media.dtmf_lost is $(status_get .media.dtmf_lost)"
ua_cmd a hangup
ua_wait_event a CALL_CLOSED 10
expect_py bob
wait_active 0
REC=$T/calls.json
wait_until 5 "the call's record" test -s "$REC"
[ "$(jq -c .dtmf "$REC")" = '{"a":4,"b":2}' ] || fail "record dtmf: $(jq -c .dtmf "$REC")"
ua_stop a
