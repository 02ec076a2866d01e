# tests/sip/ops.sh: helpers for the operations tests (records, events, webhooks,
# /metrics), sourced by their test.sh after lib.sh. The HTTP endpoint of test NNN is
# $TANDEM_IP:8090 (tandemd.conf: http = { address = "@TANDEM_IP@"; port = 8090; }), the
# webhook receiver listens on $CALLEE2_IP:9000. Every peer is recorded in $T/pids.

OPSPEER="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/opspeer.py"
HTTP=http://$TANDEM_IP:8090
command -v python3 >/dev/null || fail "python3 is needed (scripts/install-deps)"
command -v curl >/dev/null || fail "curl is needed (scripts/install-deps)"

# hooks_start OUT [STATUS]: a webhook receiver on $CALLEE2_IP:9000; POST bodies -> OUT
hooks_start() {
	python3 "$OPSPEER" hooks "$CALLEE2_IP" 9000 "$1" "${2:-200}" > "$T/hooks.log" 2>&1 &
	echo "$!" >> "$T/pids"
	wait_until 5 "the webhook receiver listening" tcp_bound "$CALLEE2_IP:9000"
}

tcp_bound() {	# tcp_bound ADDR:PORT: something listens there
	[ -n "$(ss -Htln "src $1" 2>/dev/null)" ]
}

# sse_start OUT [SECONDS]: follow $HTTP/events; data lines -> OUT
sse_start() {
	python3 "$OPSPEER" sse "$HTTP/events" "$1" "${2:-30}" > "$T/sse.log" 2>&1 &
	echo "$!" >> "$T/pids"
	wait_until 5 "the SSE stream open" test -s "$1.ready"
}

# events_start OUT [ARGS...]: tandemctl events --json on the control socket -> OUT
events_start() {
	local out=$1
	shift
	"$TANDEMCTL" -s "$SOCK" --json events "$@" > "$out" 2> "$out.err" &
	echo "$!" >> "$T/pids"
	wait_until 5 "tandemctl events subscribed" subscribers_at_least 1
}

subscribers_at_least() {
	[ "$(status_get .ops.events.subscribers 2>/dev/null)" -ge "$1" ] 2>/dev/null
}

# event_types FILE [CALL]: the event types of FILE (of one call), one per line
event_types() {
	if [ -n "${2:-}" ]; then
		jq -r --argjson c "$2" 'select(.call == $c) | .event' "$1"
	else
		jq -r '.event' "$1"
	fi
}

lines_at_least() {	# lines_at_least FILE N
	[ -f "$1" ] && [ "$(wc -l < "$1")" -ge "$2" ]
}

# metrics_get: GET /metrics, check it with opspeer.py (and promtool when installed);
# the samples as JSON in $T/metrics.json
metrics_get() {
	curl -sf "$HTTP/metrics" -o "$T/metrics.txt" || fail "GET /metrics failed"
	python3 "$OPSPEER" metrics "$T/metrics.txt" > "$T/metrics.json" ||
		fail "/metrics is not valid Prometheus text: $(head -n 5 "$T/metrics.json")"
	if command -v promtool >/dev/null; then	# Debian's prometheus package
		promtool check metrics < "$T/metrics.txt" > "$T/promtool.out" 2>&1 ||
			fail "promtool check metrics: $(head -n 5 "$T/promtool.out")"
		note "promtool check metrics: ok"
	fi
}

metric() {	# metric 'name{label="x"}': its value in $T/metrics.json (0 when absent)
	jq -r --arg k "$1" '.[$k] // 0' "$T/metrics.json" | sed 's/\.0$//'
}

expect_metric() {	# expect_metric KEY VALUE
	local v
	v=$(metric "$1")
	[ "$v" = "$2" ] || fail "/metrics $1 is $v, want $2"
	note "metric $1 = $v"
}

# /metrics is cached for 200 ms: rather than sleep past the cache, poll (bounded, with
# wait_until) until the figures show what the test waits for.
# metrics_show KEY VALUE [KEY VALUE...]: a fresh GET /metrics has each KEY at VALUE
metrics_show() {
	metrics_get
	while [ $# -ge 2 ]; do
		[ "$(metric "$1")" = "$2" ] || return 1
		shift 2
	done
}

# metrics_at_least KEY MIN [KEY MIN...]: a fresh GET /metrics has each KEY >= MIN
metrics_at_least() {
	metrics_get
	while [ $# -ge 2 ]; do
		[ "$(metric "$1")" -ge "$2" ] 2>/dev/null || return 1
		shift 2
	done
}
