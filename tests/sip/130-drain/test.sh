# 130-drain: SIGTERM with two calls up (drain_grace = 6 s: long enough for a sipp started
# after the SIGTERM to get its 503 on a loaded machine).
uas_start callee uas.xml 30 -m 2
uac_start up uac-up.xml 30 -m 2 -l 2 -r 10 -s bob
wait_active 2
touch "$T/tandemd.sigterm"	# tells the runner that SIGTERM was sent here
t_term=$SECONDS
kill -TERM "$TANDEMD_PID"
wait_until 5 "tandemd draining" eval '[ "$(status_get .draining)" = true ]'
CALLER_PORT=5071 uac_start new uac-503.xml 10 -m 1 -s bob
expect_sipp new 0
[ "$(log_count 'placing leg B')" = 2 ] || fail "the call made while draining reached a callee"
expect_sipp up 0
# the calls up were hung up at the end of the grace (6 s), not at once (whole seconds: >= 5)
[ $((SECONDS - t_term)) -ge 5 ] || fail "the calls up ended $((SECONDS - t_term)) s after SIGTERM, before drain_grace"
expect_sipp callee 0
log_has "drain grace over: hanging up 2 calls" || fail "tandemd did not log the end of the drain grace"
[ "$(log_count 'ending reason=drain')" -ge 2 ] || fail "the calls did not end as reason=drain"
# the runner waits for tandemd to exit by itself and requires exit code 0
