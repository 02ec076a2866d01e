# 023-nat-tcp: a caller behind NAT over TCP (Via, Contact and SDP on 10.9.9.9) gets the
# keepalive OPTIONS and the callee's BYE over its own TCP connection.
. "$(dirname "${BASH_SOURCE[0]}")/../sipua.sh"
ip route get 10.9.9.9 > /dev/null 2>&1 && fail "10.9.9.9 has a route here: not a namespace of its own?"
py_start bob 40 bob.py
wait_until 5 "bob listening on $CALLEE" bound_udp "$CALLEE"
sipp_start caller 30 -sf "$SRC/uac-tcp.xml" "$TANDEM" -i "$CALLER_IP" -p "$CALLER_PORT" -t t1 -m 1
# tandemd's trace: "send N bytes to tcp/[ADDR]:PORT", then the request line
options_over_tcp() {
	awk -v to="to tcp/[$CALLER_IP]:$CALLER_PORT " '
		/ sip: send [0-9]+ bytes / { s = index($0, to) > 0; next }
		s && /sip: +OPTIONS sip:alice@10\.9\.9\.9:5060;transport=tcp SIP\/2\.0/ { found = 1 }
		/ sip: recv / { s = 0 }
		END { exit !found }' "$T/tandemd.log"
}
wait_until 15 "a keepalive OPTIONS over the TCP caller's connection" options_over_tcp
touch "$T/bye-now"
expect_py bob
expect_sipp caller 0
wait_active 0
log_has "caller behind NAT: its requests go to $CALLER_IP:[0-9]+ \(Via 10.9.9.9:5060\)" ||
	fail "tandemd did not log the NATed TCP caller"
n=$(ss -Htn "src $TANDEM_IP" 2>/dev/null | grep -c ESTAB)
note "tandemd's TCP connections left: $n"
