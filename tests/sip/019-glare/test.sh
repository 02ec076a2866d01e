# 019-glare: tandemd retries a 491'd re-INVITE itself.
uas_start callee uas.xml 30 -m 1
uac_start caller uac.xml 30 -m 1 -s bob
expect_sipp caller 0
expect_sipp callee 0
wait_active 0
log_has "re-INVITE on leg B again after 491" || fail "tandemd did not retry after the 491"
