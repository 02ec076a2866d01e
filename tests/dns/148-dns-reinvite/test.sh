# 148-dns-reinvite: a re-INVITE refused 503 by a target named by DNS.
dns_start --srv-host=_sip._udp.pbx.test,live.test,5080,10,100 \
	--srv-host=_sip._udp.pbx.test,other.test,5080,20,100 \
	--host-record=live.test,127.0.0.3 --host-record=other.test,127.0.0.2
uas2_start callee uas.xml 30 -m 1
uac_start caller uac.xml 20 -m 1 -s bob
expect_sipp caller 0
expect_sipp callee 0
if log_has "next address"; then
	fail "a 503 to a re-INVITE made tandemd try the next address"
fi
[ "$(grep -c '^INVITE sip:bob@pbx.test' "$T"/uas_*_messages.log)" = 1 ] ||
	fail "the callee did not get exactly one initial INVITE"
wait_active 0
expect_stat .calls.answered 1
