# 230-media-timeout: dead media ends the call on both legs.
subst "$SRC/uas.xml" "$T/uas.xml"
subst "$SRC/uac.xml" "$T/uac.xml"
uas_start callee "$T/uas.xml" 30 -m 1
uac_start caller "$T/uac.xml" 30 -m 1 -s bob
expect_sipp caller 0
expect_sipp callee 0
wait_active 0
log_has "ending reason=media-timeout" || fail "tandemd did not end the call for the media timeout"
expect_stat .media.streams 0
