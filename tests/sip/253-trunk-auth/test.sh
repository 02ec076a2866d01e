# 253-trunk-auth: trunk credentials answer a target's challenge, once; see README.
uas_start carrier uas-auth.xml 20 -m 1
uac_start caller uac.xml 20 -m 1 -s good
expect_sipp caller 0
expect_sipp carrier 0
grep -q "the Authorization did not verify" "$T"/uas-auth_*_logs.log &&
	fail "the callee could not verify tandemd's Authorization"
log_has "target challenged \(401, realm \"carrier\"\): answering as 'trunkuser'" ||
	fail "tandemd did not log the trunk challenge"

uas_start carrier2 uas-refuse.xml 20 -m 1
uas2_start other uas.xml 20 -m 1
uac_start caller2 uac.xml 20 -m 1 -s bad
expect_sipp caller2 0
expect_sipp other 0
expect_sipp carrier2 0
log_has "target challenged again \(401, realm \"carrier\"\): the credentials of user 'trunkuser' were refused" ||
	fail "tandemd did not log the refused trunk credentials"
wait_active 0
expect_stat .calls.answered 2
! grep -q -E "trunk-Pw|wrong-Pw" "$T/tandemd.log" || fail "a trunk password reached the log"
