# 025-register-nat: a NATed phone's binding at its received address; short expiry toward it,
# throttled refreshes toward the PBX, expiry; tandemctl registrations, metrics, events.
. "$(dirname "${BASH_SOURCE[0]}")/../sipua.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../ops.sh"
ip route get 10.9.9.9 > /dev/null 2>&1 && fail "10.9.9.9 has a route here: not a namespace of its own?"

"$TANDEMCTL" -s "$SOCK" --json events -n 2 registration.add registration.remove > "$T/events.out" 2>&1 &
echo $! >> "$T/pids"
ev_pid=$!
wait_until 5 "tandemctl events subscribed" subscribers_at_least 1
py_start parties 40 parties.py
expect_py parties
wait "$ev_pid" 2>/dev/null
note "events: $(cat "$T/events.out")"
jq -e -s '.[0].event == "registration.add" and .[0].nat == true and .[0].source == "'"$CALLEE2"'"' "$T/events.out" > /dev/null ||
	fail "no registration.add event with nat and source"
jq -e -s 'map(select(.event == "registration.remove" and .reason == "expired")) | length == 1' "$T/events.out" > /dev/null ||
	fail "no registration.remove event for the expiry"
HTTP=http://$TANDEM_IP:8090
wait_until 5 "/metrics to show no binding" metrics_show tandem_registrations 0
expect_metric 'tandem_register_total{outcome="challenged"}' 1
expect_metric 'tandem_register_total{outcome="ok"}' 2
[ "$(metric 'tandem_register_total{outcome="local"}')" -ge 2 ] || fail "fewer than 2 local refreshes counted"
expect_metric tandem_registrations_added_total 1
expect_metric tandem_registrations_removed_total 1
