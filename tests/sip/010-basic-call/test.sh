# 010-basic-call: caller -> tandemd -> callee, answered, the caller hangs up.
uas_start callee uas.xml 20 -m 1
uac_start caller uac.xml 20 -m 1 -s bob
expect_sipp caller 0
expect_sipp callee 0
wait_active 0
expect_stat .calls.total 1
expect_stat .calls.answered 1
expect_stat .calls.failed 0
log_has "ending reason=bye-caller" || fail "tandemd did not log the call as ended by the caller's BYE"
