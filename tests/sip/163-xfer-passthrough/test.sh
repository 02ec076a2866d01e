# 163-xfer-passthrough: the REFER crosses, the NOTIFYs come back.
subst "$SRC/bob.xml" "$T/bob.xml"
uas_start bob "$T/bob.xml" 30 -m 1
uac_start alice alice.xml 30 -m 1 -s bob
expect_sipp alice 0
expect_sipp bob 0
wait_active 0
log_has "REFER from leg B passed to leg A" || fail "tandemd did not log the passthrough"
