# 263-interop-linphone-srtp: linphonec (SDES SRTP) -> tandemd -> linphonec (plain RTP).
. "$(dirname "${BASH_SOURCE[0]}")/../interop.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../linphone.sh"
TONE_ALICE=440 TONE_BOB=1000

lin_start bob lin-bob.rc 150 -a		# on $CALLEE2, auto-answer
lin_start alice lin-alice.rc 150		# on $CALLER_IP:5070
lin_sound alice "$TONE_ALICE" 60
lin_sound bob "$TONE_BOB" 60

lin_cmd alice "call sip:bob@$TANDEM"
lin_wait alice "Call 1 with .* connected"
lin_wait bob "Call 1 with .* connected"
wait_until 5 "the call answered in tandemd" answered_is 1
id=$(call_id_of_first)
[ -n "$id" ] || fail "no call in tandemd"
# the INVITE alice sent offers SDES SRTP (RTP/SAVP with a=crypto), the one bob got plain RTP
grep -Eq ' sip:    m=audio [0-9]+ RTP/SAVP ' "$T/tandemd.log" || fail "alice's offer is not RTP/SAVP"
[ "$(stream_get "$id" .a.srtp)" != null ] || fail "alice's leg is not SRTP in the relay"
[ "$(stream_get "$id" .b.srtp)" = null ] || fail "bob's leg is SRTP in the relay"
note "relay: leg a srtp=$(stream_get "$id" .a.srtp), leg b plain"
audio_both_ways "$id"
lin_mark alice bob	# where each phone's own recording is now: checked from there at the end
expect_heard "$id" b "$TONE_ALICE" "bob's phone"	# alice's tone, decrypted by tandemd
[ "$(stream_get "$id" .a.dropped_auth)" -le 1 ] ||
	fail "tandemd dropped $(stream_get "$id" .a.dropped_auth) packets of alice as unauthentic"

audio_both_ways "$id"	# each phone's recording holds 2.5 s past its mark, at least
lin_cmd alice "terminate 1"
lin_wait alice "Call 1 with .* ended"
lin_wait bob "Call 1 with .* ended"
wait_active 0
log_has "ending reason=bye-caller code=200" || fail "tandemd did not log a clean BYE from the caller"
lin_stop alice
lin_stop bob
lin_heard alice "$TONE_BOB"	# through tandemd's encryption
lin_heard bob "$TONE_ALICE"
! grep -q 'inline:' "$T/tandemd.log" || fail "a key appears in tandemd's log"
wait_until 5 "the relay to give its streams and ports back" media_idle
