# tests/dns/lib.sh: helpers for the DNS tests (sourced after tests/sip/lib.sh, inside the
# test's network namespace; see tests/dns/run). $DNS_IP is the resolv.conf address.

# dns_start RECORD-OPTIONS...: dnsmasq on $DNS_IP:53 answering only from its own records
# (--host-record, --srv-host, --naptr-record...) for names under .test (--local: the
# others are NXDOMAIN, nothing is forwarded), logging each query
# to $T/dnsmasq.log; waits until it listens.
dns_start() {
	dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts --no-poll \
		--listen-address="$DNS_IP" --bind-interfaces --port 53 --user=root --pid-file= \
		--local=/test/ --log-queries --log-facility="$T/dnsmasq.log" --local-ttl=60 "$@" \
		> "$T/dnsmasq.out" 2>&1 < /dev/null &
	echo $! >> "$T/pids"
	wait_until 5 "dnsmasq listening on $DNS_IP:53" bound_udp "$DNS_IP:53"
}

# silent_dns_start: a UDP socket on $DNS_IP:53 that reads queries and never answers
silent_dns_start() {
	python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 53))
with open(sys.argv[2], "a", buffering=1) as log:
    for _ in range(100000):
        s.recv(4096)
        log.write("query\n")
' "$DNS_IP" "$T/silent.log" > /dev/null 2>&1 < /dev/null &
	echo $! >> "$T/pids"
	wait_until 5 "the silent DNS server on $DNS_IP:53" bound_udp "$DNS_IP:53"
}

dns_queries() {	# dns_queries ERE: how many queries dnsmasq logged for names matching ERE
	grep -c -E "query\[[A-Z]+\] $1 from" "$T/dnsmasq.log" 2>/dev/null
}

cpu_ticks() {	# tandemd's utime+stime, in clock ticks (/proc/PID/stat fields 14 and 15)
	awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$TANDEMD_PID/stat"
}

# expect_low_cpu SECONDS: over SECONDS, tandemd uses less than 10% of one core
# (e.g. less than 0.5 s of CPU over 5 s)
expect_low_cpu() {
	local secs=$1 t0 t1 hz used
	hz=$(getconf CLK_TCK)
	t0=$(cpu_ticks)
	sleep "$secs"	# a measuring window, not a wait for an event
	t1=$(cpu_ticks)
	used=$((t1 - t0))
	[ $((used * 10)) -lt $((secs * hz)) ] ||
		fail "tandemd used $used ticks of CPU (of $hz per second) in ${secs}s"
	note "tandemd used $used ticks of CPU in ${secs}s ($hz ticks/s)"
}

# expect_options: tandemd answers OPTIONS (a sipp client on 127.0.0.4:5069)
expect_options() {
	sipp_start options 5 -sf "$HERE_DNS/options.xml" "$TANDEM" -i "$CALLER_IP" -p 5069 -m 1
	expect_sipp options 0
}
