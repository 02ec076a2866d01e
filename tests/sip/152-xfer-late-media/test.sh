# 152-xfer-late-media: bob's RTP goes on during and just after the transfer.
. "$(dirname "${BASH_SOURCE[0]}")/../media.sh"
subst "$SRC/bob.xml" "$T/bob.xml"
uas_start bob "$T/bob.xml" 30 -m 1
uas2_start carol carol.xml 60 -m 1
uac_start alice alice.xml 60 -m 1 -s bob
wait_until 10 "the call answered" answered_is 1
id=$(call_id_of_first)
b_port=$(stream_get "$id" .b.relay_port)
# bob streams from 31000 (his SDP) for 3 s: his REFER goes at 1 s, carol answers at ~1.3 s
rtpeer_start bob "$CALLEE_IP:31000" "$TANDEM_IP:$b_port" -n 150 -i 20 -t 3.5
expect_sipp bob 0
wait_until 5 "bob's media to stop" bash -c "! kill -0 ${RTPEER_PID[bob]} 2>/dev/null"
note "bob's media: $(cat "$T/rtp-bob.out")"
note "after the transfer the relay's far side is latched to '$(stream_get "$id" .b.latched)'"
a_port=$(stream_get "$id" .a.relay_port)
b_port2=$(stream_get "$id" .b.relay_port)
rtpeer_start carol "$CALLEE2_IP:32000" "$TANDEM_IP:$b_port2" -n 100 -i 20 -t 4 -w 0.3
rtpeer_start alice "$CALLER_IP:30000" "$TANDEM_IP:$a_port" -n 100 -i 20 -t 4 -w 0.3
rtpeer_wait alice
rtpeer_wait carol
[ "$(stream_get "$id" .b.latched)" = "$CALLEE2_IP:32000" ] ||
	fail "the relay's far side is latched to $(stream_get "$id" .b.latched), want carol ($CALLEE2_IP:32000)"
expect_rtp alice 95 "$TANDEM_IP:$a_port"
expect_rtp carol 95 "$TANDEM_IP:$b_port2"
caller_go
expect_sipp alice 0
expect_sipp carol 0
wait_active 0
wait_until 5 "the relay to give its streams and ports back" media_idle
