# 169-xfer-baresip: a real user agent (baresip) transfers alice to carol.
. "$(dirname "${BASH_SOURCE[0]}")/../media.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../baresip.sh"
ua_start bob ua-bob.config ua-bob.accounts 60
uas2_start carol carol.xml 60 -m 1
uac_start alice alice.xml 60 -m 1 -s bob
ua_wait_event bob CALL_ESTABLISHED 10
wait_until 5 "the call answered in tandemd" answered_is 1
# bob's dialog is confirmed once tandemd's ACK reached him; a REFER before it may be refused
wait_until 5 "tandemd's ACK to bob" sent_to "$CALLEE" "ACK "
ua_cmd bob transfer "sip:carol@$TANDEM_IP"
wait_until 10 "the transfer to complete" log_has "transfer: .* answered, leg B replaced"
ua_wait_event bob CALL_CLOSED 10
grep '"type":"CALL_CLOSED"' "$T/ua-bob/events" | grep -q "Call transfered" ||
	fail "baresip closed its call but not as transferred: $(grep CALL_CLOSED "$T/ua-bob/events")"
ua_has_event bob CALL_TRANSFER_FAILED && fail "baresip reports a failed transfer"
id=$(call_id_of_first)
[ -n "$id" ] || fail "the call did not survive the transfer"
a_port=$(stream_get "$id" .a.relay_port)
b_port=$(stream_get "$id" .b.relay_port)
note "after the transfer the relay's far side is latched to '$(stream_get "$id" .b.latched)'"
rtpeer_start carol "$CALLEE2_IP:32000" "$TANDEM_IP:$b_port" -n 100 -i 20 -t 4 -w 0.3
rtpeer_start alice "$CALLER_IP:30000" "$TANDEM_IP:$a_port" -n 100 -i 20 -t 4 -w 0.3
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
ua_stop bob
