# 174-tls-baresip-sip-uri: baresip dials sip:bob@tandemd:5061;transport=tls -> tandemd -> baresip
# over TLS with a sip: URI; then a sips: caller (tlspeer.py) -> tandemd -> a sips: callee.
. "$(dirname "${BASH_SOURCE[0]}")/../media.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../baresip.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../tls.sh"
TONE_A=440 TONE_B=1000	# ausine,<Hz> in ua-a.config and ua-b.config
TLS_RE=$(sed 's/\./\\./g' <<< "$TANDEM_IP:$TANDEM_TLS_PORT")

# trace_msg send|recv PEER FIRST-LINE: the head of the first message tandemd's SIP trace shows
# it sent to (or received from) PEER over TLS ("" for any peer: baresip's TLS connections come
# from 127.0.0.1, not from its SIP address) whose first line starts with FIRST-LINE
trace_msg() {
	awk -v dir="$1" -v peer="tls/[$2" -v first="$3" '
		/ sip: (send|recv) [0-9]+ bytes / {
			if (state == 2) exit
			state = (index($0, " sip: " dir " ") && index($0, peer)) ? 1 : 0; next
		}
		state == 0 || !/ sip:    / { next }
		{ line = $0; sub(/^.* sip:    /, "", line); sub(/\r$/, "", line) }
		line ~ /^-+$/ { next }
		state == 1 { state = (index(line, first) == 1) ? 2 : 0 }
		state == 2 && line == "" { exit }
		state == 2 { print line }
		' "$T/tandemd.log"
}

tls_self_signed tandem "$TANDEM_IP"
for ua in a b; do	# baresip's sip_certificate: the key and the certificate in one file
	ip=$CALLER_IP; [ $ua = b ] && ip=$CALLEE2_IP
	tls_self_signed "$ua" "$ip"
	cat "$T/$ua.key" "$T/$ua.pem" > "$T/$ua-agent.pem"
done
tls_tandemd "$SRC/tandemd-tls.conf"

# ---- baresip -> tandemd -> baresip, both legs TLS with sip: URIs ----
ua_launch b ua-b.config ua-b.accounts 60	# bob on $CALLEE2_IP, TLS on 5081, answermode=auto
ua_launch a ua-a.config ua-a.accounts 60	# alice on $CALLER_IP:5070, TLS on 5071
ua_wait_ready b
ua_wait_ready a
wait_until 5 "baresip b listening on TLS" bound_tcp "$CALLEE2_IP:5081"
ua_cmd a dial "sip:bob@$TANDEM_IP:$TANDEM_TLS_PORT;transport=tls"
ua_wait_event b CALL_ESTABLISHED 10
ua_wait_event a CALL_ESTABLISHED 10
wait_until 5 "the call answered in tandemd" answered_is 1
# the answer to a sip: request over TLS names tandemd with a sip: URI and transport=tls;
# baresip ACKs it there (a <sips:...> Contact it did not ask for, it refuses: no ACK)
trace_msg send "" "SIP/2.0 200" > "$T/200-to-a"
grep -q "^Contact: <sip:$TLS_RE;transport=tls>" "$T/200-to-a" ||
	fail "the 200 to baresip a has $(grep -i '^Contact' "$T/200-to-a" || echo 'no Contact')"
wait_until 5 "baresip a's ACK to tandemd's Contact" \
	log_has " sip:    ACK sip:$TLS_RE;transport=tls SIP/2\.0"
# the outbound leg: the target is sip:...;transport=tls, so is our Contact
trace_msg send "$CALLEE2_IP]:" "INVITE" > "$T/invite-to-b"
grep -q "^INVITE sip:bob@$(re_of "$CALLEE2_IP" | sed 's/\\\\/\\/g'):5081;transport=tls SIP/2.0" "$T/invite-to-b" ||
	fail "the INVITE to baresip b: $(head -n 1 "$T/invite-to-b")"
grep -q "^Contact: <sip:$TLS_RE;transport=tls>" "$T/invite-to-b" ||
	fail "the INVITE to baresip b has $(grep -i '^Contact' "$T/invite-to-b" || echo 'no Contact')"

id=$(call_id_of_first)
[ -n "$id" ] || fail "no call in tandemd"
# 100 packets (2 s of audio) each way on both legs, whatever the machine's load
wait_until 15 "100 packets each way on both legs" relay_counted "$id" \
	'.a.packets >= 100 and .a.sent >= 100 and .b.packets >= 100 and .b.sent >= 100'
# still up: a call whose 200 is not ACKed ends (timer H) or is torn down
ua_has_event a CALL_CLOSED && fail "baresip a closed the call: $(grep CALL_CLOSED "$T/ua-a/events")"
ua_cmd a hangup
ua_wait_event a CALL_CLOSED 10
ua_wait_event b CALL_CLOSED 10
wait_active 0
log_has "ending reason=bye-caller code=200" || fail "tandemd did not log a clean BYE from the caller"
ua_stop a
ua_stop b
expect_tone a "$TONE_B"	# A hears B through tandemd
expect_tone b "$TONE_A"	# B hears A

# ---- a sips: request still gets a sips: Contact, and a sips: target one too ----
tlspeer_start carol uas --local "$CALLEE_IP:5061" --cert "$T/b.pem" --key "$T/b.key" --timeout 30
wait_until 5 "the TLS callee listening" bound_tcp "$CALLEE_IP:5061"
tlspeer_start caller uac --local "$CALLER_IP" --remote "$TANDEM_IP:$TANDEM_TLS_PORT" \
	--ca "$T/tandem.pem" --user carol --hold 1
expect_tlspeer caller
expect_tlspeer carol
awk '/^--- received/ { m = 1; next } m && /^SIP\/2.0 200/ { s = 1 } s && /^Contact:/ { print; exit }' \
	"$T/tls-caller.log" > "$T/200-to-sips"
grep -q "^Contact: <sips:$TLS_RE>" "$T/200-to-sips" ||
	fail "the 200 to the sips: caller has: $(cat "$T/200-to-sips")"
grep -q "^INVITE sips:carol@$CALLEE_IP:5061 SIP/2.0" "$T/tls-carol.log" || fail "carol got no sips: INVITE"
grep -q "^Contact: <sips:$TLS_RE>" "$T/tls-carol.log" || fail "the INVITE to carol has no sips: Contact"
wait_active 0
expect_stat .calls.answered 2
tls_tandemd_stop
