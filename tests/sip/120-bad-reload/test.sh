# 120-bad-reload: reloading a broken config fails loudly and keeps the running one.
subst "$SRC/tandemd-broken.conf" "$CONF.new"
mv "$CONF.new" "$CONF"
out=$(ctl reload 2>&1)
rc=$?
note "tandemctl reload (unknown key): exit $rc: $out"
[ $rc -eq 1 ] || fail "tandemctl reload of a broken config exited $rc, want 1"
grep -q -F "$CONF:6:" <<< "$out" || fail "tandemctl reload did not print $CONF:6: ($out)"
grep -q "no_such_key" <<< "$out" || fail "tandemctl reload did not name the bad key ($out)"
expect_stat .reloads.failed 1
expect_stat .reloads.ok 0

subst "$SRC/tandemd-syntax.conf" "$CONF.new"
mv "$CONF.new" "$CONF"
out=$(ctl reload 2>&1)
rc=$?
note "tandemctl reload (syntax error): exit $rc: $out"
[ $rc -eq 1 ] || fail "tandemctl reload of a config with a syntax error exited $rc, want 1"
grep -q -F "$CONF:5:" <<< "$out" || fail "tandemctl reload did not print $CONF:5: ($out)"
kill -HUP "$TANDEMD_PID"
wait_until 5 "reloads.failed = 3 after SIGHUP" eval '[ "$(status_get .reloads.failed)" = 3 ]'
log_has "reload failed, keeping the running config: $CONF:5:" ||
	fail "tandemd did not log the failed SIGHUP reload with file:line"
kill -0 "$TANDEMD_PID" || fail "tandemd died on a bad reload"

# still routed by the old config: the call goes to the first callee
uas_start callee uas.xml 20 -m 1
uac_start caller uac.xml 20 -m 1 -s bob
expect_sipp caller 0
expect_sipp callee 0
log_has "route=old placing leg B to sip:bob@$CALLEE" || fail "the call did not take the old route"
wait_active 0
expect_stat .reloads.ok 0
