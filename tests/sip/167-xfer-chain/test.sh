# 167-xfer-chain: alice -> bob, bob transfers to carol, carol transfers to dave.
. "$(dirname "${BASH_SOURCE[0]}")/../media.sh"
subst "$SRC/bob.xml" "$T/bob.xml"
subst "$SRC/carol.xml" "$T/carol.xml"
uas_start bob "$T/bob.xml" 40 -m 1
uas2_start carol "$T/carol.xml" 40 -m 1
sipp_start dave 60 -sf "$SRC/dave.xml" -i "$CALLEE2_IP" -p 5090 -m 1
wait_until 5 "sipp dave listening on $CALLEE2_IP:5090" bound_udp "$CALLEE2_IP:5090"
uac_start alice alice.xml 60 -m 1 -s bob
expect_sipp bob 0
expect_sipp carol 0
# bob and carol are gone: the call is alice <-> dave now
id=$(call_id_of_first)
[ -n "$id" ] || fail "the call did not survive the transfers"
a_port=$(stream_get "$id" .a.relay_port)
b_port=$(stream_get "$id" .b.relay_port)
rtpeer_start alice "$CALLER_IP:30000" "$TANDEM_IP:$a_port" -n 100 -i 20 -t 4
rtpeer_start dave "$CALLEE2_IP:33000" "$TANDEM_IP:$b_port" -n 100 -i 20 -t 4
rtpeer_wait alice
rtpeer_wait dave
expect_rtp alice 95 "$TANDEM_IP:$a_port"
expect_rtp dave 95 "$TANDEM_IP:$b_port"
[ "$(stream_get "$id" .b.latched)" = "$CALLEE2_IP:33000" ] || fail "the relay's far side is not dave"
caller_go
expect_sipp alice 0
expect_sipp dave 0
wait_active 0
wait_until 5 "the relay to give its streams and ports back" media_idle
expect_stat .calls.total 1
n=$(log_count "transfer: .* answered, leg B replaced")
[ "$n" = 2 ] || fail "tandemd logged $n completed transfers, want 2"
log_has "transfer: sip:dave@.* answered" || fail "the second transfer did not reach dave"
