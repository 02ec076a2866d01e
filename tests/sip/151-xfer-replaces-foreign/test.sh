# 151-xfer-replaces-foreign: a Replaces of a dialog not ours goes on to carol.
. "$(dirname "${BASH_SOURCE[0]}")/../media.sh"
subst "$SRC/bob.xml" "$T/bob.xml"
uas_start bob "$T/bob.xml" 30 -m 1
subst "$SRC/carol.xml" "$T/carol.xml"
uas2_start carol "$T/carol.xml" 60 -m 1
uac_start alice alice.xml 60 -m 1 -s bob
expect_sipp bob 0
# bob is gone: the call is alice <-> carol now
id=$(call_id_of_first)
[ -n "$id" ] || fail "the call did not survive the transfer"
a_port=$(stream_get "$id" .a.relay_port)
b_port=$(stream_get "$id" .b.relay_port)
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
expect_stat .calls.total 1
log_has "transfer: .* answered, leg B replaced" || fail "tandemd did not log the transfer"
log_has "REFER with a Replaces of a dialog not ours" || fail "tandemd did not log the foreign Replaces"
