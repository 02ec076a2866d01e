# 030-cancel: the caller cancels while ringing.
uas_start callee uas.xml 20 -m 1
uac_start caller uac.xml 20 -m 1 -s bob
expect_sipp caller 0
expect_sipp callee 0
wait_active 0
expect_stat .calls.answered 0
expect_stat .calls.failed 1
log_has "ending reason=cancel" || fail "tandemd did not log the call as cancelled"
