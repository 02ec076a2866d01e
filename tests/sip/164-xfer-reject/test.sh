# 164-xfer-reject: REFER refused by policy.
subst "$SRC/bob.xml" "$T/bob.xml"
uas_start bob "$T/bob.xml" 60 -m 1
uac_start alice alice.xml 60 -m 1 -s bob
wait_until 10 "bob's REFER refused" log_has "REFER from leg B refused by the route"
caller_go
expect_sipp alice 0
expect_sipp bob 0
wait_active 0
log_has "REFER from leg B refused by the route" || fail "tandemd did not log the refusal"
