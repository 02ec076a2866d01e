# 179-cps-limits: calls per second per source, per route and per authenticated user: a burst
# over a limit gets 503 with Retry-After, the rest reaches the callee; each refusal is logged.
. "$(dirname "${BASH_SOURCE[0]}")/../sipua.sh"
py_start bob 60 busy.py bob "$CALLEE_IP" "$CALLEE_PORT" "$T/stop"
wait_until 10 "bob listening" bound_udp "$CALLEE"
py_start burst 50 burst.py
expect_py burst
touch "$T/stop"
log_has "limit of 4 calls per second from $TEST_NET.2 reached" || fail "no log line for the source limit"
log_has 'route limit of 2 calls per second reached \(route slow\)' || fail "no log line for the route limit"
log_has "limit of 3 calls per second of user 'alice' reached" || fail "no log line for the user limit"
wait_active 0
