# 201-srtp-to-rtp: SRTP caller, plain callee, payloads intact both ways.
. "$(dirname "${BASH_SOURCE[0]}")/../media.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../srtp.sh"
call_up
[ "$(stream_get "$id" .a.srtp)" = AES_CM_128_HMAC_SHA1_80 ] || fail "the caller's leg is not SRTP in the relay"
[ "$(stream_get "$id" .b.srtp)" = null ] || fail "the callee's leg is SRTP in the relay"
tkey=$(key_in_messages uac "SIP/2.0 200" 1)
[ -n "$tkey" ] || fail "no key from tandemd in the caller's 200"
[ "$tkey" != "$KEY_A" ] || fail "tandemd answered with the caller's own key"
rtpeer_start caller "$CALLER_IP:30000" "$TANDEM_IP:$a_port" -n 100 -i 20 -t 5 -k "$S80:$KEY_A" -K "$S80:$tkey"
rtpeer_start callee "$CALLEE_IP:31000" "$TANDEM_IP:$b_port" -n 100 -i 20 -t 5
rtpeer_wait caller
rtpeer_wait callee
expect_rtp caller 95 "$TANDEM_IP:$a_port"
expect_rtp callee 95 "$TANDEM_IP:$b_port"
[ "$(rtp_field caller auth_fail)" = 0 ] || fail "the caller could not authenticate tandemd's SRTP"
call_down
expect_sipp caller 0
expect_sipp callee 0
wait_active 0
expect_no_keys_logged "$KEY_A" "$tkey"
