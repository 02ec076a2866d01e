# 171-tls-callee: UDP caller -> tandemd -> TLS callees; verified, refused, not verified.
. "$(dirname "${BASH_SOURCE[0]}")/../tls.sh"
tls_ca ca
tls_signed callee "$CALLEE_IP" ca
tls_self_signed rogue "$CALLEE2_IP"
tls_self_signed tandem "$TANDEM_IP"
tls_tandemd "$SRC/tandemd-tls.conf"

tlspeer_start good uas --local "$CALLEE_IP:5061" --cert "$T/callee.pem" --key "$T/callee.key" --timeout 30
tlspeer_start rogue uas --local "$CALLEE2_IP:5061" --cert "$T/rogue.pem" --key "$T/rogue.key" --timeout 30
tlspeer_start noverify uas --local "$CALLEE2_IP:5062" --cert "$T/rogue.pem" --key "$T/rogue.key" --timeout 30
wait_until 5 "the TLS callees listening" eval 'bound_tcp $CALLEE_IP:5061 && bound_tcp $CALLEE2_IP:5061 && bound_tcp $CALLEE2_IP:5062'

# verified: answered
uac_start good uac.xml 20 -m 1 -s good
expect_sipp good 0
expect_tlspeer good
grep -q "^INVITE sips:good@$CALLEE_IP:5061 SIP/2.0" "$T/tls-good.log" || fail "the callee got no sips: INVITE"
grep -q "^Via: SIP/2.0/TLS $TANDEM_IP" "$T/tls-good.log" || fail "the INVITE did not come over TLS"

# untrusted: refused at the handshake, 503 to the caller well before connect_timeout
t0=$SECONDS
uac_start bad uac-503.xml 20 -m 1 -s bad
expect_sipp bad 0
[ $((SECONDS - t0)) -lt 6 ] || fail "the 503 took $((SECONDS - t0)) s (a timeout, not the refusal)"
log_has "TLS: certificate of $CALLEE2_IP:5061 refused \(depth 0\): self-signed certificate" ||
	fail "tandemd did not log the refused certificate"
grep -q "^INVITE" "$T/tls-rogue.log" && fail "the untrusted callee got the INVITE"

# the same certificate on a route with tls_verify = false: answered
uac_start noverify uac.xml 20 -m 1 -s noverify
expect_sipp noverify 0
expect_tlspeer noverify
wait_active 0
expect_stat .calls.total 3
expect_stat .calls.answered 2
tls_tandemd_stop
