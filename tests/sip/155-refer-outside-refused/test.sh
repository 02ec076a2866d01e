# 155-refer-outside-refused: a forwarded REFER that the target refuses or never reports on.
. "$(dirname "${BASH_SOURCE[0]}")/../sipua.sh"
py_start pbx 30 pbx.py
wait_until 5 "the pbx listening on $CALLEE" bound_udp "$CALLEE"
py_start sender 30 sender.py
expect_py sender
expect_py pbx
wait_until 5 "two records" test "$(grep -c '"type": *"refer"' "$T/records.json" 2>/dev/null)" = 2
grep '"type": *"refer"' "$T/records.json" | jq -c '{outcome, code, notify}' > "$T/rec.out"
note "records: $(tr '\n' ' ' < "$T/rec.out")"
grep -q '"outcome":"failed","code":403' "$T/rec.out" || fail "no record of the refused REFER"
grep -q '"outcome":"timeout","code":202,"notify":"SIP/2.0 408 Request Timeout"' "$T/rec.out" ||
	fail "no record of the timed out subscription"
log_has "no final NOTIFY from the target in time" || fail "tandemd did not log the timeout"
