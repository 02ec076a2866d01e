# 146-dns-cancel: CANCEL during the lookup; connect_timeout shorter than the lookup.
silent_dns_start
uac_start caller "$HERE_DNS/uac-cancel.xml" 10 -m 1 -s cancel
expect_sipp caller 0
wait_active 0
log_has "ending reason=cancel" || fail "the call was not ended by the CANCEL"
uas_start callee "$HERE_DNS/uas.xml" 30 -m 1
CALLER_PORT=5071 uac_start caller2 "$HERE_DNS/uac.xml" 20 -m 1 -s bob
expect_sipp caller2 0
expect_sipp callee 0
log_has "no response from sip:bob@other.test in 1 s" || fail "the connect timer did not fail the target"
log_has "answered 200 by sip:bob@$CALLEE" || fail "the call was not answered by the second target"
wait_active 0
expect_stat .calls.answered 1
expect_stat .calls.failed 1
