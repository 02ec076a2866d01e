# 035-xfer-target-health: a blind transfer skips a target that target health calls down.
. "$(dirname "${BASH_SOURCE[0]}")/../media.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../sipua.sh"
DEAD=$TEST_NET.9:5080
subst "$SRC/bob.xml" "$T/bob.xml"
py_start carol 60 carol.py
wait_until 5 "carol listening" bound_udp "$CALLEE2"
down() { [ "$(ctl --json targets | jq -r --arg t "sip:$DEAD" '.targets[] | select(.target == $t) | .state')" = down ]; }
wait_until 15 "the dead target down" down
uas_start bob "$T/bob.xml" 30 -m 1
uac_start alice alice.xml 60 -m 1 -s bob
expect_sipp bob 0
id=$(call_id_of_first)
[ -n "$id" ] || fail "the call did not survive the transfer"
log_has "target sip:$DEAD is down: skipped" || fail "no log line for the skipped target"
log_has "transfer: placing the new leg to sip:carol@$CALLEE2" || fail "the transfer did not go to carol"
log_has "transfer: placing the new leg to sip:carol@$DEAD" && fail "the transfer was placed to the down target"
a_port=$(stream_get "$id" .a.relay_port)
b_port=$(stream_get "$id" .b.relay_port)
rtpeer_start alice "$CALLER_IP:30000" "$TANDEM_IP:$a_port" -n 50 -i 20 -t 4
rtpeer_start carol "$CALLEE2_IP:32000" "$TANDEM_IP:$b_port" -n 50 -i 20 -t 4
rtpeer_wait alice
rtpeer_wait carol
expect_rtp alice 45 "$TANDEM_IP:$a_port"
expect_rtp carol 45 "$TANDEM_IP:$b_port"
caller_go
expect_sipp alice 0
expect_py carol
wait_active 0
