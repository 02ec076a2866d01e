# 185-metrics: /metrics counters match the calls made; /status, /calls, /calls/ID.
. "$(dirname "${BASH_SOURCE[0]}")/../ops.sh"
uas_start callee uas.xml 30 -m 3
uac_start callers uac.xml 30 -m 3 -r 10 -s bob
expect_sipp callers 0
expect_sipp callee 0
uas2_start busy uas-busy.xml 20 -m 1
CALLER_PORT=5071 uac_start tobusy uac.xml 20 -m 1 -s busy
sipp_wait tobusy	# fails: sipp's caller wants 200
expect_sipp busy 0
CALLER_PORT=5072 uac_start blocked uac.xml 10 -m 1 -s 666
sipp_wait blocked	# fails too: 403
wait_active 0

ctl reload > /dev/null || fail "a good reload failed"
cp "$CONF" "$T/good.conf"
echo "bogus = 1;" >> "$CONF"
ctl reload > /dev/null 2>&1 && fail "a broken reload succeeded"
cp "$T/good.conf" "$CONF"

# one call up: the REST view
uas_start callee3 uas.xml 30 -m 1
CALLER_PORT=5073 uac_start up uac-up.xml 30 -m 1 -s bob
wait_until 10 "the call answered" eval '[ "$(status_get .calls.answered)" = 4 ]'
j=$(curl -sf "$HTTP/status") || fail "GET /status failed"
[ "$(jq -r .calls.active <<< "$j")" = 1 ] || fail "/status: $j"
[ "$(jq -r .version <<< "$j")" = "$(status_get .version)" ] || fail "/status version"
j=$(curl -sf "$HTTP/calls") || fail "GET /calls failed"
[ "$(jq '.calls | length' <<< "$j")" = 1 ] || fail "/calls: $j"
id=$(jq -r '.calls[0].id' <<< "$j")
j=$(curl -sf "$HTTP/calls/$id") || fail "GET /calls/$id failed"
[ "$(jq -r '.call.state' <<< "$j")" = confirmed ] || fail "/calls/$id: $j"
[ "$(jq -r '.call.streams[0].a.relay_port > 0' <<< "$j")" = true ] || fail "/calls/$id: no stream: $j"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$HTTP/calls/987654")" = 404 ] || fail "/calls/987654 is not 404"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$HTTP/nope")" = 404 ] || fail "/nope is not 404"
[ "$(curl -s -o /dev/null -w '%{http_code}' -X POST -d x "$HTTP/status")" = 405 ] || fail "POST is not 405"
ctype=$(curl -s -o /dev/null -w '%{content_type}' "$HTTP/metrics")
[[ $ctype == "text/plain; version=0.0.4"* ]] || fail "/metrics Content-Type: $ctype"
wait_until 5 "/metrics to show the call up" metrics_show tandem_calls_active 1
expect_metric tandem_calls_active 1
expect_metric tandem_relay_streams 1
expect_metric tandem_relay_ports_in_use 4
ctl hangup "$id" > /dev/null || fail "hangup failed"
expect_sipp up 0
expect_sipp callee3 0
wait_active 0

wait_until 5 "/metrics to show the call ended" metrics_show tandem_calls_active 0 tandem_calls_total 6
expect_metric tandem_calls_active 0
expect_metric tandem_calls_total 6
expect_metric tandem_calls_answered_total 4
expect_metric tandem_calls_failed_total 2
expect_metric tandem_call_transitions_refused_total 0
expect_metric 'tandem_calls_ended_total{reason="bye-caller"}' 3
expect_metric 'tandem_calls_ended_total{reason="rejected"}' 1
expect_metric 'tandem_calls_ended_total{reason="route-reject"}' 1
expect_metric 'tandem_calls_ended_total{reason="hangup"}' 1
expect_metric tandem_call_setup_seconds_count 4
expect_metric 'tandem_call_setup_seconds_bucket{le="+Inf"}' 4
expect_metric 'tandem_sip_requests_total{direction="in",method="INVITE"}' 6
expect_metric 'tandem_sip_requests_total{direction="out",method="INVITE"}' 5
expect_metric 'tandem_sip_requests_total{direction="in",method="BYE"}' 3
expect_metric 'tandem_sip_responses_total{direction="out",method="BYE",code="200"}' 3
expect_metric 'tandem_sip_responses_total{direction="out",method="INVITE",code="200"}' 4
expect_metric 'tandem_sip_responses_total{direction="in",method="INVITE",code="486"}' 1
expect_metric 'tandem_sip_responses_total{direction="out",method="INVITE",code="486"}' 1
expect_metric 'tandem_sip_responses_total{direction="out",method="INVITE",code="403"}' 1
expect_metric 'tandem_reloads_total{result="ok"}' 1
expect_metric 'tandem_reloads_total{result="failed"}' 1
expect_metric tandem_relay_streams 0
expect_metric tandem_relay_ports_in_use 0
expect_metric 'tandem_build_info{version="'"$(status_get .version)"'"}' 1
[ "$(metric 'tandem_relay_dropped_packets_total{reason="source"}')" = 0 ] || fail "drops counted"
