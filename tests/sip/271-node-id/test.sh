# 271-node-id: two nodes, their ids in records, events, metrics and logs; call UUIDs unique
# across nodes and restarts; a call named by its UUID.
. "$(dirname "${BASH_SOURCE[0]}")/../ops.sh"
UUID7='^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$'
A=$T/alpha.json
B=$T/beta.json
BSOCK=$T/beta.sock

beta() {	# beta ARGS...: tandemctl on beta's socket
	"$TANDEMCTL" -s "$BSOCK" "$@"
}
beta_subscribed() {
	[ "$(beta --json status 2>/dev/null | jq -r .ops.events.subscribers)" = 1 ]
}
beta_start() {	# the second tandemd, with an events subscriber of its own -> $1
	"$TANDEMD" -c "$T/tandemd-beta.conf" >> "$T/beta.log" 2>&1 &
	beta_pid=$!
	echo "$beta_pid" >> "$T/pids"
	wait_until 10 "beta ready" eval 'beta status > /dev/null 2>&1'
	beta --json events > "$1" 2> "$1.err" &
	echo "$!" >> "$T/pids"
	wait_until 5 "beta's events subscribed" beta_subscribed
}
beta_stop() {	# SIGTERM; it must exit 0
	local i
	kill -TERM "$beta_pid"
	for ((i = 0; i < 100; i++)); do kill -0 "$beta_pid" 2>/dev/null || break; sleep 0.1; done
	kill -0 "$beta_pid" 2>/dev/null && fail "beta did not stop on SIGTERM"
	wait "$beta_pid" || fail "beta exited $?"
	! grep -q -E "AddressSanitizer|LeakSanitizer|runtime error:" "$T/beta.log" ||
		fail "sanitizer report in beta's log: $(grep -m 1 -E 'Sanitizer|runtime error:' "$T/beta.log")"
}
records_are() {	# records_are FILE N
	[ -f "$1" ] && [ "$(wc -l < "$1")" = "$2" ]
}
rec() {		# rec FILE N JQ: a value of record N (1-based)
	sed -n "${2}p" "$1" | jq -r "$3"
}
call_through() {	# call_through NAME PORT: one call from alice to bob through port PORT
	uas_start "callee-$1" uas.xml 20 -m 1
	sipp_start "$1" 20 -sf "$SRC/uac.xml" "$TANDEM_IP:$2" -i "$CALLER_IP" -p "$CALLER_PORT" -m 1 -s bob
	expect_sipp "$1" 0
	expect_sipp "callee-$1" 0
}
events_are() {	# events_are FILE UUID TYPES: the event types of that call, in order
	[ "$(jq -r --arg u "$2" 'select(.uuid == $u) | .event' "$1" | tr '\n' ' ')" = "$3" ]
}
check_events() {	# check_events FILE NODE UUID: every event names NODE, the call's all UUID
	local want="call.created call.state call.state call.state call.answered media.started call.state call.ended media.stopped "
	wait_until 5 "the events of $2's call" events_are "$1" "$3" "$want"
	jq -e -s --arg n "$2" 'length > 0 and all(.node == $n)' "$1" > /dev/null ||
		fail "an event of $2 lacks its node: $(jq -c -s --arg n "$2" 'map(select(.node != $n)) | .[0]' "$1")"
	jq -e -s --arg u "$3" 'map(select(.call == 1)) | length > 0 and all(.uuid == $u)' "$1" > /dev/null ||
		fail "an event of $2's call 1 lacks its UUID $3"
}

subst "$SRC/tandemd-beta.conf" "$T/tandemd-beta.conf"
events_start "$T/alpha-events.txt"
beta_start "$T/beta-events.txt"

# 1. a call through each node
call_through ca "$TANDEM_PORT"
call_through cb 5062
wait_until 5 "alpha's record" records_are "$A" 1
wait_until 5 "beta's record" records_are "$B" 1
ua=$(rec "$A" 1 .uuid)
ub=$(rec "$B" 1 .uuid)
[ "$(rec "$A" 1 .node)" = alpha ] || fail "alpha's record names node $(rec "$A" 1 .node)"
[ "$(rec "$B" 1 .node)" = beta ] || fail "beta's record names node $(rec "$B" 1 .node)"
[ "$(rec "$A" 1 .call)" = 1 ] && [ "$(rec "$B" 1 .call)" = 1 ] ||
	fail "each node's first call is not number 1: $(rec "$A" 1 .call), $(rec "$B" 1 .call)"
grep -q -E "$UUID7" <<< "$ua" || fail "alpha's record: '$ua' is not a version 7 UUID"
grep -q -E "$UUID7" <<< "$ub" || fail "beta's record: '$ub' is not a version 7 UUID"
[ "$ua" != "$ub" ] || fail "both nodes gave their call the UUID $ua"
note "alpha call 1 = $ua, beta call 1 = $ub"
check_events "$T/alpha-events.txt" alpha "$ua"
check_events "$T/beta-events.txt" beta "$ub"

# status, /metrics, log lines
[ "$(status_get .node)" = alpha ] || fail "alpha's status names node $(status_get .node)"
[ "$(beta --json status | jq -r .node)" = beta ] || fail "beta's status names another node"
ctl status | grep -q "^tandemd .*, node alpha, up " || fail "tandemctl status: $(ctl status | head -n 1)"
metrics_get
expect_metric 'tandem_node_info{node="alpha"}' 1
log_has "^[0-9:.]+ alpha info +call=1 .*new call from=alice to=bob uuid=$ua\$" ||
	fail "alpha's log has no 'new call' line with its node and the call's UUID"
log_has "^[0-9:.]+ alpha notice +tandemd .* ready: .*node alpha\$" || fail "alpha's ready line"
grep -q -E "^[0-9:.]+ beta info +call=1 .*uuid=$ub\$" "$T/beta.log" ||
	fail "beta's log has no 'new call' line with its node and UUID"
[ "$(grep -c -v -E '^[0-9:.]+ beta ' "$T/beta.log")" = 0 ] ||
	fail "a line of beta's log lacks its node: $(grep -v -E '^[0-9:.]+ beta ' "$T/beta.log" | head -n 1)"

# a reload cannot rename a node: it warns and keeps the running one
sed -i 's/^node = "alpha";/node = "gamma";/' "$CONF"
ctl reload > /dev/null || fail "tandemctl reload failed"
log_has "node takes effect at restart; still alpha\$" || fail "no warning for a node changed by reload"
[ "$(status_get .node)" = alpha ] || fail "a reload renamed the node to $(status_get .node)"
sed -i 's/^node = "gamma";/node = "alpha";/' "$CONF"
ctl reload > /dev/null || fail "tandemctl reload (back) failed"
[ "$(log_count 'node takes effect at restart')" = 1 ] || fail "a reload to the same node warned"
"$TANDEMD" -t -c "$T/tandemd-beta.conf" | grep -q "^configuration OK: .*(1 routes, node beta)\$" ||
	fail "tandemd -t does not name the node: $("$TANDEMD" -t -c "$T/tandemd-beta.conf" 2>&1)"

# 2. beta restarts: its counter starts again at 1, its UUIDs do not
beta_stop
beta_start "$T/beta-events2.txt"
call_through cb2 5062
wait_until 5 "beta's record after the restart" records_are "$B" 2
ub2=$(rec "$B" 2 .uuid)
[ "$(rec "$B" 2 .call)" = 1 ] || fail "beta's first call after the restart is number $(rec "$B" 2 .call)"
grep -q -E "$UUID7" <<< "$ub2" || fail "beta's record after the restart: '$ub2' is not a UUID"
[ "$ub2" != "$ub" ] && [ "$ub2" != "$ua" ] || fail "beta's call after the restart reused a UUID: $ub2"
[[ "$ub2" > "$ub" ]] || fail "the later UUID $ub2 sorts before $ub"
check_events "$T/beta-events2.txt" beta "$ub2"
note "beta call 1 after the restart = $ub2"
beta_stop

# 3. a call in progress, named by its UUID
uas_start callee-up uas.xml 30 -m 1
uac_start up uac-up.xml 30 -m 1 -s bob
wait_active 1
wait_until 10 "the call answered" eval '[ "$(status_get .calls.answered)" = 2 ]'
u=$(ctl --json calls | jq -r '.calls[0].uuid')
grep -q -E "$UUID7" <<< "$u" || fail "tandemctl calls: '$u' is not a UUID"
ctl calls | grep -q -E "^2 +$u +confirmed " || fail "tandemctl calls does not show call 2 with its UUID: $(ctl calls)"
[ "$(ctl --json call "$u" | jq -r '.call.id')" = 2 ] || fail "tandemctl call $u: $(ctl --json call "$u")"
[ "$(curl -sf "$HTTP/calls/$u" | jq -r '.call.uuid')" = "$u" ] || fail "GET /calls/$u"
out=$(ctl hangup 0190a3c4-5e6f-7a8b-9c0d-e1f203040506 2>&1); rc=$?
[ $rc = 1 ] && grep -q "no call 0190a3c4-5e6f-7a8b-9c0d-e1f203040506" <<< "$out" ||
	fail "hangup of an unknown UUID: exit $rc: $out"
out=$(ctl hangup not-a-call 2>&1); rc=$?
[ $rc = 1 ] && grep -q "usage: hangup ID" <<< "$out" || fail "hangup not-a-call: exit $rc: $out"
ctl hangup "$u" > /dev/null || fail "tandemctl hangup $u failed"
expect_sipp up 0
expect_sipp callee-up 0
wait_active 0
wait_until 5 "alpha's second record" records_are "$A" 2
[ "$(rec "$A" 2 '[.uuid, .reason, .node] | join(" ")')" = "$u hangup alpha" ] ||
	fail "the hung-up call's record: $(sed -n 2p "$A")"
