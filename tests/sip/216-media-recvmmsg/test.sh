# 216-media-recvmmsg: 200's call with media.io_uring = false (recvmmsg/sendmmsg).
. "$(dirname "${BASH_SOURCE[0]}")/../media.sh"
expect_stat .media.io recvmmsg
call_up
rtpeer_start caller "$CALLER_IP:30000" "$TANDEM_IP:$a_port" -n 100 -i 20 -t 5
rtpeer_start callee "$CALLEE_IP:31000" "$TANDEM_IP:$b_port" -n 100 -i 20 -t 5
rtpeer_wait caller
rtpeer_wait callee
expect_rtp caller 95 "$TANDEM_IP:$a_port"
expect_rtp callee 95 "$TANDEM_IP:$b_port"
[ "$(stream_get "$id" .a.packets)" -ge 95 ] || fail "relay counted $(stream_get "$id" .a.packets) packets from the caller"
[ "$(stream_get "$id" .b.packets)" -ge 95 ] || fail "relay counted $(stream_get "$id" .b.packets) packets from the callee"
[ "$(stream_get "$id" .a.sent)" -ge 95 ] || fail "relay counted $(stream_get "$id" .a.sent) packets sent to the caller"
expect_sipp caller 0
expect_sipp callee 0
wait_active 0
wait_until 5 "the relay to give its streams and ports back" media_idle
