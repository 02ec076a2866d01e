# 276-metrics-routes: per route and per target figures in /metrics after real calls.
. "$(dirname "${BASH_SOURCE[0]}")/../ops.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../sipua.sh"
py_start calls 40 calls.py
expect_py calls
wait_active 0
metrics_get
expect_metric 'tandem_route_calls_total{route="good"}' 2
expect_metric 'tandem_route_calls_answered_total{route="good"}' 2
expect_metric 'tandem_route_calls_failed_total{route="good",class="4xx"}' 0
expect_metric 'tandem_route_setup_seconds_count{route="good"}' 2
expect_metric 'tandem_route_setup_seconds_bucket{route="good",le="+Inf"}' 2
expect_metric 'tandem_route_calls_total{route="bad"}' 1
expect_metric 'tandem_route_calls_answered_total{route="bad"}' 0
expect_metric 'tandem_route_calls_failed_total{route="bad",class="4xx"}' 1
expect_metric 'tandem_route_calls_failed_total{route="bad",class="5xx"}' 0
expect_metric 'tandem_route_setup_seconds_count{route="bad"}' 0
expect_metric "tandem_target_attempts_total{route=\"good\",target=\"sip:$CALLEE\"}" 2
expect_metric "tandem_target_answered_total{route=\"good\",target=\"sip:$CALLEE\"}" 2
expect_metric "tandem_target_attempts_total{route=\"bad\",target=\"sip:$CALLEE2\"}" 1
expect_metric "tandem_target_answered_total{route=\"bad\",target=\"sip:$CALLEE2\"}" 0
expect_metric "tandem_target_failed_total{route=\"bad\",target=\"sip:$CALLEE2\",class=\"5xx\"}" 1
expect_metric "tandem_target_attempts_total{route=\"bad\",target=\"sip:$CALLEE\"}" 1
expect_metric "tandem_target_failed_total{route=\"bad\",target=\"sip:$CALLEE\",class=\"4xx\"}" 1
expect_metric "tandem_target_failed_total{route=\"bad\",target=\"sip:$CALLEE\",class=\"5xx\"}" 0
# no label carries a dialled number: targets are labelled as configured
! grep -q '+49301234\|target="sip:[0-9]*@' "$T/metrics.txt" || fail "a user reached a target label"
