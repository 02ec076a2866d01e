# 173-tls-reload: SIGHUP re-reads the certificate; a call made before keeps working.
. "$(dirname "${BASH_SOURCE[0]}")/../tls.sh"
tls_self_signed one "$TANDEM_IP"
tls_self_signed two "$TANDEM_IP"
cp "$T/one.pem" "$T/current.pem"
cp "$T/one.key" "$T/current.key"
fp1=$(fp_of "$T/one.pem")
fp2=$(fp_of "$T/two.pem")
tls_tandemd "$SRC/tandemd-tls.conf"
[ "$(served_fp "$TANDEM_IP:$TANDEM_TLS_PORT")" = "$fp1" ] || fail "tandemd does not serve certificate one"

uas_start callee uas.xml 40 -m 2
tlspeer_start before uac --local "$CALLER_IP" --remote "$TANDEM_IP:$TANDEM_TLS_PORT" \
	--ca "$T/one.pem" --user bob --hold 50 --bye-file "$T/hangup"
wait_until 15 "the first call answered" eval '[ "$(status_get .calls.answered)" = 1 ]'

cp "$T/two.pem" "$T/current.pem"
cp "$T/two.key" "$T/current.key"
kill -HUP "$TLS_TANDEMD_PID"
wait_until 5 "reloads.ok = 1 after SIGHUP" eval '[ "$(status_get .reloads.ok)" = 1 ]'
log_has "TLS: certificate $T/current.pem re-read" || fail "tandemd did not say it re-read the certificate"
got=$(served_fp "$TANDEM_IP:$TANDEM_TLS_PORT")
[ "$got" = "$fp2" ] || fail "after the reload a new connection gets $got, want $fp2 (two)"
note "after SIGHUP, s_client sees $got (two)"
expect_stat .calls.active 1

# a new TLS caller that trusts only the new certificate
tlspeer_start after uac --local "$CALLEE2_IP" --remote "$TANDEM_IP:$TANDEM_TLS_PORT" \
	--ca "$T/two.pem" --user bob --hold 0.5
expect_tlspeer after
grep -q "^peer-cert: $fp2$" "$T/tls-after.log" || fail "the second caller did not see two"

# a reload that cannot work: the key of one with the certificate of two
cp "$T/one.key" "$T/current.key"
ctl reload > "$T/reload.out" 2>&1 && fail "tandemctl reload accepts a key of another certificate"
grep -q "tls.key: .*current.key does not match" "$T/reload.out" || fail "reload said: $(cat "$T/reload.out")"
[ "$(served_fp "$TANDEM_IP:$TANDEM_TLS_PORT")" = "$fp2" ] || fail "a failed reload changed the certificate"
cp "$T/two.key" "$T/current.key"

# the first call is still up on its old connection and ends normally
expect_stat .calls.active 1
touch "$T/hangup"
expect_tlspeer before
grep -q "^peer-cert: $fp1$" "$T/tls-before.log" || fail "the first caller did not see one"
grep -q "^result: ok BYE answered 200" "$T/tls-before.log" || fail "the first call did not end with its BYE"
expect_sipp callee 0
wait_active 0
expect_stat .calls.answered 2
expect_stat .calls.failed 0
tls_tandemd_stop
