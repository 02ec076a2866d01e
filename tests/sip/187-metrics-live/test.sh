# 187-metrics-live: live relay totals (received, bytes, drops by reason) in /metrics and status.
. "$(dirname "${BASH_SOURCE[0]}")/../media.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../ops.sh"
call_up
rtpeer_start caller "$CALLER_IP:30000" "$TANDEM_IP:$a_port" -n 100 -i 20 -t 5
rtpeer_start callee "$CALLEE_IP:31000" "$TANDEM_IP:$b_port" -n 100 -i 20 -t 5
rtpeer_wait caller
rtpeer_wait callee
expect_rtp caller 95 "$TANDEM_IP:$a_port"
# a stray sender toward the caller's side, which is latched to $CALLER_IP:30000
rtpeer_start stray "$CALLER_IP:30020" "$TANDEM_IP:$a_port" -n 20 -i 5 -t 2
rtpeer_wait stray
[ "$(status_get .calls.active)" = 1 ] || fail "the call is no longer up"
wait_until 5 "/metrics to count the packets and the strays" metrics_at_least \
	tandem_relay_received_packets_total 190 'tandem_relay_dropped_packets_total{reason="source"}' 18
rx=$(metric tandem_relay_received_packets_total)
bytes=$(metric tandem_relay_received_bytes_total)
drops=$(metric 'tandem_relay_dropped_packets_total{reason="source"}')
note "live: received $rx packets, $bytes bytes, $drops dropped (source)"
[ "$rx" -ge 190 ] || fail "/metrics counts $rx packets received while the call is up, want >= 190"
[ "$bytes" -ge $((190 * 160)) ] || fail "/metrics counts $bytes bytes received, want >= $((190 * 160))"
[ "$drops" -ge 18 ] || fail "/metrics counts $drops stray packets dropped, want >= 18"
expect_metric 'tandem_relay_dropped_packets_total{reason="srtp_auth"}' 0
[ "$(status_get .media.dropped.source)" = "$drops" ] ||
	fail "status media.dropped.source is $(status_get .media.dropped.source), /metrics $drops"
[ "$(status_get .media.bytes_in)" = "$bytes" ] ||
	fail "status media.bytes_in is $(status_get .media.bytes_in), /metrics $bytes"
call_down
expect_sipp caller 0
expect_sipp callee 0
wait_active 0
