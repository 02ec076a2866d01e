# 162-xfer-busy: the failed transfer leaves the call as it was.
. "$(dirname "${BASH_SOURCE[0]}")/../media.sh"
subst "$SRC/bob.xml" "$T/bob.xml"
uas_start bob "$T/bob.xml" 60 -m 1
uas2_start carol carol.xml 30 -m 1
uac_start alice alice.xml 60 -m 1 -s bob
expect_sipp carol 0
wait_until 10 "the transfer to fail" log_has "transfer to .* failed: 486"
id=$(call_id_of_first)
a_port=$(stream_get "$id" .a.relay_port)
b_port=$(stream_get "$id" .b.relay_port)
rtpeer_start alice "$CALLER_IP:30000" "$TANDEM_IP:$a_port" -n 100 -i 20 -t 4
rtpeer_start bob "$CALLEE_IP:31000" "$TANDEM_IP:$b_port" -n 100 -i 20 -t 4
rtpeer_wait alice
rtpeer_wait bob
expect_rtp alice 95 "$TANDEM_IP:$a_port"
expect_rtp bob 95 "$TANDEM_IP:$b_port"
caller_go
expect_sipp alice 0
expect_sipp bob 0
wait_active 0
