# 165-xfer-attended: bob joins alice (call 1) and carol (call 2) with REFER/Replaces.
. "$(dirname "${BASH_SOURCE[0]}")/../media.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../sipua.sh"
subst "$SRC/carol.xml" "$T/carol.xml"
py_start bob 40 bob.py
wait_until 5 "bob listening on $CALLEE" bound_udp "$CALLEE"
uas2_start carol "$T/carol.xml" 60 -m 1
uac_start alice alice.xml 60 -m 1 -s bob
expect_py bob
# call 2 is over; call 1 is alice <-> carol now
wait_active 1
id=$(call_id_of_first)
[ -n "$id" ] || fail "call 1 did not survive the transfer"
a_port=$(stream_get "$id" .a.relay_port)
b_port=$(stream_get "$id" .b.relay_port)
wait_until 5 "carol's re-INVITE" grep -q "reinvite-port=" "$T"/carol_*_logs.log
port=$(sed -n 's/.*reinvite-port=\([0-9]*\).*/\1/p' "$T"/carol_*_logs.log | head -n 1)
[ "$port" = "$b_port" ] || fail "carol's re-INVITE offers port $port, want call 1's relay port $b_port"
rtpeer_start alice "$CALLER_IP:30000" "$TANDEM_IP:$a_port" -n 100 -i 20 -t 4
rtpeer_start carol "$CALLEE2_IP:32000" "$TANDEM_IP:$b_port" -n 100 -i 20 -t 4
rtpeer_wait alice
rtpeer_wait carol
expect_rtp alice 95 "$TANDEM_IP:$a_port"
expect_rtp carol 95 "$TANDEM_IP:$b_port"
[ "$(stream_get "$id" .b.latched)" = "$CALLEE2_IP:32000" ] || fail "the relay's far side is not carol"
caller_go
expect_sipp alice 0
expect_sipp carol 0
wait_active 0
wait_until 5 "the relay to give its streams and ports back" media_idle
log_has "attended transfer: leg B joined from call" || fail "tandemd did not log the attended transfer"
