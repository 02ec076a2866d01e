# 070-call-limit: limits.max_calls = 3 (retry_after = 7), and a route "small" with max_calls = 1.
uas_start callee uas.xml 40 -m 6
uac_start holders uac-hold.xml 25 -m 3 -l 3 -r 10 -s bob
wait_active 3
CALLER_PORT=5071 uac_start over uac-503.xml 15 -m 1 -s bob
expect_sipp over 0
expect_stat .calls.active 3
expect_sipp holders 0
wait_active 0
log_has "limit of 3 calls reached" || fail "tandemd did not log the limit"
CALLER_PORT=5072 uac_start after uac-ok.xml 15 -m 1 -s bob
expect_sipp after 0
wait_active 0
expect_stat .calls.total 5
expect_stat .calls.answered 4
expect_stat .calls.failed 1

# the route's own limit: one call up on "small", the second gets 503, other routes still work
CALLER_PORT=5073 uac_start small1 uac-hold.xml 25 -m 1 -s small
wait_active 1
CALLER_PORT=5074 uac_start small2 uac-503.xml 15 -m 1 -s small
expect_sipp small2 0
log_has "route limit of 1 calls reached" || fail "tandemd did not log the route limit"
CALLER_PORT=5075 uac_start other uac-ok.xml 15 -m 1 -s bob
expect_sipp other 0
expect_sipp small1 0
expect_sipp callee 0
wait_active 0
expect_stat .calls.total 8
expect_stat .calls.answered 6
expect_stat .calls.failed 2
