# 197-interop-baresip-blind: baresip transfers baresip to baresip; transferee and target
# hear each other.
. "$(dirname "${BASH_SOURCE[0]}")/../interop.sh"
bua_launch bob "$CALLEE2_IP:5080" 1000 bob ";answermode=auto"
bua_launch carol "$CALLEE_IP:5080" 2000 carol ";answermode=auto"
bua_launch alice "$CALLER_IP:5070" 440 alice
bua_wait bob carol alice
ua_cmd alice dial "sip:bob@$TANDEM"
ua_wait_event bob CALL_ESTABLISHED 10
ua_wait_event alice CALL_ESTABLISHED 10
wait_until 5 "the call answered in tandemd" answered_is 1
id=$(call_id_of_first)
[ -n "$id" ] || fail "no call in tandemd"
audio_both_ways "$id"
expect_heard_both "$id" 1000 440

ua_cmd bob transfer "sip:carol@$TANDEM_IP"
ua_wait_event carol CALL_ESTABLISHED 10
wait_until 10 "the transfer to complete" log_has "transfer: .* answered, leg B replaced"
ua_wait_event bob CALL_CLOSED 10
grep '"type":"CALL_CLOSED"' "$T/ua-bob/events" | grep -q "Call transfered" ||
	fail "bob's phone closed its call but not as transferred: $(grep CALL_CLOSED "$T/ua-bob/events")"
! ua_has_event bob CALL_TRANSFER_FAILED || fail "bob's phone reports a failed transfer"
! ua_has_event alice CALL_CLOSED || fail "alice's call ended with the transfer"
[ "$(call_id_of_first)" = "$id" ] || fail "the call is not the same call after the transfer"
from_alice=$(ua_heard_seconds alice)
audio_both_ways "$id"
expect_heard_both "$id" 2000 440	# alice hears carol, carol hears alice

ua_cmd alice hangup
ua_wait_event alice CALL_CLOSED 10
ua_wait_event carol CALL_CLOSED 10
wait_active 0
log_has "ending reason=bye-caller code=200" || fail "tandemd did not log a clean BYE from alice"
ua_stop alice
ua_stop carol
ua_stop bob
# what the phones themselves decoded: carol heard alice; alice heard carol after the transfer
expect_tone carol 440
expect_tone alice 2000 "$(awk -v s="$from_alice" 'BEGIN { print s + 0.5 }')"
wait_until 5 "the relay to give its streams and ports back" media_idle
