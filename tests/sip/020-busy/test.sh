# 020-busy: the callee answers 486, the caller gets exactly 486.
uas_start callee uas.xml 20 -m 1
uac_start caller uac.xml 20 -m 1 -s bob
expect_sipp caller 0
expect_sipp callee 0
wait_active 0
expect_stat .calls.total 1
expect_stat .calls.answered 0
expect_stat .calls.failed 1
log_count "placing leg B" | grep -qx 1 || fail "tandemd placed more than one outbound leg (486 must not fail over)"
