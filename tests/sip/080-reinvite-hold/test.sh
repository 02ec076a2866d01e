# 080-reinvite-hold: hold/resume by re-INVITE from the caller, then from the callee.
uas_start callee uas.xml 30 -m 1
uac_start caller uac.xml 30 -m 1 -s bob
expect_sipp caller 0
expect_sipp callee 0
wait_active 0
expect_stat .calls.answered 1
expect_stat .calls.failed 0
