# 183-events: events on the control socket, the SSE stream and a webhook, in order.
. "$(dirname "${BASH_SOURCE[0]}")/../ops.sh"
hooks_start "$T/hooks.txt"
sse_start "$T/sse.txt"
events_start "$T/ctl.txt"
"$TANDEMCTL" -s "$SOCK" --json events -n 2 call.ended > "$T/ended.txt" 2>&1 &
ended_pid=$!
echo "$ended_pid" >> "$T/pids"
wait_until 5 "three subscribers" subscribers_at_least 3	# ctl, ctl -n 2, SSE
grep -q "text/event-stream" "$T/sse.txt.ready" || fail "/events is not text/event-stream"

uas_start callee uas.xml 20 -m 1
uac_start caller uac.xml 20 -m 1 -s bob
expect_sipp caller 0
expect_sipp callee 0
uas_start callee2 uas-cancel.xml 20 -m 1
uac_start caller2 uac-cancel.xml 20 -m 1 -s bob
expect_sipp caller2 0
expect_sipp callee2 0
wait_active 0

want="call.created call.state call.state call.state call.answered media.started call.state call.ended media.stopped"
wait_until 5 "the control-socket events of call 1" lines_at_least "$T/ctl.txt" 14
got=$(event_types "$T/ctl.txt" 1 | tr '\n' ' ')
[ "$got" = "$want " ] || fail "control socket, call 1: $got"
got=$(jq -r 'select(.call == 1 and .event == "call.state") | .state' "$T/ctl.txt" | tr '\n' ' ')
[ "$got" = "calling early confirmed closing " ] || fail "control socket, call 1 states: $got"
got=$(event_types "$T/ctl.txt" 2 | tr '\n' ' ')
[ "$got" = "call.created call.state call.state call.state call.ended " ] ||
	fail "control socket, call 2: $got"
one() {	# one JQ-SELECT JQ-TEST: the first event that SELECT picks passes TEST
	jq -e -s "map(select($1)) | .[0] | $2" "$T/ctl.txt" > /dev/null
}
one '.event == "call.ended" and .call == 2' '.reason == "cancel" and .code == 487' ||
	fail "call 2 did not end as cancel 487"
one '.event == "call.created" and .call == 1' \
	'.from == "alice" and .to == "bob" and (.a_call_id | length) > 0' ||
	fail "call.created lacks fields"
one '.event == "call.answered"' '(.b_call_id | length) > 0 and .setup_ms >= 0' ||
	fail "call.answered lacks fields"

# the SSE stream: the same lines, in the same order
wait_until 5 "the SSE events" lines_at_least "$T/sse.txt" "$(wc -l < "$T/ctl.txt")"
diff "$T/ctl.txt" "$T/sse.txt" > "$T/sse.diff" || fail "SSE and control socket differ: $(head -n 5 "$T/sse.diff")"

# the webhook: the types it asked for, in the same order
grep -E '"event":"call\.(created|answered|ended)"' "$T/ctl.txt" > "$T/hooks.want"
wait_until 10 "the webhook events" lines_at_least "$T/hooks.txt" "$(wc -l < "$T/hooks.want")"
diff "$T/hooks.want" "$T/hooks.txt" > "$T/hooks.diff" || fail "webhook events differ: $(head -n 5 "$T/hooks.diff")"
[ "$(sort -u "$T/hooks.txt.ctype")" = application/json ] || fail "webhook Content-Type: $(sort -u "$T/hooks.txt.ctype")"
expect_stat .ops.webhooks.delivered 5
expect_stat .ops.webhooks.failed 0

# the filtered subscriber: two call.ended, then it leaves by itself
wait_until 5 "tandemctl events -n 2 to exit" eval '! kill -0 '"$ended_pid"' 2>/dev/null'
wait "$ended_pid" || fail "tandemctl events -n 2 exited $?"
[ "$(event_types "$T/ended.txt" | tr '\n' ' ')" = "call.ended call.ended " ] ||
	fail "the filtered subscriber got: $(cat "$T/ended.txt")"
