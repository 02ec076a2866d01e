# 210-media-nat: symmetric RTP latching to the real source port.
. "$(dirname "${BASH_SOURCE[0]}")/../media.sh"
subst "$SRC/uas.xml" "$T/uas.xml"
subst "$SRC/uac.xml" "$T/uac.xml"
uas_start callee "$T/uas.xml" 30 -m 1
uac_start caller "$T/uac.xml" 30 -m 1 -s bob
wait_until 10 "the call answered" answered_is 1
id=$(call_id_of_first)
a_port=$(stream_get "$id" .a.relay_port)
b_port=$(stream_get "$id" .b.relay_port)
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
expect_sipp caller 0
expect_sipp callee 0
wait_active 0
