# 050-failover: 503 from the first target -> the second; then a first target that never
# answers -> the second after connect_timeout (2 s).
uas_start first uas-503.xml 20 -m 1
uas2_start second uas.xml 30 -m 2
uac_start caller uac.xml 20 -m 1 -s bob
expect_sipp caller 0
expect_sipp first 0
wait_active 0
log_has "placing leg B to sip:bob@$CALLEE2" || fail "no outbound leg to the second target"

# part 2: a target that takes the INVITE and stays silent
timeout 20 python3 "$SRC/blackhole.py" "$CALLEE2_IP" 5090 "$T/blackhole.log" 15 &
echo $! >> "$T/pids"
wait_until 5 "the silent target listening" bound_udp "$CALLEE2_IP:5090"
uac_start caller2 uac.xml 20 -m 1 -s slow
expect_sipp caller2 0
expect_sipp second 0
grep -q "^INVITE sip:slow@$CALLEE2_IP:5090" "$T/blackhole.log" ||
	fail "the silent first target never got the INVITE"
wait_active 0
expect_stat .calls.total 2
expect_stat .calls.answered 2
expect_stat .calls.failed 0
