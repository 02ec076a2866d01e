# 265-interop-linphone-tls: linphonec dials tandemd over TLS (a self-signed certificate made by
# the test, verified by linphonec) -> tandemd -> linphonec over UDP; audio both ways, BYE. A
# linphonec that trusts another certificate does not get through.
. "$(dirname "${BASH_SOURCE[0]}")/../interop.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../linphone.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../tls.sh"
TONE_ALICE=440 TONE_BOB=1000

# tls_first_lines send|recv: the first line of each message tandemd's SIP trace shows it sent
# (or received) over TLS, in order
tls_first_lines() {
	awk -v dir="$1" '
		/ sip: (send|recv) [0-9]+ bytes / {
			want = index($0, " sip: " dir " ") && index($0, " tls/["); first = 1; next
		}
		want && / sip:    / {
			line = $0; sub(/^.* sip:    /, "", line); sub(/\r$/, "", line)
			if (line ~ /^-+$/ || line == "") next
			if (first) { print line; first = 0 }
		}' "$T/tandemd.log"
}

tls_self_signed tandem "$TANDEM_IP" dns	# linphonec checks the name against DNS entries
tls_self_signed other "$TANDEM_IP" dns		# the same name, another key: carol trusts this one
tls_tandemd "$SRC/tandemd-tls.conf"
wait_until 5 "tandemd listening on TLS" bound_tcp "$TANDEM_IP:$TANDEM_TLS_PORT"

# ---- carol trusts another certificate: linphonec's verification is on, the call fails ----
lin_start carol lin-carol.rc 30		# on $TEST_NET.4: UDP 5070, TLS 5071
lin_cmd carol "call sip:bob@$TANDEM_IP:$TANDEM_TLS_PORT;transport=tls"
lin_wait carol "Call 1 with .* error"
grep -q "SSL handshake failed" "$(lin_dir carol)/log" ||
	fail "carol's call failed, but not in the TLS handshake: $(grep -i error "$(lin_dir carol)/log" | tail -n 3)"
tls_first_lines recv | grep -q '^INVITE' && fail "tandemd got an INVITE from carol over TLS"
lin_stop carol

lin_start bob lin-bob.rc 150 -a		# on $CALLEE2, UDP, auto-answer
lin_start alice lin-alice.rc 150		# on $CALLER_IP: UDP 5070, TLS 5071, root_ca tandem.pem
lin_sound alice "$TONE_ALICE" 60
lin_sound bob "$TONE_BOB" 60

lin_cmd alice "call sip:bob@$TANDEM_IP:$TANDEM_TLS_PORT;transport=tls"
lin_wait alice "Call 1 with .* connected"
lin_wait bob "Call 1 with .* connected"
wait_until 5 "the call answered in tandemd" answered_is 1
id=$(call_id_of_first)
[ -n "$id" ] || fail "no call in tandemd"
# the INVITE came over TLS, and so does linphonec's ACK of tandemd's 200
tls_first_lines recv | grep -q '^INVITE sip:bob@' || fail "no INVITE over TLS: $(tls_first_lines recv | head -n 3)"
tls_first_lines send | grep -q '^SIP/2.0 200' || fail "tandemd sent no 200 over TLS"
grep -q "Found certificate depth=\[0\], flags=\[\]" "$(lin_dir alice)/log" ||
	fail "alice did not verify tandemd's certificate: $(grep 'Found certificate' "$(lin_dir alice)/log")"
wait_until 5 "linphonec's ACK over TLS" eval 'tls_first_lines recv | grep -q "^ACK "'
note "over TLS: received $(tls_first_lines recv | tr '\n' '|'), sent $(tls_first_lines send | tr '\n' '|')"
audio_both_ways "$id"
lin_mark alice bob	# where each phone's own recording is now: checked from there at the end
expect_heard_both "$id" "$TONE_BOB" "$TONE_ALICE"
audio_both_ways "$id"	# each phone's recording holds 2.5 s past its mark, at least
lin_cmd alice "terminate 1"
lin_wait alice "Call 1 with .* ended"
lin_wait bob "Call 1 with .* ended"
wait_active 0
tls_first_lines recv | grep -q '^BYE ' || fail "linphonec's BYE did not come over TLS"
log_has "ending reason=bye-caller code=200" || fail "tandemd did not log a clean BYE from the caller"
lin_stop alice
lin_stop bob
lin_heard alice "$TONE_BOB"
lin_heard bob "$TONE_ALICE"
wait_until 5 "the relay to give its streams and ports back" media_idle
tls_tandemd_stop
