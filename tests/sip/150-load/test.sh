# 150-load: 1,000 calls at 50 calls/s, each held 1 s; only failures count (no timing asserts).
SIPP_TRACE=0
uas_start callee uas.xml 100 -m 1000 -buff_size 4194304
uac_start caller uac.xml 90 -m 1000 -r 50 -l 200 -s bob -buff_size 4194304
expect_sipp caller 0
expect_sipp callee 0
wait_active 0 10
expect_stat .calls.total 1000
expect_stat .calls.answered 1000
expect_stat .calls.failed 0
