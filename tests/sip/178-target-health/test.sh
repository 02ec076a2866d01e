# 178-target-health: OPTIONS probing of a route's targets; a target that stops answering goes
# down (event, log, tandemctl targets) and calls skip it; it comes back up; all targets down
# gives 503.
. "$(dirname "${BASH_SOURCE[0]}")/../sipua.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../ops.sh"
echo 200 > "$T/c1.mode"
echo 200 > "$T/c2.mode"
py_start c1 60 carrier.py c1 "$CALLEE_IP" "$CALLEE_PORT" "$T/c1.mode"
py_start c2 60 carrier.py c2 "$CALLEE2_IP" "$CALLEE2_PORT" "$T/c2.mode"
trap 'echo exit > "$T/c1.mode"; echo exit > "$T/c2.mode"' EXIT
wait_until 10 "carrier 1 listening" bound_udp "$CALLEE"
wait_until 10 "carrier 2 listening" bound_udp "$CALLEE2"

target() {	# target N JQ: a field of the Nth probed target (0-based)
	ctl --json targets | jq -r ".targets[$1]$2"
}
state_is() {	# state_is N STATE [MIN-PROBES]
	[ "$(target "$1" .state)" = "$2" ] && [ "$(target "$1" .probes)" -ge "${3:-0}" ]
}
wait_until 10 "both targets probed and up" eval 'state_is 0 up 2 && state_is 1 up 2'
[ "$(target 0 .last_status)" = 200 ] || fail "carrier 1's last probe answer is $(target 0 .last_status), want 200"

# carrier 1 goes silent: down after two probes without an answer
events_start "$T/down.ev" -n 1 target.down
echo silent > "$T/c1.mode"
wait_until 15 "carrier 1 down" state_is 0 down
log_has "target sip:$CALLEE is down \(2 probes failed, last 408\): calls skip it" ||
	fail "no log line for carrier 1 going down"
wait_until 5 "the target.down event" test -s "$T/down.ev"
jq -e --arg t "sip:$CALLEE" '.event == "target.down" and .target == $t and .status == 408' "$T/down.ev" > /dev/null ||
	fail "target.down event: $(cat "$T/down.ev")"
ctl targets | grep -q "^sip:$CALLEE  *down " || fail "tandemctl targets: $(ctl targets)"

# a call skips carrier 1 and reaches carrier 2 (which answers 486: no failover back)
uac_start alice uac-486.xml 20 -m 1 -s bob
expect_sipp alice 0
grep -q '^INVITE' "$T/py-c2.out" || fail "carrier 2 got no INVITE"
grep -q '^INVITE' "$T/py-c1.out" && fail "carrier 1 got an INVITE while down"
log_has "target sip:$CALLEE is down: skipped" || fail "no log line for the skipped target"

# carrier 1 answers again: up after two answers
echo 200 > "$T/c1.mode"
wait_until 15 "carrier 1 up again" state_is 0 up
log_has "target sip:$CALLEE is up" || fail "no log line for carrier 1 coming back"

# both answer 503 (draining): both down, a call gets 503
echo 503 > "$T/c1.mode"
echo 503 > "$T/c2.mode"
wait_until 15 "both targets down" eval 'state_is 0 down && state_is 1 down'
[ "$(target 1 .last_status)" = 503 ] || fail "carrier 2's last answer is $(target 1 .last_status), want 503"
uac_start bob503 uac-503.xml 20 -m 1 -s bob
expect_sipp bob503 0
log_has 'every target of route "carriers" is down' || fail "no log line for a call with every target down"
wait_active 0
