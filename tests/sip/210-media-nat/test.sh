# 210-media-nat: symmetric RTP latching to the real source port.
. "$(dirname "${BASH_SOURCE[0]}")/../media.sh"
call_up
# the caller sends from 30010 although its SDP said 30000
rtpeer_start caller "$CALLER_IP:30010" "$TANDEM_IP:$a_port" -n 100 -i 20 -t 5
rtpeer_start callee "$CALLEE_IP:31000" "$TANDEM_IP:$b_port" -n 100 -i 20 -t 5
rtpeer_wait caller
rtpeer_wait callee
# before the first packet of the caller the relay sends to its SDP port: a few may go there
expect_rtp caller 80 "$TANDEM_IP:$a_port"
expect_rtp callee 95 "$TANDEM_IP:$b_port"
[ "$(stream_get "$id" .a.latched)" = "$CALLER_IP:30010" ] ||
	fail "relay latched the caller to $(stream_get "$id" .a.latched), want $CALLER_IP:30010"
call_down
expect_sipp caller 0
expect_sipp callee 0
wait_active 0
