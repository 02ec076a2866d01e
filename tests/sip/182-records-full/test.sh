# 182-records-full: a full disk (and a missing directory) is counted and logged, calls go on.
uas_start callee uas.xml 30 -m 3
uac_start callers uac.xml 30 -m 3 -r 10 -s bob
expect_sipp callers 0
expect_sipp callee 0
wait_active 0
wait_until 5 "3 failed records" eval '[ "$(status_get .ops.records.failed)" = 3 ]'
expect_stat .ops.records.written 0
expect_stat .calls.answered 3
log_has "records: cannot write to /dev/full: No space left on device" ||
	fail "the failed write is not logged with the file and the reason"
[ "$(log_count 'records: cannot write')" -le 2 ] || fail "every failed record was logged"

subst "$SRC/tandemd-nodir.conf" "$CONF"
ctl reload > /dev/null || fail "reload to the missing directory failed"
uas_start callee2 uas.xml 20 -m 1
uac_start caller2 uac.xml 20 -m 1 -s bob
expect_sipp caller2 0
expect_sipp callee2 0
wait_until 5 "4 failed records" eval '[ "$(status_get .ops.records.failed)" = 4 ]'
log_has "records: cannot open $T/no-such-dir/calls.json: No such file or directory" ||
	fail "the failed open is not logged"

subst "$SRC/tandemd-good.conf" "$CONF"
ctl reload > /dev/null || fail "reload to a good file failed"
uas_start callee3 uas.xml 20 -m 1
uac_start caller3 uac.xml 20 -m 1 -s bob
expect_sipp caller3 0
expect_sipp callee3 0
wait_until 5 "1 record written" eval '[ "$(status_get .ops.records.written)" = 1 ]'
[ "$(wc -l < "$T/calls.json")" = 1 ] || fail "$T/calls.json has $(wc -l < "$T/calls.json") lines"
jq -e '.reason == "bye-caller"' "$T/calls.json" > /dev/null || fail "the record is not whole JSON"
log_has "records: writing to $T/calls.json again|records: now writing to $T/calls.json" ||
	fail "the recovery is not logged"
expect_stat .calls.total 5
