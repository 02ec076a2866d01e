# 172-tls-srtp: SRTP with a TLS caller works; the same offer over UDP gets 488.
. "$(dirname "${BASH_SOURCE[0]}")/../media.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../srtp.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../tls.sh"
tls_self_signed tandem "$TANDEM_IP"
tls_tandemd "$SRC/tandemd-tls.conf"
subst "$SRC/uas.xml" "$T/uas.xml"

# over TLS: SRTP with the caller, plain RTP with the callee
uas_start callee "$T/uas.xml" 30 -m 1
tlspeer_start caller uac --local "$CALLER_IP" --remote "$TANDEM_IP:$TANDEM_TLS_PORT" \
	--ca "$T/tandem.pem" --user bob --crypto "$KEY_A" --media-port 30000 --hold 40 --bye-file "$T/hangup"
wait_until 15 "the call answered" answered_is 1
id=$(call_id_of_first)
a_port=$(stream_get "$id" .a.relay_port)
b_port=$(stream_get "$id" .b.relay_port)
[ "$(stream_get "$id" .a.srtp)" = "$S80" ] || fail "the TLS caller's leg is not SRTP in the relay"
[ "$(stream_get "$id" .b.srtp)" = null ] || fail "the callee's leg is SRTP in the relay"
tkey=$(tls_key_in caller "SIP/2.0 200" 1)
[ -n "$tkey" ] || fail "no key from tandemd in the caller's 200"
[ "$tkey" != "$KEY_A" ] || fail "tandemd answered with the caller's own key"
grep -q "^m=audio [0-9]* RTP/SAVP 0" "$T/tls-caller.log" || fail "the answer is not RTP/SAVP"
rtpeer_start caller "$CALLER_IP:30000" "$TANDEM_IP:$a_port" -n 100 -i 20 -t 5 -k "$S80:$KEY_A" -K "$S80:$tkey"
rtpeer_start callee "$CALLEE_IP:31000" "$TANDEM_IP:$b_port" -n 100 -i 20 -t 5
rtpeer_wait caller
rtpeer_wait callee
expect_rtp caller 95 "$TANDEM_IP:$a_port"
expect_rtp callee 95 "$TANDEM_IP:$b_port"
[ "$(rtp_field caller auth_fail)" = 0 ] || fail "the caller could not authenticate tandemd's SRTP"
touch "$T/hangup"
expect_tlspeer caller
expect_sipp callee 0
wait_active 0
grep -qF -- "$KEY_A" "$T/tandemd.log" && fail "a key appears in tandemd's log"
grep -qF -- "$tkey" "$T/tandemd.log" && fail "tandemd's key appears in its log"

# over UDP: the same SRTP offer is refused, the callee never called
uac_start udp uac-488.xml 20 -m 1 -s bob
expect_sipp udp 0
log_has "leg A offers RTP/SAVP: SDES keys refused on a non-TLS leg \(security\.sdes_tls_only\)" ||
	fail "tandemd did not say it refused SDES keys over UDP"
wait_active 0
expect_stat .calls.total 2
expect_stat .calls.answered 1
tls_tandemd_stop
