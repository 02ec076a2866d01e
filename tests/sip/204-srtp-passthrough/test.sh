# 204-srtp-passthrough: end-to-end SRTP through the relay.
. "$(dirname "${BASH_SOURCE[0]}")/../media.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../srtp.sh"
call_up
rtpeer_start caller "$CALLER_IP:30000" "$TANDEM_IP:$a_port" -n 100 -i 20 -t 5 -k "$S80:$KEY_A" -K "$S80:$KEY_B"
rtpeer_start callee "$CALLEE_IP:31000" "$TANDEM_IP:$b_port" -n 100 -i 20 -t 5 -k "$S80:$KEY_B" -K "$S80:$KEY_A"
rtpeer_wait caller
rtpeer_wait callee
expect_rtp caller 95 "$TANDEM_IP:$a_port"
expect_rtp callee 95 "$TANDEM_IP:$b_port"
call_down
expect_sipp caller 0
expect_sipp callee 0
wait_active 0
expect_no_keys_logged "$KEY_A" "$KEY_B"
