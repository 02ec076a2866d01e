# 160-max-forwards: Max-Forwards 0 gets 483; otherwise it is decremented on the outbound leg.
uac_start caller uac-mf0.xml 20 -m 1 -s bob
expect_sipp caller 0
log_has "placing leg B" && fail "an INVITE with Max-Forwards: 0 was forwarded"
uas_start callee uas.xml 20 -m 1
CALLER_PORT=5071 uac_start caller5 uac-mf5.xml 20 -m 1 -s bob
expect_sipp caller5 0
expect_sipp callee 0
wait_active 0
expect_stat .calls.failed 1
expect_stat .calls.answered 1
