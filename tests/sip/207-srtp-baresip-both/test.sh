# 207-srtp-baresip-both: two real baresip user agents through tandemd, SRTP (SDES, made by
# baresip's own srtp module) on both legs, each leg with its own keys: tandemd's relay
# decrypts with one leg's keys and encrypts with the other's. Each baresip sends its own
# sine tone and records what it receives; each must hear the other's tone.
. "$(dirname "${BASH_SOURCE[0]}")/../media.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../baresip.sh"
TONE_A=440 TONE_B=1000	# ausine,<Hz> in ua-a.config and ua-b.config
S80=AES_CM_128_HMAC_SHA1_80

ua_launch b ua-b.config ua-b.accounts 60	# bob on $CALLEE2, answermode=auto, mediaenc=srtp-mand
ua_launch a ua-a.config ua-a.accounts 60	# alice on $CALLER_IP:5070, mediaenc=srtp-mand
ua_wait_ready b
ua_wait_ready a
ua_cmd a dial "sip:bob@$TANDEM"
ua_wait_event b CALL_ESTABLISHED 10
ua_wait_event a CALL_ESTABLISHED 10
wait_until 5 "the call answered in tandemd" answered_is 1
for ua in a b; do	# each baresip says its stream is SRTP (CALL_MENC: "0,audio,<suite>")
	grep -q "\"type\":\"CALL_MENC\".*\"param\":\"0,audio,$S80\"" "$T/ua-$ua/events" ||
		fail "baresip $ua reports no SRTP on its audio stream"
done

# the SDP tandemd sent each side: SAVP with a key of its own (redacted in the trace)
sent_sdp_to "$CALLER_IP:5070" "SIP/2.0 200" > "$T/sdp-to-a"
sent_sdp_to "$CALLEE2" "INVITE" > "$T/sdp-to-b"
for ua in a b; do
	grep -q '^m=audio [0-9]* RTP/SAVP ' "$T/sdp-to-$ua" || fail "the SDP to baresip $ua is not RTP/SAVP"
	grep -q "^a=crypto:1 $S80 \\[redacted\\]\$" "$T/sdp-to-$ua" ||
		fail "the SDP to baresip $ua has no (redacted) a=crypto line"
done

id=$(call_id_of_first)
[ -n "$id" ] || fail "no call in tandemd"
# ~150 packets each way in 3 s: wait (bounded) until the relay counted 100 each way and an
# SRTCP packet of each baresip, then read the counters once
wait_until 15 "100 packets each way and SRTCP from both in the relay" \
	relay_counted "$id" '.a.packets >= 100 and .a.sent >= 100 and .b.packets >= 100 and .b.sent >= 100 and .a.rtcp_packets >= 1 and .b.rtcp_packets >= 1'
ctl --json call "$id" > "$T/call.json" || fail "tandemctl call $id failed"
sget() { jq -r ".call.streams[0]$1" "$T/call.json"; }
note "leg a: $(jq -c '.call.streams[0].a' "$T/call.json")"
note "leg b: $(jq -c '.call.streams[0].b' "$T/call.json")"
for s in a b; do
	[ "$(sget .$s.srtp)" = $S80 ] || fail "leg $s is not SRTP in the relay ($(sget .$s.srtp))"
	for v in packets sent; do
		[ "$(sget .$s.$v)" -ge 100 ] || fail "relay .$s.$v is $(sget .$s.$v), want at least 100"
	done
	[ "$(sget .$s.rtcp_packets)" -ge 1 ] || fail "no SRTCP packet from baresip $s passed authentication"
	# at most baresip's one RTCP APP "PING" sent in clear before its SRTP starts (see 206)
	[ "$(sget .$s.dropped_auth)" -le 1 ] || fail "tandemd dropped $(sget .$s.dropped_auth) packets of baresip $s as unauthentic"
	[ "$(sget .$s.dropped_replay)" = 0 ] || fail "tandemd dropped $(sget .$s.dropped_replay) packets of baresip $s as replays"
done

ua_cmd a hangup
ua_wait_event a CALL_CLOSED 10
ua_wait_event b CALL_CLOSED 10
wait_active 0
log_has "ending reason=bye-caller code=200" || fail "tandemd did not log a clean BYE from the caller"
ua_stop a
ua_stop b
ua_no_srtp_errors a
ua_no_srtp_errors b
expect_tone a "$TONE_B"
expect_tone b "$TONE_A"
! grep -q 'inline:' "$T/tandemd.log" || fail "a key appears in tandemd's log"
