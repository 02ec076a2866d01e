# 060-no-route: the only route takes users 1xx; user 999 gets 404, user 100 gets through.
uac_start caller uac.xml 20 -m 1 -s 999
expect_sipp caller 0
log_has "placing leg B" && fail "tandemd placed an outbound leg for a call no route matches"
wait_active 0
expect_stat .calls.failed 1
uas_start callee uas.xml 20 -m 1
uac_start caller2 uac-ok.xml 20 -m 1 -s 100
expect_sipp caller2 0
expect_sipp callee 0
wait_active 0
expect_stat .calls.answered 1
