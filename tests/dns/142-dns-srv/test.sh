# 142-dns-srv: SRV priority 10 dead, priority 20 answers.
dns_start --srv-host=_sip._udp.pbx.test,dead.test,5080,10,100 \
	--srv-host=_sip._udp.pbx.test,live.test,5080,20,100 \
	--host-record=dead.test,127.0.0.2 --host-record=live.test,127.0.0.3
uas2_start callee "$HERE_DNS/uas.xml" 30 -m 1
uac_start caller "$HERE_DNS/uac.xml" 20 -m 1 -s bob
expect_sipp caller 0
expect_sipp callee 0
log_has "dns: pbx.test -> sip:127.0.0.2:5080;transport=udp \(address 1 of 2\)" ||
	fail "the priority 10 address was not tried first"
log_has "dns: pbx.test -> sip:127.0.0.3:5080;transport=udp \(address 2 of 2\)" ||
	fail "the priority 20 address was not tried second"
grep -q "^INVITE sip:bob@pbx.test SIP/2.0" "$T"/uas_*_messages.log ||
	fail "the Request-URI did not keep the name"
wait_active 0
expect_stat .calls.answered 1
expect_stat .calls.failed 0
# a CANCEL goes where the INVITE went: the second address, the callee that rings
uas2_start callee2 "$HERE_DNS/uas-cancel.xml" 20 -m 1
CALLER_PORT=5071 uac_start caller2 "$HERE_DNS/uac-cancel-ringing.xml" 20 -m 1 -s bob
expect_sipp caller2 0
expect_sipp callee2 0
wait_active 0
log_has "ending reason=cancel" || fail "the second call was not cancelled"
expect_stat .calls.failed 1
