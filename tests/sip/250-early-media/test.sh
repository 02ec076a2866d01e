# 250-early-media: RTP through the relay before the call is answered.
. "$(dirname "${BASH_SOURCE[0]}")/../media.sh"
subst "$SRC/uas.xml" "$T/uas.xml"
subst "$SRC/uac.xml" "$T/uac.xml"
uas_start callee "$T/uas.xml" 30 -m 1
uac_start caller "$T/uac.xml" 30 -m 1 -s bob
state_early() { [ "$(ctl --json calls | jq -r '.calls[0].state // empty')" = early ]; }
wait_until 10 "the call in early state" state_early
id=$(call_id_of_first)
a_port=$(stream_get "$id" .a.relay_port)
b_port=$(stream_get "$id" .b.relay_port)
rtpeer_start caller "$CALLER_IP:30000" "$TANDEM_IP:$a_port" -n 50 -i 20 -t 2
rtpeer_start callee "$CALLEE_IP:31000" "$TANDEM_IP:$b_port" -n 50 -i 20 -t 2
rtpeer_wait caller
rtpeer_wait callee
expect_stat .calls.answered 0
expect_rtp caller 45 "$TANDEM_IP:$a_port"
expect_rtp callee 45 "$TANDEM_IP:$b_port"
expect_sipp caller 0
expect_sipp callee 0
wait_active 0
