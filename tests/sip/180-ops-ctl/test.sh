# 180-ops-ctl: tandemctl against a running tandemd with calls in progress.
uas_start callee uas.xml 40 -m 2
uac_start up uac-up.xml 40 -m 2 -l 2 -r 10 -s up
wait_active 2
wait_until 10 "both calls answered" eval '[ "$(status_get .calls.answered)" = 2 ]'

# status: table for people and --json
out=$(ctl status) || fail "tandemctl status exited $?"
grep -q -E "^calls +2 active, 2 total, 2 answered, 0 failed" <<< "$out" ||
	fail "tandemctl status does not count the two calls: $out"
expect_stat .calls.active 2
expect_stat .media.streams 2

# calls: both, with their Call-IDs, route and state
out=$(ctl calls) || fail "tandemctl calls exited $?"
[ "$(grep -c " confirmed " <<< "$out")" = 2 ] || fail "tandemctl calls does not show 2 confirmed calls: $out"
grep -q "^2 calls$" <<< "$out" || fail "tandemctl calls has no '2 calls' line: $out"
j=$(ctl --json calls)
[ "$(jq '.calls | length' <<< "$j")" = 2 ] || fail "tandemctl --json calls: $j"
[ "$(jq -r '[.calls[] | select(.route == "up" and .state == "confirmed" and .from == "alice"
	and .to == "up" and (.a_call_id | length) > 0 and (.b_call_id | length) > 0)] | length' <<< "$j")" = 2 ] ||
	fail "the calls lack a field: $j"
id1=$(jq -r '.calls | sort_by(.id) | .[0].id' <<< "$j")
id2=$(jq -r '.calls | sort_by(.id) | .[1].id' <<< "$j")

# call ID: one call with its stream and per-leg counters
j=$(ctl --json call "$id1") || fail "tandemctl call $id1 exited $?"
[ "$(jq -r '.call.streams[0].codec' <<< "$j")" = PCMU ] || fail "call $id1 has no PCMU stream: $j"
for k in relay_port packets bytes sent lost dropped_source; do
	jq -e ".call.streams[0].a.$k | numbers" <<< "$j" > /dev/null || fail "call $id1: leg A lacks $k: $j"
	jq -e ".call.streams[0].b.$k | numbers" <<< "$j" > /dev/null || fail "call $id1: leg B lacks $k: $j"
done
out=$(ctl call "$id1") || fail "tandemctl call $id1 (table) exited $?"
grep -q "^streams " <<< "$out" || fail "tandemctl call $id1 prints no streams: $out"

# hangup: BYE on both legs of one call (uac-up and uas require it); the other stays up
out=$(ctl hangup 987654 2>&1); rc=$?
[ $rc = 1 ] && grep -q "no call 987654" <<< "$out" || fail "hangup of an unknown call: exit $rc: $out"
ctl hangup "$id1" > /dev/null || fail "tandemctl hangup $id1 failed"
wait_active 1
log_has "call=$id1 .*ending reason=hangup" || fail "call $id1 did not end as reason=hangup"
[ "$(ctl --json calls | jq -r '.calls[0].id')" = "$id2" ] || fail "the other call did not stay up"
ctl hangup "$id2" > /dev/null || fail "tandemctl hangup $id2 failed"
expect_sipp up 0		# both callers got BYE from tandemd and answered it
expect_sipp callee 0		# and so did the callee, twice
wait_active 0

# route: dry runs
out=$(ctl route --from alice --to up) || fail "tandemctl route exited $?"
grep -q "^route up: user up" <<< "$out" || fail "route --to up: $out"
grep -q "target 1: sip:$CALLEE" <<< "$out" || fail "route --to up: no target: $out"
[ "$(ctl --json route --from a --to x --source 10.1.2.3 --header 'X-Tier: gold' | jq -r .route)" = vip ] ||
	fail "source + header did not pick route vip"
[ "$(ctl --json route --from a --to x --source 10.1.2.3 --header 'X-Tier: silver' | jq -r .route)" = rest ] ||
	fail "a header that does not match still picked vip"
[ "$(ctl --json route --from a --to x --source 192.0.2.1 --header 'X-Tier: gold' | jq -r .route)" = rest ] ||
	fail "a source outside 10.0.0.0/8 still picked vip"
[ "$(ctl --json route --from a --to 666 | jq -r .reject)" = 403 ] || fail "route to 666 is not rejected 403"
out=$(ctl route --from a 2>&1); [ $? = 2 ] || fail "route without --to did not exit 2: $out"

# drain, a call refused; undrain, a call through
ctl drain > /dev/null || fail "tandemctl drain failed"
expect_stat .draining true
CALLER_PORT=5071 uac_start refused uac-503.xml 10 -m 1 -s other
expect_sipp refused 0
ctl undrain > /dev/null || fail "tandemctl undrain failed"
expect_stat .draining false
uas2_start callee2 uas.xml 20 -m 1
CALLER_PORT=5072 uac_start through uac.xml 20 -m 1 -s other
expect_sipp through 0
expect_sipp callee2 0
wait_active 0
expect_stat .calls.total 4
expect_stat .calls.answered 3

# log-level
ctl log-level debug > /dev/null || fail "log-level debug refused"
out=$(ctl log-level loud 2>&1); [ $? = 1 ] || fail "log-level loud was taken: $out"
ctl log-level info > /dev/null || fail "log-level info refused"

# nobody listening
out=$("$TANDEMCTL" -s "$T/nobody.sock" status 2>&1); rc=$?
[ $rc = 3 ] || fail "tandemctl on a dead socket exited $rc, want 3"
grep -q "is tandemd running" <<< "$out" || fail "tandemctl on a dead socket said: $out"
