# 205-srtp-tamper: damaged SRTP packets are dropped and counted, never forwarded.
. "$(dirname "${BASH_SOURCE[0]}")/../media.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../srtp.sh"
call_up
tkey=$(key_in_messages uac "SIP/2.0 200" 1)
# the caller gets all 100 of the callee's packets and stops then; its bound (10 s) covers a
# callee that starts late on a loaded machine (the callee gets 90: it runs its 5 s)
rtpeer_start caller "$CALLER_IP:30000" "$TANDEM_IP:$a_port" -n 100 -i 20 -t 10 -k "$S80:$KEY_A" -K "$S80:$tkey" -T
rtpeer_start callee "$CALLEE_IP:31000" "$TANDEM_IP:$b_port" -n 100 -i 20 -t 5
rtpeer_wait caller
rtpeer_wait callee
# the relay's counters are live, but on a loaded machine its worker may still be busy with
# the last packets when rtpeer ends: wait (bounded) for the count, then require exactly 10
wait_until 5 "the relay to count the 10 damaged packets" relay_counted "$id" '.a.dropped_auth >= 10'
[ "$(stream_get "$id" .a.dropped_auth)" = 10 ] || fail "relay counted $(stream_get "$id" .a.dropped_auth) auth failures, want 10"
got=$(rtp_field callee received)
[ "$got" -ge 85 ] && [ "$got" -le 90 ] || fail "the callee got $got packets, want the 90 intact ones (less loss)"
[ "$(rtp_field callee bad)" = 0 ] || fail "a damaged packet reached the callee"
expect_rtp caller 95 "$TANDEM_IP:$a_port"
call_down
expect_sipp caller 0
expect_sipp callee 0
wait_active 0
