# 203-srtp-both: SRTP on both legs, each with its own keys.
. "$(dirname "${BASH_SOURCE[0]}")/../media.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../srtp.sh"
call_up
ka=$(key_in_messages uac "SIP/2.0 200" 1)
kb=$(key_in_messages uas "INVITE sip" 1)
[ -n "$ka" ] && [ -n "$kb" ] || fail "tandemd's keys not found in the messages"
[ "$ka" != "$kb" ] || fail "tandemd used the same key toward both legs"
rtpeer_start caller "$CALLER_IP:30000" "$TANDEM_IP:$a_port" -n 100 -i 20 -t 5 -k "$S80:$KEY_A" -K "$S80:$ka"
rtpeer_start callee "$CALLEE_IP:31000" "$TANDEM_IP:$b_port" -n 100 -i 20 -t 5 -k "$S80:$KEY_B" -K "$S80:$kb"
rtpeer_wait caller
rtpeer_wait callee
expect_rtp caller 95 "$TANDEM_IP:$a_port"
expect_rtp callee 95 "$TANDEM_IP:$b_port"
[ "$(rtp_field caller auth_fail)" = 0 ] && [ "$(rtp_field callee auth_fail)" = 0 ] || fail "SRTP authentication failed at an endpoint"
call_down
expect_sipp caller 0
expect_sipp callee 0
wait_active 0
expect_no_keys_logged "$KEY_A" "$KEY_B" "$ka" "$kb"
