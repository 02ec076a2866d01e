# 015-display-name: a From with a quoted display name, as most phones send it.
uas_start callee uas.xml 20 -m 1
uac_start caller uac.xml 20 -m 1 -s bob
expect_sipp caller 0
expect_sipp callee 0
wait_active 0
expect_stat .calls.answered 1
expect_stat .calls.failed 0
