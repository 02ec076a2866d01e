# 186-journal: log lines go to the journal with NODE, and CALL_ID, CALL_UUID, SIP_CALL_ID_A/B
# and ROUTE for a call.
. "$(dirname "${BASH_SOURCE[0]}")/../ops.sh"
JDIR=/run/systemd/journal
JSOCK=$JDIR/socket
if [ -e "$JDIR" ]; then
	note "SKIP: $JDIR exists (a journald runs here): its socket is not replaced"
	exit 0
fi
had_run_systemd=0
[ -d /run/systemd ] && had_run_systemd=1
if ! mkdir -p "$JDIR" 2>/dev/null; then
	note "SKIP: cannot create $JDIR (not root)"
	exit 0
fi
cleanup() {
	rm -f "$JSOCK"
	rmdir "$JDIR" 2>/dev/null
	[ $had_run_systemd = 1 ] || rmdir /run/systemd 2>/dev/null
}
trap cleanup EXIT
python3 "$OPSPEER" journal "$JSOCK" "$T/journal.txt" > "$T/journal.log" 2>&1 &
echo "$!" >> "$T/pids"
wait_until 5 "the journal stand-in" test -S "$JSOCK"

subst "$SRC/tandemd-journal.conf" "$T/tandemd-journal.conf"
: > "$T/journal-stderr.log"
JOURNAL_STREAM=$(stat -c '%d:%i' "$T/journal-stderr.log") \
	"$TANDEMD" -c "$T/tandemd-journal.conf" >> "$T/journal-stderr.log" 2>&1 &
jpid=$!
echo "$jpid" >> "$T/pids"
wait_until 10 "the second tandemd ready" "$TANDEMCTL" -s "$T/journal.sock" status > /dev/null

uas_start callee uas.xml 20 -m 1
sipp_start caller 20 -sf "$SRC/uac.xml" "$TANDEM_IP:5062" -i "$CALLER_IP" -p "$CALLER_PORT" -m 1 -s bob
expect_sipp caller 0
expect_sipp callee 0
kill -TERM "$jpid"
for ((i = 0; i < 100; i++)); do kill -0 "$jpid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$jpid" 2>/dev/null && fail "the second tandemd did not stop"
wait "$jpid" || fail "the second tandemd exited $?"
grep -q -E "AddressSanitizer|LeakSanitizer|runtime error:" "$T/journal-stderr.log" &&
	fail "sanitizer report: $(head -n 20 "$T/journal-stderr.log")"

J=$T/journal.txt
[ -s "$J" ] || fail "nothing reached the journal socket"
jq -e -s 'map(select(.MESSAGE | test("new call from=alice to=bob"))) | .[0] |
	.CALL_ID == "1" and (.SIP_CALL_ID_A | length) > 0 and .PRIORITY == "6" and
	.SYSLOG_IDENTIFIER == "tandemd"' "$J" > /dev/null ||
	fail "the 'new call' line lacks its fields: $(grep 'new call' "$J")"
jq -e -s 'map(select(.MESSAGE | test("answered 200"))) | .[0] |
	.CALL_ID == "1" and .ROUTE == "to-callee" and (.SIP_CALL_ID_B | length) > 0' "$J" > /dev/null ||
	fail "the 'answered' line lacks its fields: $(grep 'answered 200' "$J")"
jq -e -s --arg h "$(hostname)" 'all(.NODE == ($h | .[0:64]))' "$J" > /dev/null ||
	fail "a journal line lacks NODE (the host name, no node in its config): $(jq -c -s 'map(select(.NODE == null)) | .[0]' "$J")"
jq -e -s 'map(select(.MESSAGE | test("new call from=alice to=bob"))) | .[0] | . as $l |
	($l.CALL_UUID | test("^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")) and
	($l.MESSAGE | endswith("uuid=" + $l.CALL_UUID))' "$J" > /dev/null ||
	fail "the 'new call' line lacks its CALL_UUID: $(grep 'new call' "$J")"
jq -e -s 'map(select(.CALL_ID == "1")) | map(.CALL_UUID) | unique | length == 1' "$J" > /dev/null ||
	fail "the lines of call 1 do not all carry the same CALL_UUID"
n_call=$(jq -s 'map(select(.CALL_ID == "1")) | length' "$J")
[ "$n_call" -ge 4 ] || fail "only $n_call journal lines carry CALL_ID=1"
jq -e -s 'map(select(.MESSAGE | test("ready: config"))) | .[0] | has("CALL_ID") | not' "$J" > /dev/null ||
	fail "the ready line carries a CALL_ID"
jq -e -s 'map(select(.MESSAGE | test("ready: config"))) | .[0] | .PRIORITY == "5"' "$J" > /dev/null ||
	fail "the ready line is not notice (5)"
! grep -q "new call" "$T/journal-stderr.log" || fail "call lines also went to stderr"
note "$n_call journal lines with CALL_ID=1; e.g. $(jq -c -s 'map(select(.CALL_ID == "1")) | .[0]' "$J")"
