# 144-dns-unreachable: no route to the DNS server; the call fails over to the second target.
uas_start callee "$HERE_DNS/uas.xml" 30 -m 2
uac_start caller "$HERE_DNS/uac.xml" 20 -m 1 -s bob
expect_options
timeout 5 "$TANDEMCTL" -s "$SOCK" status > /dev/null || fail "tandemctl status did not answer"
# 2 s: the pending (or failed) lookup is inside that window; a longer one only pushes the second
# call toward the end of the failure's 10 s in the cache (DNS_FAIL_TTL) on a loaded machine
expect_low_cpu 2
expect_sipp caller 0
log_has "answered 200 by sip:bob@$CALLEE" || fail "the call was not answered by the second target"
CALLER_PORT=5071 uac_start caller2 "$HERE_DNS/uac.xml" 20 -m 1 -s bob
expect_sipp caller2 0
expect_sipp callee 0
wait_active 0
expect_stat .calls.answered 2
expect_low_cpu 2
# the failure was cached: one lookup for both calls
[ "$(log_count 'dns: query NAPTR carrier.test')" = 1 ] || fail "the failed lookup was not cached"
