# 143-dns-nxdomain: the name does not exist.
dns_start
uac_start caller "$HERE_DNS/uac-503.xml" 10 -m 1 -s only
expect_sipp caller 0
log_has "dns: nope.test: Domain name not found; the target fails" || fail "the NXDOMAIN was not logged"
uas_start callee "$HERE_DNS/uas.xml" 30 -m 1
CALLER_PORT=5071 uac_start caller2 "$HERE_DNS/uac.xml" 20 -m 1 -s bob
expect_sipp caller2 0
expect_sipp callee 0
[ "$(dns_queries nope.test)" = 1 ] || fail "want one query for nope.test, dnsmasq saw $(dns_queries nope.test)"
wait_active 0
expect_stat .calls.answered 1
expect_stat .calls.failed 1
