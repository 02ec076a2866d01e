# 021-advertise: a listener's advertise is what Via sent-by and Contact name on its legs
# (and the From host by default), and the TLS listener has its own; requests sent to it arrive.
. "$(dirname "${BASH_SOURCE[0]}")/../sipua.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../tls.sh"
ADV=$TEST_NET.9

# ---- tandemd -t: bad advertise values, with file and line ----
check_bad() {	# check_bad NAME ERE-OF-THE-MESSAGE: tandemd -t refuses $T/NAME.conf so
	local out
	out=$("$TANDEMD" -t -c "$T/$1.conf" 2>&1) && fail "tandemd -t accepts $1.conf"
	grep -q -E -- "$2" <<< "$out" || fail "tandemd -t on $1.conf said: $out"
	note "$1: $out"
}
bad_adv() {	# bad_adv NAME VALUE
	{ echo 'listen = ('
	  printf '  { transport = "udp"; address = "%s"; port = 5060;\n' "$TANDEM_IP"
	  printf '    advertise = "%s"; } );\n' "$2"; } > "$T/$1.conf"
	check_bad "$1" "$1.conf:3: advertise must be \"host\[:port\]\""
}
bad_adv space "a b"
bad_adv port "$ADV:70000"
bad_adv noport "$ADV:"
bad_adv v6noport "[::1"
{ echo 'listen = ('
  printf '  { transport = "udp"; address = "%s"; advertise = "%s"; },\n' "$TANDEM_IP" "$ADV"
  printf '  { transport = "tcp"; address = "%s"; advertise = "192.0.2.1"; } );\n' "$TANDEM_IP"
} > "$T/mismatch.conf"
check_bad mismatch "mismatch.conf:3: the UDP and TCP listeners share one address"
{ printf 'listen = ( { transport = "udp"; address = "%s";\n' "$TANDEM_IP"
  echo '  advertise = "[2001:db8::1]:5080"; } );'; } > "$T/good.conf"
"$TANDEMD" -t -c "$T/good.conf" > /dev/null 2>&1 || fail "tandemd -t refuses [2001:db8::1]:5080"

# ---- a UDP call: Via, Contact (both legs) and From name the advertised address ----
py_start parties 30 parties.py "$ADV"
expect_py parties
wait_active 0
log_has "listening on sip:$ADV:5060;maddr=0.0.0.0" || fail "tandemd's log does not say it advertises $ADV"

# ---- a TLS listener with an advertise of its own: the TLS caller sees that one ----
tls_self_signed tandem "$TANDEM_IP"
tls_tandemd "$SRC/tandemd-tls.conf"
py_start bob 30 parties.py "$ADV" tls-caller
wait_until 5 "bob listening on $CALLEE" bound_udp "$CALLEE"
tlspeer_start caller uac --local "$CALLER_IP" --remote "$TANDEM_IP:$TANDEM_TLS_PORT" \
	--user bob --hold 0
expect_tlspeer caller
expect_py bob
contact=$(awk '/^--- received/ { r = 1; next } /^--- / { r = 0 } r && /^SIP\/2.0 200/ { m = 1 }
	m && tolower($0) ~ /^(contact|m):/ { print; exit }' "$T/tls-caller.log")
[ -n "$contact" ] || fail "no Contact in the 200 the TLS caller got"
case $contact in
*"<sips:$TANDEM_IP:$TANDEM_TLS_PORT>"*) ;;
*) fail "the TLS caller's 200 has $contact, want the TLS listener's <sips:$TANDEM_IP:$TANDEM_TLS_PORT>" ;;
esac
note "TLS caller's 200: $contact"
wait_active 0
tls_tandemd_stop
