# 013-rewrite-headers: user rewrite with captures, headers added, copied and removed; reject.
uas_start callee uas.xml 20 -m 1
uac_start caller uac.xml 20 -m 1 -s 0301234
expect_sipp caller 0
expect_sipp callee 0
sipp_start refused 15 -sf "$SRC/uac-reject.xml" "$TANDEM" -i "$CALLER_IP" -p 5072 -m 1 -s 0301234
expect_sipp refused 0
wait_active 0
log_has "ending reason=route-reject code=403" || fail "tandemd did not log the route's reject"
