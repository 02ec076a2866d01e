# 147-dns-naptr-hosts: NAPTR -> SRV -> A; a name of /etc/hosts.
dns_start --naptr-record=n.test,10,10,s,SIP+D2U,,_sip._udp.svc.test \
	--srv-host=_sip._udp.svc.test,callee.test,5080,10 --host-record=callee.test,127.0.0.2
uas_start callee "$HERE_DNS/uas.xml" 30 -m 1
uac_start caller "$HERE_DNS/uac.xml" 20 -m 1 -s naptr
expect_sipp caller 0
expect_sipp callee 0
log_has "dns: n.test -> sip:127.0.0.2:5080;transport=udp" || fail "NAPTR -> SRV -> A not followed"
[ "$(dns_queries '_sip\._udp\.svc\.test')" = 1 ] || fail "the NAPTR's SRV name was not looked up"
uas2_start callee2 "$HERE_DNS/uas.xml" 30 -m 1
CALLER_PORT=5071 uac_start caller2 "$HERE_DNS/uac.xml" 20 -m 1 -s bob
expect_sipp caller2 0
expect_sipp callee2 0
log_has "dns: pbx-hosts.test -> sip:127.0.0.3:5080;transport=udp" || fail "/etc/hosts not used"
[ "$(dns_queries 'pbx-hosts\.test')" = 0 ] || fail "a name of /etc/hosts was asked of DNS"
wait_active 0
expect_stat .calls.answered 2
