# 206-srtp-baresip: two real baresip user agents through tandemd; SRTP (SDES, made by
# baresip's own srtp module) on the caller's leg, plain RTP on the callee's. Each baresip
# sends its own sine tone and records what it receives; each must hear the other's tone.
. "$(dirname "${BASH_SOURCE[0]}")/../media.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../baresip.sh"
TONE_A=440 TONE_B=1000	# ausine,<Hz> in ua-a.config and ua-b.config

ua_launch b ua-b.config ua-b.accounts 60	# bob on $CALLEE2, answermode=auto, plain RTP
ua_launch a ua-a.config ua-a.accounts 60	# alice on $CALLER_IP:5070, mediaenc=srtp-mand
ua_wait_ready b
ua_wait_ready a
ua_cmd a dial "sip:bob@$TANDEM"
ua_wait_event b CALL_ESTABLISHED 10
ua_wait_event a CALL_ESTABLISHED 10
wait_until 5 "the call answered in tandemd" answered_is 1
# baresip A itself says its stream is SRTP (CALL_MENC: "0,audio,<suite>")
grep -q '"type":"CALL_MENC".*"param":"0,audio,AES_CM_128_HMAC_SHA1_80"' "$T/ua-a/events" ||
	fail "baresip a reports no SRTP on its audio stream"
! ua_has_event b CALL_MENC || fail "baresip b reports media encryption on a plain leg"

# the SDP tandemd sent each side: SAVP with its own key to A, plain AVP without a key to B
sent_sdp_to "$CALLER_IP:5070" "SIP/2.0 200" > "$T/sdp-to-a"
sent_sdp_to "$CALLEE2" "INVITE" > "$T/sdp-to-b"
grep -q '^m=audio [0-9]* RTP/SAVP ' "$T/sdp-to-a" || fail "the 200 to baresip a is not RTP/SAVP"
grep -q '^a=crypto:1 AES_CM_128_HMAC_SHA1_80 \[redacted\]$' "$T/sdp-to-a" ||
	fail "the 200 to baresip a has no (redacted) a=crypto line"
grep -q '^m=audio [0-9]* RTP/AVP ' "$T/sdp-to-b" || fail "the INVITE to baresip b is not RTP/AVP"
! grep -q '^a=crypto' "$T/sdp-to-b" || fail "the INVITE to baresip b carries a=crypto"

id=$(call_id_of_first)
[ -n "$id" ] || fail "no call in tandemd"
# ~150 packets each way in 3 s: wait (bounded) until the relay counted 100 each way and one
# SRTCP packet of baresip a, then read the counters once
wait_until 15 "100 packets each way and an SRTCP packet from a in the relay" \
	relay_counted "$id" '.a.packets >= 100 and .a.sent >= 100 and .b.packets >= 100 and .b.sent >= 100 and .a.rtcp_packets >= 1'
ctl --json call "$id" > "$T/call.json" || fail "tandemctl call $id failed"
sget() { jq -r ".call.streams[0]$1" "$T/call.json"; }
note "leg a: $(jq -c '.call.streams[0].a' "$T/call.json")"
note "leg b: $(jq -c '.call.streams[0].b' "$T/call.json")"
[ "$(sget .a.srtp)" = AES_CM_128_HMAC_SHA1_80 ] || fail "the caller's leg is not SRTP in the relay ($(sget .a.srtp))"
[ "$(sget .b.srtp)" = null ] || fail "the callee's leg is SRTP in the relay ($(sget .b.srtp))"
for v in .a.packets .a.sent .b.packets .b.sent; do
	[ "$(sget $v)" -ge 100 ] || fail "relay $v is $(sget $v), want at least 100"
done
# SRTCP from baresip authenticates too
[ "$(sget .a.rtcp_packets)" -ge 1 ] || fail "no SRTCP packet from baresip a passed authentication"
# baresip sends one RTCP APP "PING" in clear before its SRTP is set up (stream start, to
# open NAT pinholes): an unauthenticated packet on an SRTP leg, which tandemd must drop.
# Anything more would mean tandemd cannot authenticate baresip's SRTP.
[ "$(sget .a.dropped_auth)" -le 1 ] || fail "tandemd dropped $(sget .a.dropped_auth) packets of baresip a as unauthentic"
[ "$(sget .a.dropped_replay)" = 0 ] || fail "tandemd dropped $(sget .a.dropped_replay) packets of baresip a as replays"

ua_cmd a hangup
ua_wait_event a CALL_CLOSED 10
ua_wait_event b CALL_CLOSED 10
wait_active 0
log_has "ending reason=bye-caller code=200" || fail "tandemd did not log a clean BYE from the caller"
ua_stop a
ua_stop b
ua_no_srtp_errors a
expect_tone a "$TONE_B"	# A (SRTP) hears B through tandemd's encryption
expect_tone b "$TONE_A"	# B (plain) hears A through tandemd's decryption
! grep -q 'inline:' "$T/tandemd.log" || fail "a key appears in tandemd's log"
