# 196-interop-baresip-rtp-srtp: baresip (RTP) -> tandemd -> baresip (SDES SRTP).
. "$(dirname "${BASH_SOURCE[0]}")/../interop.sh"
bua_launch bob "$CALLEE2_IP:5080" 1000 bob ";answermode=auto;mediaenc=srtp-mand"
bua_launch alice "$CALLER_IP:5070" 440 alice
bua_wait bob alice
ua_cmd alice dial "sip:bob@$TANDEM"
ua_wait_event bob CALL_ESTABLISHED 10
ua_wait_event alice CALL_ESTABLISHED 10
wait_until 5 "the call answered in tandemd" answered_is 1
id=$(call_id_of_first)
[ -n "$id" ] || fail "no call in tandemd"
wait_until 5 "bob's phone reports SRTP" ua_has_event bob CALL_MENC
grep -q '"type":"CALL_MENC".*"param":"0,audio,AES_CM_128_HMAC_SHA1_80"' "$T/ua-bob/events" ||
	fail "bob's phone reports no SRTP on its audio: $(grep CALL_MENC "$T/ua-bob/events")"
! ua_has_event alice CALL_MENC || fail "alice's phone reports media encryption on a plain leg"
audio_both_ways "$id"
[ "$(stream_get "$id" .b.srtp)" = AES_CM_128_HMAC_SHA1_80 ] ||
	fail "bob's leg is not SRTP in the relay ($(stream_get "$id" .b.srtp))"
[ "$(stream_get "$id" .a.srtp)" = null ] || fail "alice's leg is SRTP in the relay"
expect_heard "$id" a 1000 "alice's phone"	# bob's tone, decrypted by tandemd
[ "$(stream_get "$id" .b.dropped_auth)" -le 1 ] ||
	fail "tandemd dropped $(stream_get "$id" .b.dropped_auth) packets of bob as unauthentic"

ua_cmd alice hangup
ua_wait_event alice CALL_CLOSED 10
ua_wait_event bob CALL_CLOSED 10
wait_active 0
ua_stop alice
ua_stop bob
ua_no_srtp_errors bob
expect_tone alice 1000
expect_tone bob 440	# through tandemd's encryption
! grep -q 'inline:' "$T/tandemd.log" || fail "a key appears in tandemd's log"
wait_until 5 "the relay to give its streams and ports back" media_idle
