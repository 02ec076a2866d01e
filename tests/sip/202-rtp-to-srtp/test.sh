# 202-rtp-to-srtp: plain caller, SRTP callee.
. "$(dirname "${BASH_SOURCE[0]}")/../media.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../srtp.sh"
call_up
[ "$(stream_get "$id" .b.srtp)" = AES_CM_128_HMAC_SHA1_80 ] || fail "the callee's leg is not SRTP in the relay"
tkey=$(key_in_messages uas "INVITE sip" 1)
[ -n "$tkey" ] || fail "no key from tandemd in the callee's INVITE"
rtpeer_start caller "$CALLER_IP:30000" "$TANDEM_IP:$a_port" -n 100 -i 20 -t 5
rtpeer_start callee "$CALLEE_IP:31000" "$TANDEM_IP:$b_port" -n 100 -i 20 -t 5 -k "$S80:$KEY_B" -K "$S80:$tkey"
rtpeer_wait caller
rtpeer_wait callee
expect_rtp caller 95 "$TANDEM_IP:$a_port"
expect_rtp callee 95 "$TANDEM_IP:$b_port"
[ "$(rtp_field callee auth_fail)" = 0 ] || fail "the callee could not authenticate tandemd's SRTP"
call_down
expect_sipp caller 0
expect_sipp callee 0
wait_active 0
expect_no_keys_logged "$KEY_B" "$tkey"
