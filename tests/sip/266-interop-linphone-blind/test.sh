# 266-interop-linphone-blind: linphonec transfers linphonec to baresip (blind); the transferee
# and the target hear each other.
. "$(dirname "${BASH_SOURCE[0]}")/../interop.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../linphone.sh"
PHONES=$SRC/../261-xfer-linphone-after-hold	# the same three phones as 261
TONE_ALICE=440 TONE_CAROL=1000

ua_launch carol "$PHONES/ua-carol.config" "$PHONES/ua-carol.accounts" 60	# $CALLEE2, auto
lin_start bob "$PHONES/lin-bob.rc" 60 -a		# on $CALLEE, auto-answer
lin_start alice "$PHONES/lin-alice.rc" 60		# on $CALLER_IP:5070
lin_tone_wav "$T/alice.wav" "$TONE_ALICE" 30
lin_cmd bob "soundcard use files"
lin_cmd alice "soundcard use files"
lin_cmd alice "play $T/alice.wav"
lin_wait alice "Using wav files instead of soundcard"
lin_wait bob "Using wav files instead of soundcard"
ua_wait_ready carol

lin_cmd alice "call sip:bob@$TANDEM_IP"
lin_wait alice "Call 1 with .* connected"
lin_wait bob "Call 1 with .* connected"
wait_until 5 "the call answered in tandemd" answered_is 1
id=$(call_id_of_first)
[ -n "$id" ] || fail "no call in tandemd"
relay_mark "$id"	# alice's audio reaches bob (bob plays nothing: linphonec then sends none)
wait_until 5 "50 more packets toward bob" relay_sent_grows "$id" b 50

lin_cmd bob "transfer 1 sip:carol@$TANDEM_IP"
ua_wait_event carol CALL_ESTABLISHED 10
wait_until 10 "the blind transfer" log_has "transfer: sip:carol@.* answered, leg B replaced"
lin_wait bob "Call 1 with .* ended" 10
wait_active 1
[ "$(call_id_of_first)" = "$id" ] || fail "alice's call did not survive the transfer"
lin_has alice "Call 1 with .* ended" && fail "alice's call ended with the transfer"
audio_both_ways "$id"
expect_heard "$id" a "$TONE_CAROL" "alice's phone"	# carol, through tandemd
heard_from=$(ua_heard_seconds carol)

lin_cmd alice "terminate 1"
lin_wait alice "Call 1 with .* ended"
ua_wait_event carol CALL_CLOSED 10
wait_active 0
log_has "ending reason=bye-caller code=200" || fail "tandemd did not log a clean BYE from alice"
wait_until 5 "the relay to give its streams and ports back" media_idle
lin_stop alice
lin_stop bob
ua_stop carol
expect_tone carol "$TONE_ALICE" "$(awk -v s="$heard_from" 'BEGIN { print (s > 1.5 ? s - 1.5 : 0) }')"
