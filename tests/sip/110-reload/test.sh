# 110-reload: 20 calls up; SIGHUP and `tandemctl reload` with a changed valid config.
SIPP_TRACE=0
uas_start callee uas.xml 40 -m 20
uac_start callers uac.xml 40 -m 20 -l 20 -r 20 -s bob
wait_active 20 10

subst "$SRC/tandemd-new.conf" "$CONF.new"
mv "$CONF.new" "$CONF"
kill -HUP "$TANDEMD_PID"
wait_until 5 "reloads.ok = 1 after SIGHUP" eval '[ "$(status_get .reloads.ok)" = 1 ]'
out=$(ctl reload 2>&1) || fail "tandemctl reload exited $?: $out"
note "tandemctl reload: $out"
expect_stat .reloads.ok 2
expect_stat .reloads.failed 0
expect_stat .calls.active 20
[ "$(ctl route --from alice --to new | head -n 1)" = "route new: user new" ] ||
	fail "the reloaded config is not in use: $(ctl route --from alice --to new)"

# a call on the new route, while the 20 are still up
uas2_start callee2 uas.xml 20 -m 1
CALLER_PORT=5071 uac_start newcall uac-short.xml 20 -m 1 -s new
expect_sipp newcall 0
expect_sipp callee2 0

expect_sipp callers 0
expect_sipp callee 0
wait_active 0
expect_stat .calls.total 21
expect_stat .calls.answered 21
expect_stat .calls.failed 0
[ "$(log_count 'ending reason=bye-caller')" = 21 ] ||
	fail "$(log_count 'ending reason=bye-caller') calls ended by the caller's BYE, want 21"
