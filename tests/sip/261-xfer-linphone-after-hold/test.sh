# 261-xfer-linphone-after-hold: linphonec holds alice, consults carol and joins them.
. "$(dirname "${BASH_SOURCE[0]}")/../media.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../baresip.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../linphone.sh"
TONE_ALICE=440 TONE_CAROL=1000	# alice plays alice.wav; ausine,<Hz> in ua-carol.config

ua_launch carol ua-carol.config ua-carol.accounts 60	# on $CALLEE2, answermode=auto
lin_start bob lin-bob.rc 60 -a				# on $CALLEE, auto-answer
lin_start alice lin-alice.rc 60				# on $CALLER_IP:5070
lin_tone_wav "$T/alice.wav" "$TONE_ALICE" 30
lin_cmd bob "soundcard use files"
lin_cmd alice "soundcard use files"
lin_cmd alice "play $T/alice.wav"
lin_cmd alice "record $T/alice-heard.wav"
lin_wait alice "Using wav files instead of soundcard"
lin_wait bob "Using wav files instead of soundcard"
ua_wait_ready carol

# call 1: alice -> bob
lin_cmd alice "call sip:bob@$TANDEM_IP"
lin_wait alice "Call 1 with .* connected"
lin_wait bob "Call 1 with .* connected"
wait_until 5 "call 1 answered in tandemd" answered_is 1
id=$(call_id_of_first)

# bob holds alice, as linphonec does before it consults
lin_cmd bob "pause 1"
lin_wait bob "Call 1 with .* is now paused"
wait_until 5 "bob's hold in the relay" direction_is "$id" b sendonly
wait_until 5 "alice's answer to the hold" direction_is "$id" a recvonly
lin_wait alice "Call 1 has been paused by"

# call 2: bob -> carol, then the attended transfer
lin_cmd bob "call sip:carol@$TANDEM_IP"
ua_wait_event carol CALL_ESTABLISHED 10
lin_wait bob "Call 2 with .* connected"
lin_cmd bob "transfer 1 --to-call 2"
wait_until 10 "the attended transfer" log_has "attended transfer: leg B joined from call"
lin_wait bob "Call 1 with .* ended" 10
lin_wait bob "Call 2 with .* ended" 10
wait_active 1
[ "$(call_id_of_first)" = "$id" ] || fail "call 1 did not survive the transfer"

# nobody is left on bob's hold: both sides sendrecv, audio both ways
wait_until 10 "alice sendrecv again" direction_is "$id" a sendrecv
wait_until 10 "carol sendrecv" direction_is "$id" b sendrecv
a0=$(stream_get "$id" .a.packets) b0=$(stream_get "$id" .b.packets)
grows() {	# the relay got 75 packets (1.5 s) more from alice and from carol
	[ "$(stream_get "$id" .a.packets)" -ge $((a0 + 75)) ] &&
	[ "$(stream_get "$id" .b.packets)" -ge $((b0 + 75)) ]
}
wait_until 10 "1.5 s of audio from alice and from carol (tandemd.log's media line shows drops)" grows
note "relay: alice $(stream_get "$id" .a.packets) packets, carol $(stream_get "$id" .b.packets)"
lin_cmd alice "terminate 1"
lin_wait alice "Call 1 with .* ended"
ua_wait_event carol CALL_CLOSED 10
wait_active 0
wait_until 5 "the relay to give its streams and ports back" media_idle
lin_stop alice
lin_stop bob
ua_stop carol
tone_is "linphonec alice" "$T/alice-heard.wav" "$TONE_CAROL"
expect_tone carol "$TONE_ALICE"	# carol hears alice: she did not before the fix
log_has "leg A was on the transferor's hold: re-INVITE sendrecv" ||
	fail "tandemd did not log taking alice off hold"
