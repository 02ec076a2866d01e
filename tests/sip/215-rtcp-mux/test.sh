# 215-rtcp-mux: RTCP crosses between a muxed and a non-muxed leg.
. "$(dirname "${BASH_SOURCE[0]}")/../media.sh"
call_up
[ "$(stream_get "$id" .a.rtcp_mux)" = true ] || fail "the caller's leg is not muxed in the relay"
[ "$(stream_get "$id" .b.rtcp_mux)" = false ] || fail "the callee's leg is muxed in the relay"
rtpeer_start caller "$CALLER_IP:30000" "$TANDEM_IP:$a_port" -n 100 -i 20 -t 5 -R -M
rtpeer_start callee "$CALLEE_IP:31000" "$TANDEM_IP:$b_port" -n 100 -i 20 -t 5 -R
rtpeer_wait caller
rtpeer_wait callee
expect_rtp caller 95 "$TANDEM_IP:$a_port"
expect_rtp callee 95 "$TANDEM_IP:$b_port"
[ "$(rtp_field caller rtcp)" -ge 5 ] || fail "the caller got $(rtp_field caller rtcp) RTCP packets on its RTP port"
[ "$(rtp_field callee rtcp)" -ge 5 ] || fail "the callee got $(rtp_field callee rtcp) RTCP packets on its RTCP port"
[ "$(stream_get "$id" .a.rtcp_packets)" -ge 5 ] || fail "relay counted no RTCP from the caller"
[ "$(stream_get "$id" .b.rtcp_packets)" -ge 5 ] || fail "relay counted no RTCP from the callee"
call_down
expect_sipp caller 0
expect_sipp callee 0
wait_active 0
