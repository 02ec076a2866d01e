# 193-calls-per-source: limits.max_calls_per_source = 2: the third call from one address gets 503.
uas_start callee uas.xml 40 -m 4
uac_start holders uac-hold.xml 25 -m 2 -l 2 -r 10 -s bob
wait_active 2
CALLER_PORT=5071 uac_start over uac-503.xml 15 -m 1 -s bob
expect_sipp over 0
log_has "limit of 2 calls from ${CALLER_IP//./\\.}:5071 reached" || fail "no source limit log line"
log_has "ending reason=limit code=503" || fail "the refused call did not end as reason=limit"
CALLER_IP=$TEST_NET.4 CALLER_PORT=5072 uac_start elsewhere uac-ok.xml 15 -m 1 -s bob
expect_sipp elsewhere 0
expect_sipp holders 0
wait_active 0
CALLER_PORT=5073 uac_start again uac-ok.xml 15 -m 1 -s bob
expect_sipp again 0
expect_sipp callee 0
wait_active 0
expect_stat .calls.total 5
expect_stat .calls.answered 4
expect_stat .calls.failed 1
