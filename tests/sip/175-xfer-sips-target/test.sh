# 175-xfer-sips-target: bob transfers alice to sips:carol; tandemd calls carol over TLS.
. "$(dirname "${BASH_SOURCE[0]}")/../media.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../tls.sh"
tls_self_signed tandem "$TANDEM_IP"
tls_self_signed carol "$CALLEE2_IP"
tls_tandemd "$SRC/tandemd-tls.conf"

tlspeer_start carol uas --local "$CALLEE2_IP:5061" --cert "$T/carol.pem" --key "$T/carol.key" \
	--media-port 32000 --timeout 50
wait_until 5 "carol listening on TLS" bound_tcp "$CALLEE2_IP:5061"
subst "$SRC/bob.xml" "$T/bob.xml"
uas_start bob "$T/bob.xml" 30 -m 1
uac_start alice alice.xml 60 -m 1 -s bob
expect_sipp bob 0	# 202, NOTIFY 100, 180, 200 (terminated), then tandemd's BYE
# carol got the INVITE over TLS, with a whole sips: Request-URI (not sip:carol@:host:port)
grep -q "^INVITE sips:carol@$CALLEE2_IP:5061 SIP/2.0" "$T/tls-carol.log" ||
	fail "carol got: $(grep -m 1 '^INVITE' "$T/tls-carol.log" || echo 'no INVITE')"
grep -q "^Via: SIP/2.0/TLS $TANDEM_IP" "$T/tls-carol.log" || fail "the INVITE to carol did not come over TLS"
grep -q "^Contact: <sips:$TANDEM_IP:$TANDEM_TLS_PORT>" "$T/tls-carol.log" ||
	fail "the INVITE to carol has $(grep -m 1 '^Contact' "$T/tls-carol.log" || echo 'no Contact')"
grep -q "^Referred-By: .*sip:bob@" "$T/tls-carol.log" || fail "the INVITE to carol has no Referred-By bob"
log_has "transfer: .* answered, leg B replaced" || fail "tandemd did not log the transfer"
# bob is gone: the call is alice <-> carol now, media through the relay
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
# alice hangs up: the BYE reaches carol over TLS
caller_go
expect_sipp alice 0
expect_tlspeer carol
grep -q "^BYE " "$T/tls-carol.log" || fail "carol got no BYE over TLS"
wait_active 0
expect_stat .calls.total 1
tls_tandemd_stop
