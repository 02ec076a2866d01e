# 192-max-duration: route max_duration = 2 -> BYE to both legs, reason max-duration.
REC=$T/calls.json
records_are() { [ -f "$REC" ] && [ "$(wc -l < "$REC")" = "$1" ]; }
rec() { sed -n "${1}p" "$REC" | jq -r "$2"; }

uas_start callee uas.xml 20 -m 1
uac_start caller uac-up.xml 20 -m 1 -s short
expect_sipp caller 0
expect_sipp callee 0
wait_active 0
log_has "max_duration of 2 s reached" || fail "no max_duration log line"
log_has "ending reason=max-duration" || fail "the call did not end as reason=max-duration"
wait_until 5 "record 1" records_are 1
[ "$(rec 1 .reason)" = max-duration ] || fail "record 1: reason $(rec 1 .reason)"
note "record 1: $(rec 1 '[.reason, .code, .duration] | @tsv')"

# a 4 s call on a route without a limit is left alone
uas_start callee2 uas-bye.xml 20 -m 1
CALLER_PORT=5071 uac_start caller2 uac-hold.xml 20 -m 1 -s long
expect_sipp caller2 0
expect_sipp callee2 0
wait_active 0
wait_until 5 "record 2" records_are 2
[ "$(rec 2 .reason)" = bye-caller ] || fail "record 2: reason $(rec 2 .reason)"
[ "$(log_count 'ending reason=max-duration')" = 1 ] || fail "the unlimited call was cut"
