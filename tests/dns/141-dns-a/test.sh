# 141-dns-a: an A record only; the second call from the cache.
dns_start --host-record=callee.test,127.0.0.2
CALLEE_PORT=5060 uas_start callee "$HERE_DNS/uas.xml" 30 -m 2
uac_start caller "$HERE_DNS/uac.xml" 20 -m 1 -s bob
expect_sipp caller 0
log_has "dns: callee.test -> sip:127.0.0.2:5060;transport=udp" ||
	fail "tandemd did not send to the A record's address on the default port"
grep -q "^INVITE sip:bob@callee.test SIP/2.0" "$T"/uas_*_messages.log ||
	fail "the Request-URI did not keep the name"
[ "$(dns_queries "(_sip\._udp\.)?callee\.test")" = 3 ] ||
	fail "want 3 queries for callee.test (NAPTR, SRV, A), dnsmasq saw $(dns_queries "(_sip\._udp\.)?callee\.test")"
CALLER_PORT=5071 uac_start caller2 "$HERE_DNS/uac.xml" 20 -m 1 -s bob
expect_sipp caller2 0
expect_sipp callee 0
[ "$(dns_queries "(_sip\._udp\.)?callee\.test")" = 3 ] || fail "the second call did not use the cache"
wait_active 0
expect_stat .calls.answered 2
