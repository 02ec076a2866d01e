# 170-tls-caller: TLS caller (self-signed certificate made here) -> tandemd -> UDP callee.
. "$(dirname "${BASH_SOURCE[0]}")/../tls.sh"
tls_self_signed tandem "$TANDEM_IP"
tls_self_signed other "$TANDEM_IP"

# ---- tandemd -t on broken TLS configs: file:line errors ----
check_bad() {	# check_bad NAME ERE-OF-THE-MESSAGE: tandemd -t refuses $T/NAME.conf so
	local out
	out=$("$TANDEMD" -t -c "$T/$1.conf" 2>&1) && fail "tandemd -t accepts $1.conf"
	grep -q -E -- "$2" <<< "$out" || fail "tandemd -t on $1.conf said: $out"
	note "$1: $out"
}
base() {	# the listeners and control lines of a config, TLS listener on $1
	printf 'listen = ( { transport = "udp"; address = "%s"; port = 5060; },\n' "$TANDEM_IP"
	printf '  { transport = "tls"; address = "%s"; port = 5061; } );\n' "$1"
	printf 'control = { socket = "%s"; };\n' "$SOCK"
}
{ base "$TANDEM_IP"
  printf 'tls = { certificate = "%s";\n  key = "%s"; };\n' "$T/tandem.pem" "$T/other.key"
  echo 'routes = ( );'; } > "$T/mismatch.conf"
check_bad mismatch "mismatch.conf:5: tls.key: .*other.key does not match the certificate"
{ base "$TANDEM_IP"
  printf 'tls = { certificate = "%s"; key = "%s"; };\n' "$T/missing.pem" "$T/tandem.key"
  echo 'routes = ( );'; } > "$T/missing.conf"
check_bad missing "missing.conf:4: tls.certificate: cannot read .*missing.pem"
{ base "$TANDEM_IP"; echo 'routes = ( );'; } > "$T/nosection.conf"
check_bad nosection "nosection.conf:1: a TLS listener needs the 'tls' section"
{ base "127.0.0.1"
  printf 'tls = { certificate = "%s"; key = "%s"; };\n' "$T/tandem.pem" "$T/tandem.key"
  echo 'routes = ( );'; } > "$T/otheraddr.conf"
check_bad otheraddr "otheraddr.conf:2: the TLS listener must use the address of the UDP/TCP listeners"
{ printf 'listen = ( { transport = "udp"; address = "%s"; port = 5060; } );\n' "$TANDEM_IP"
  printf 'routes = ( { name = "r";\n  targets = ( "sips:%s" ); } );\n' "$CALLEE_IP"; } > "$T/notls.conf"
check_bad notls "notls.conf:2: route \"r\": TLS target sips:$CALLEE_IP needs a TLS listener"
{ printf 'listen = ( { transport = "udp"; address = "%s"; port = 5060; } );\n' "$TANDEM_IP"
  printf 'routes = ( { name = "r"; targets = ( "sip:%s" );\n' "$CALLEE_IP"
  echo '  security = { caller = "srtp"; sdes_tls_only = false; }; } );'; } > "$T/sdes.conf"
out=$("$TANDEMD" -t -c "$T/sdes.conf" 2>&1) || fail "tandemd -t refuses sdes.conf: $out"
grep -q -E 'sdes.conf:2: route "r": caller = "srtp" offers SDES keys over UDP/TCP' <<< "$out" ||
	fail "no warning about SDES over UDP: $out"
note "sdes: $out"

# ---- the call ----
tls_tandemd "$SRC/tandemd-tls.conf"
uas_start callee uas.xml 20 -m 1
tlspeer_start caller uac --local "$CALLER_IP" --remote "$TANDEM_IP:$TANDEM_TLS_PORT" \
	--ca "$T/tandem.pem" --user bob --hold 1
expect_tlspeer caller
expect_sipp callee 0
wait_active 0
expect_stat .calls.answered 1
want=$(fp_of "$T/tandem.pem")
grep -q "^peer-cert: $want$" "$T/tls-caller.log" ||
	fail "the caller saw $(grep '^peer-cert' "$T/tls-caller.log"), want $want"
[ "$(served_fp "$TANDEM_IP:$TANDEM_TLS_PORT")" = "$want" ] || fail "s_client sees another certificate"
log_has "Via: SIP/2.0/TLS $CALLER_IP" || fail "no INVITE over TLS in tandemd's trace"
log_has "listening on sip:$TANDEM_IP:5060;transport=udp and sips:$TANDEM_IP:5061" ||
	fail "tandemd does not say it listens on TLS"
[ "$(stat -c %a "$T/tls")" = 700 ] || fail "$T/tls is mode $(stat -c %a "$T/tls"), want 700"
[ "$(stat -c %a "$T/tls/agent.pem")" = 600 ] || fail "agent.pem is not mode 600"
cmp -s <(cat "$T/tandem.key" "$T/tandem.pem") "$T/tls/agent.pem" || fail "agent.pem is not key + certificate"
# sofia-sip never frees the SSL of a TLS connection it closes; tsip_tls_reload.c's
# SSL_shutdown does. Both connections (the caller's, s_client's) must be freed once closed:
# if sofia stopped calling SSL_shutdown this fails; if it began to SSL_free itself, the
# double free crashes tandemd (ASan run)
tls_all_closed() {
	local made freed
	made=$(status_get .tls.connections) && freed=$(status_get .tls.closed) &&
	[ "$made" -ge 2 ] && [ "$made" = "$freed" ]
}
wait_until 10 "every closed TLS connection's SSL freed ($(status_get .tls.connections 2>/dev/null) made)" tls_all_closed
note "TLS connections made and freed: $(status_get .tls.closed)"
tls_tandemd_stop
