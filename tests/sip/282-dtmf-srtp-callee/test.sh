# 282-dtmf-srtp-callee: sipua alice (SIP INFO) <-> tandemd <-> baresip bob (RFC 4733 in
# SRTP). See README.
. "$(dirname "${BASH_SOURCE[0]}")/../media.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../sipua.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../ops.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../baresip.sh"

events_start "$T/ev.txt" call.dtmf
ua_start b ua-b.config ua-b.accounts 90
py_start alice 60 alice.py
ua_wait_event b CALL_ESTABLISHED 15
wait_until 5 "the call answered in tandemd" answered_is 1
grep -q '"type":"CALL_MENC".*"param":"0,audio,AES_CM_128_HMAC_SHA1_80"' "$T/ua-b/events" ||
	fail "baresip b reports no SRTP on its audio stream"
infos() { [ -f "$T/infos" ] && [ "$(wc -l < "$T/infos")" -ge "$1" ]; }
n=0
for d in 1 5 9 '#'; do	# one digit at a time: each its own RFC 4733 event
	n=$((n + 1))
	ua_cmd b sndcode "$d"
	wait_until 10 "alice's INFO for digit $n ($d)" infos "$n"
done
got=$(cut -d' ' -f1 "$T/infos" | tr -d '\n')
[ "$got" = "159#" ] || fail "alice got the digits '$got' by INFO, want '159#'"
dtmf_in() {	# the events file also holds lines that are no JSON ("connected")
	grep '"type":"CALL_DTMF_START"' "$T/ua-b/events" | sed 's/.*"param":"\([^"]*\)".*/\1/' |
		tr -d '\n'
}
dtmf_in_is() { [ "$(dtmf_in)" = "$1" ]; }
wait_until 10 "baresip b to report the digits 7 and 3" dtmf_in_is 73
wait_until 5 "six call.dtmf events" lines_at_least "$T/ev.txt" 6
jq -r '"\(.leg) \(.digit) \(.method)"' "$T/ev.txt" > "$T/ev-short.txt"
want=$'b 1 rfc4733\nb 5 rfc4733\nb 9 rfc4733\nb # rfc4733\na 7 info\na 3 info'
[ "$(cat "$T/ev-short.txt")" = "$want" ] || fail "call.dtmf events: $(tr '\n' ',' < "$T/ev-short.txt")"
evd=$(jq -r 'select(.leg == "b") | .duration' "$T/ev.txt" | tr '\n' ' ')
infod=$(cut -d' ' -f2 "$T/infos" | tr '\n' ' ')
[ "$evd" = "$infod" ] || fail "durations: events $evd, INFOs $infod"
id=$(call_id_of_first)
ctl --json call "$id" > "$T/call.json" || fail "tandemctl call $id failed"
note "leg b: $(jq -c '.call.streams[0].b' "$T/call.json")"
[ "$(jq -r .call.streams[0].b.srtp "$T/call.json")" = AES_CM_128_HMAC_SHA1_80 ] ||
	fail "the callee's leg is not SRTP in the relay"
[ "$(jq -r .call.streams[0].b.dropped_auth "$T/call.json")" -le 1 ] ||
	fail "tandemd could not authenticate bob's SRTP"
ua_cmd b hangup
ua_wait_event b CALL_CLOSED 10
expect_py alice
wait_active 0
REC=$T/calls.json
wait_until 5 "the call's record" test -s "$REC"
[ "$(jq -c .dtmf "$REC")" = '{"a":2,"b":4}' ] || fail "record dtmf: $(jq -c .dtmf "$REC")"
ua_stop b
# bob authenticated every packet, the spliced events (26 bytes with their tag) included, and
# the first ones too: baresip sends as it answers, its packets latch the relay's side before
# the SET with its keys, and until that SET nothing goes to bob (once, one packet of alice went
# in clear there)
errs=$(grep -a -c "srtp: failed to" "$T/ua-b/out")
[ "$errs" = 0 ] || fail "baresip b: $errs packets not SRTP, e.g. $(grep -a -m 1 "srtp: failed to" "$T/ua-b/out")"
