# 157-media-ipv6-caller: an IPv6 media caller and an IPv4 callee, bridged by the relay.
. "$(dirname "${BASH_SOURCE[0]}")/../media.sh"
ss -Hlun "src [::1]:30157" | grep -q . && fail "[::1]:30157 is taken by another program"
call_up
note "relay ports: facing the caller [::1]:$a_port, facing the callee $TANDEM_IP:$b_port"
rtpeer_start caller "[::1]:30157" "[::1]:$a_port" -n 100 -i 20 -t 5
rtpeer_start callee "$CALLEE_IP:31000" "$TANDEM_IP:$b_port" -n 100 -i 20 -t 5
rtpeer_wait caller
rtpeer_wait callee
expect_rtp caller 95 "[::1]:$a_port"
expect_rtp callee 95 "$TANDEM_IP:$b_port"
[ "$(stream_get "$id" .a.latched)" = "[::1]:30157" ] || fail "caller side latched to $(stream_get "$id" .a.latched)"
[ "$(stream_get "$id" .b.latched)" = "$CALLEE_IP:31000" ] || fail "callee side latched to $(stream_get "$id" .b.latched)"
call_down
expect_sipp caller 0
expect_sipp callee 0
wait_active 0
wait_until 5 "the relay to give its streams and ports back" media_idle
