# 188-tandemctl-cli: tandemctl's options, version, event names, rounding and timeout.
command -v python3 > /dev/null || fail "python3 is needed (scripts/install-deps)"

# options after the command, as before it
a=$("$TANDEMCTL" -s "$SOCK" --json status) || fail "tandemctl -s SOCK --json status exited $?"
b=$(ctl status --json) || fail "tandemctl status --json exited $?"
c=$("$TANDEMCTL" status --json -s "$SOCK") || fail "tandemctl status --json -s SOCK exited $?"
for j in "$a" "$b" "$c"; do
	[ "$(jq -r '.ok and (.calls | type == "object")' <<< "$j")" = true ] ||
		fail "not the JSON status: $j"
done
out=$("$TANDEMCTL" status -s "$SOCK") || fail "tandemctl status -s SOCK exited $?"
grep -q "^tandemd .*, up " <<< "$out" || fail "tandemctl status -s SOCK (table): $out"
out=$(ctl calls -j) || fail "tandemctl calls -j exited $?"
[ "$(jq '.calls | length' <<< "$out")" = 0 ] || fail "tandemctl calls -j: $out"
out=$(ctl route --to bob --json --from alice) || fail "tandemctl route --to bob --json exited $?"
[ "$(jq -r .route <<< "$out")" = to-callee ] || fail "route with --json among its options: $out"

# --version: the same version as the daemon's
out=$("$TANDEMCTL" --version) || fail "tandemctl --version exited $?"
want=$(jq -r .version <<< "$a")
[ "$out" = "tandemctl $want" ] || fail "tandemctl --version said '$out', want 'tandemctl $want'"
[ "$(ctl status --version)" = "$out" ] || fail "--version after a command does not print the version"

# unknown event names: refused at once, with the known ones
for args in "--bogus" "call.ended bogus.event" "-n 1 callended"; do
	# shellcheck disable=SC2086
	out=$(timeout 5 "$TANDEMCTL" -s "$SOCK" events $args 2>&1); rc=$?
	[ $rc = 2 ] || fail "tandemctl events $args exited $rc, want 2: $out"
	grep -q "call.created, call.state, call.answered, call.ended" <<< "$out" ||
		fail "tandemctl events $args does not list the known types: $out"
done
expect_stat .ops.events.subscribers 0

# rounding: one answered call seen by a subscriber for people and one with --json
"$TANDEMCTL" events -n 2 call.answered call.ended -s "$SOCK" > "$T/human.txt" 2> "$T/human.err" &
human_pid=$!
echo "$human_pid" >> "$T/pids"
"$TANDEMCTL" events call.answered --json -s "$SOCK" -n 2 call.ended > "$T/json.txt" 2> "$T/json.err" &
json_pid=$!
echo "$json_pid" >> "$T/pids"
wait_until 5 "two subscribers" eval '[ "$(status_get .ops.events.subscribers)" = 2 ]'
uas_start callee uas.xml 20 -m 1
uac_start caller uac.xml 20 -m 1 -s bob
expect_sipp caller 0
expect_sipp callee 0
wait_until 5 "both subscribers to leave after 2 events" \
	eval '! kill -0 '"$human_pid"' 2>/dev/null && ! kill -0 '"$json_pid"' 2>/dev/null'
wait "$human_pid" || fail "tandemctl events (people) exited $?: $(cat "$T/human.err")"
wait "$json_pid" || fail "tandemctl events --json exited $?: $(cat "$T/json.err")"
python3 - "$T/human.txt" "$T/json.txt" <<'PY' || fail "rounding: $(cat "$T/human.txt" "$T/json.txt")"
import json, re, sys
human = open(sys.argv[1]).read().splitlines()
raw = open(sys.argv[2]).read().splitlines()
assert len(human) == 2 and len(raw) == 2, "want 2 events each, got %d and %d" % (len(human), len(raw))
for h, r in zip(human, raw):
    ev = json.loads(r)
    key = {"call.answered": "setup_ms", "call.ended": "duration"}[ev["event"]]
    assert ev["event"] in h.split(), "%s not in %r" % (ev["event"], h)
    # --json keeps the daemon's full precision: more than 3 decimals
    text = re.search(r'"%s":(-?[0-9.eE+-]+)' % key, r).group(1)
    assert re.fullmatch(r"-?[0-9]+\.[0-9]{4,}", text), "--json %s is %s" % (key, text)
    # people get at most 3 decimals, the same value rounded
    shown = re.search(r"\b%s=(\S+)" % key, h).group(1)
    assert re.fullmatch(r"-?[0-9]+(\.[0-9]{1,3})?", shown), "people see %s=%s" % (key, shown)
    assert abs(float(shown) - ev[key]) <= 0.0005 + 1e-9, "%s=%s but JSON says %r" % (key, shown, ev[key])
    assert not re.search(r"[0-9]\.[0-9]{4,}", h), "a number with more than 3 decimals: %r" % h
print("rounded ok")
PY
wait_active 0

# timeout: a fake daemon that accepts the control connection and never answers
MUTE=$T/mute.sock
python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1])
s.listen(16)
held = []
while True:
    c, _ = s.accept()
    held.append(c)
' "$MUTE" > "$T/mute.log" 2>&1 &
mute_pid=$!
echo "$mute_pid" >> "$T/pids"
wait_until 5 "the fake daemon listening" test -S "$MUTE"
gives_up() {	# gives_up SECONDS MAX-ELAPSED ARGS...: tandemctl on $MUTE gives up in time
	local secs=$1 max=$2 t0 t1 out rc
	shift 2
	t0=$(date +%s%N)
	out=$(timeout 20 "$TANDEMCTL" "$@" 2>&1); rc=$?
	t1=$(date +%s%N)
	[ $rc = 3 ] || fail "tandemctl $* on a silent daemon exited $rc, want 3: $out"
	grep -q "tandemd is not answering on $MUTE after $secs s" <<< "$out" ||
		fail "tandemctl $* on a silent daemon said: $out"
	(( (t1 - t0) / 1000000 >= ${secs%.*} * 1000 )) || fail "tandemctl $* gave up before $secs s"
	(( (t1 - t0) / 1000000 <= max * 1000 )) ||
		fail "tandemctl $* took $(( (t1 - t0) / 1000000 )) ms, more than $max s"
	note "tandemctl $*: gave up after $(( (t1 - t0) / 1000000 )) ms"
}
gives_up 1 3 -s "$MUTE" -T 1 status
gives_up 1 3 status --timeout 1 -s "$MUTE"
gives_up 1 3 events -s "$MUTE" -T 1 call.ended
gives_up 5 8 -s "$MUTE" calls
kill "$mute_pid"
wait "$mute_pid" 2>/dev/null

out=$(ctl -T soon status 2>&1); rc=$?
[ $rc = 2 ] && grep -q 'bad timeout "soon"' <<< "$out" || fail "-T soon: exit $rc: $out"
ctl -T 0 status > /dev/null || fail "-T 0 (no limit) against tandemd exited $?"
