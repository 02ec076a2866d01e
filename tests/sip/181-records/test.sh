# 181-records: one JSON line per finished call, reopened on SIGUSR1 and reload.
REC=$T/calls.json
subst "$SRC/uas-silent.xml" "$T/uas-silent.xml"
subst "$SRC/uac-silent.xml" "$T/uac-silent.xml"

records_are() {	# records_are N: the file has N lines
	[ -f "$REC" ] && [ "$(wc -l < "$REC")" = "$1" ]
}
rec() {		# rec N JQ: a value of record N (1-based)
	sed -n "${1}p" "$REC" | jq -r "$2"
}
check_common() {	# check_common N: the fields every record has
	local n=$1
	sed -n "${n}p" "$REC" | jq -e . > /dev/null || fail "record $n is not JSON"
	[ "$(rec "$n" .call)" -ge 1 ] || fail "record $n: no call id"
	[ -n "$(rec "$n" '.a_call_id // empty')" ] || fail "record $n: no a_call_id"
	[ -n "$(rec "$n" '.b_call_id // empty')" ] || fail "record $n: no b_call_id"
	[ "$(rec "$n" .from)" = alice ] || fail "record $n: from is $(rec "$n" .from)"
	[ "$(rec "$n" .to)" = bob ] || fail "record $n: to is $(rec "$n" .to)"
	[ "$(rec "$n" .route)" = to-callee ] || fail "record $n: route is $(rec "$n" .route)"
	[ "$(rec "$n" '.targets[0].target')" = "sip:bob@$CALLEE" ] ||
		fail "record $n: target is $(rec "$n" '.targets[0].target')"
	[ "$(rec "$n" '.start <= .end')" = true ] || fail "record $n: start after end"
	[ "$(rec "$n" '.transfers | length')" = 0 ] || fail "record $n: transfers"
}

# 1. a normal call: the caller hangs up
uas_start callee uas.xml 20 -m 1
uac_start caller uac.xml 20 -m 1 -s bob
expect_sipp caller 0
expect_sipp callee 0
wait_until 5 "record 1" records_are 1
check_common 1
[ "$(rec 1 .reason)" = bye-caller ] || fail "record 1: reason $(rec 1 .reason)"
[ "$(rec 1 .ended_by)" = caller ] || fail "record 1: ended_by $(rec 1 .ended_by)"
[ "$(rec 1 .code)" = 200 ] || fail "record 1: code $(rec 1 .code)"
[ "$(rec 1 '.targets[0].status')" = 200 ] || fail "record 1: target status"
[ "$(rec 1 '.start <= .answer and .answer <= .end')" = true ] || fail "record 1: times out of order"
[ "$(rec 1 '.duration >= 0.2 and .setup_ms >= 0')" = true ] || fail "record 1: duration/setup_ms"
[ "$(rec 1 '.media[0].codec')" = PCMU ] || fail "record 1: media codec"
[ "$(rec 1 '.media[0].a.relay_port > 0 and .media[0].b.relay_port > 0')" = true ] ||
	fail "record 1: media relay ports"
[ "$(rec 1 '.media[0].a | has("packets") and has("bytes") and has("lost") and has("jitter_ms")')" = true ] ||
	fail "record 1: media counters"
note "record 1: $(rec 1 '[.reason, .code, .ended_by, .duration] | @tsv')"

# 2. the callee is busy
uas_start busy uas-busy.xml 20 -m 1
uac_start caller2 uac.xml 20 -m 1 -s bob
sipp_wait caller2		# sipp's uac expects 200: it fails here, as it should
expect_sipp busy 0
wait_until 5 "record 2" records_are 2
[ "$(rec 2 .reason)" = rejected ] || fail "record 2: reason $(rec 2 .reason)"
[ "$(rec 2 .code)" = 486 ] || fail "record 2: code $(rec 2 .code)"
[ "$(rec 2 .ended_by)" = callee ] || fail "record 2: ended_by $(rec 2 .ended_by)"
[ "$(rec 2 .answer)" = null ] || fail "record 2: an answer time on a rejected call"
[ "$(rec 2 '.targets[0].status')" = 486 ] || fail "record 2: target status $(rec 2 '.targets[0].status')"

# 3. the caller cancels while ringing
uas_start callee3 uas-cancel.xml 20 -m 1
uac_start caller3 uac-cancel.xml 20 -m 1 -s bob
expect_sipp caller3 0
expect_sipp callee3 0
wait_until 5 "record 3" records_are 3
check_common 3
[ "$(rec 3 .reason)" = cancel ] || fail "record 3: reason $(rec 3 .reason)"
[ "$(rec 3 .code)" = 487 ] || fail "record 3: code $(rec 3 .code)"
[ "$(rec 3 .ended_by)" = caller ] || fail "record 3: ended_by $(rec 3 .ended_by)"
[ "$(rec 3 .answer)" = null ] || fail "record 3: an answer time on a cancelled call"
[ "$(rec 3 .duration)" = 0 ] || fail "record 3: duration $(rec 3 .duration)"

# 4. answered, no RTP: media timeout (2 s)
uas_start callee4 "$T/uas-silent.xml" 30 -m 1
uac_start caller4 "$T/uac-silent.xml" 30 -m 1 -s bob
expect_sipp caller4 0
expect_sipp callee4 0
wait_until 5 "record 4" records_are 4
check_common 4
[ "$(rec 4 .reason)" = media-timeout ] || fail "record 4: reason $(rec 4 .reason)"
[ "$(rec 4 .ended_by)" = tandem ] || fail "record 4: ended_by $(rec 4 .ended_by)"
[ "$(rec 4 '.duration >= 1.5')" = true ] || fail "record 4: duration $(rec 4 .duration)"
[ "$(rec 4 '.media[0].a.packets + .media[0].b.packets')" = 0 ] || fail "record 4: packets counted"
expect_stat .ops.records.written 4
expect_stat .ops.records.failed 0

# logrotate: move the file, SIGUSR1, the next record goes to a new file
mv "$REC" "$REC.1"
kill -USR1 "$TANDEMD_PID"
wait_until 5 "the reopen logged" log_has "SIGUSR1: reopening $REC"
uas_start callee5 uas.xml 20 -m 1
uac_start caller5 uac.xml 20 -m 1 -s bob
expect_sipp caller5 0
expect_sipp callee5 0
wait_until 5 "a record in the new file" records_are 1
[ "$(wc -l < "$REC.1")" = 4 ] || fail "the rotated file changed: $(wc -l < "$REC.1") lines"
check_common 1

# reload reopens too
mv "$REC" "$REC.2"
ctl reload > /dev/null || fail "tandemctl reload failed"
uas_start callee6 uas.xml 20 -m 1
uac_start caller6 uac.xml 20 -m 1 -s bob
expect_sipp caller6 0
expect_sipp callee6 0
wait_until 5 "a record in the file after reload" records_are 1
[ "$(wc -l < "$REC.2")" = 1 ] || fail "the file moved before the reload changed"
wait_active 0
expect_stat .ops.records.written 6
expect_stat .ops.records.failed 0
expect_stat .ops.records.dropped 0
