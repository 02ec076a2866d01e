# 184-webhook-down: undeliverable webhook events are counted and dropped; calls go on.
. "$(dirname "${BASH_SOURCE[0]}")/../ops.sh"
uas_start callee uas.xml 30 -m 10
uac_start callers uac.xml 30 -m 10 -r 10 -s bob
expect_sipp callers 0
expect_sipp callee 0
wait_active 0
expect_stat .calls.answered 10
wait_until 20 "10 webhook events dropped" eval '[ "$(status_get .ops.webhooks.failed)" = 10 ]'
expect_stat .ops.webhooks.attempts 20
expect_stat .ops.webhooks.delivered 0
metrics_get
expect_metric 'tandem_webhook_dropped_total{reason="failed"}' 10
expect_metric 'tandem_webhook_deliveries_total' 0
log_has "webhook http://$CALLEE2_IP:9000/hook: .*event dropped" || fail "the failures are not logged"
[ "$(log_count 'webhook http')" -le 3 ] || fail "a log line per failed event"

# the receiver comes back: the next event is delivered
hooks_start "$T/hooks.txt"
uas_start callee2 uas.xml 20 -m 1
uac_start caller2 uac.xml 20 -m 1 -s bob
expect_sipp caller2 0
expect_sipp callee2 0
wait_until 10 "the event delivered" eval '[ "$(status_get .ops.webhooks.delivered)" = 1 ]'
[ "$(jq -r .event "$T/hooks.txt")" = call.ended ] || fail "the receiver got: $(cat "$T/hooks.txt")"
