# 149-dns-sigint: SIGINT while a call waits for DNS.
silent_dns_start
uac_start caller "$HERE_DNS/uac-503.xml" 15 -m 1 -s bob
wait_until 5 "the lookup of slow.test" log_has "dns: query NAPTR slow.test"
kill -INT "$TANDEMD_PID"
gone() { ! kill -0 "$TANDEMD_PID" 2>/dev/null; }
wait_until 5 "tandemd to exit after SIGINT" gone
expect_sipp caller 0
log_has "SIGINT" || fail "tandemd did not log the SIGINT"
