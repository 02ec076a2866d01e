# 194-max-message-size: limits.max_message_size = 4096 -> 413 for larger requests.
FLOOD=$(dirname "$SRC")/floodpeer.py
one() {	# one NAME FLOODPEER-ARGS...: the floodpeer line
	local name=$1
	shift
	timeout 20 python3 "$FLOOD" "$@" > "$T/flood-$name.out" 2>&1 || fail "floodpeer $name failed"
	head -n 1 "$T/flood-$name.out"
}
[ "$(one big -n 1 -w 1 -s 5000 $TEST_NET.4 "$TANDEM")" = \
  "sent=1 answered=1 none=0 final=413:1 provisional=-" ] || fail "5000 bytes: not 413"
grep -q "SIP/2.0 413" "$T/tandemd.log" || fail "no 413 in the SIP trace"
[ "$(one small -n 1 -w 1 -s 3000 $TEST_NET.4 "$TANDEM")" = \
  "sent=1 answered=1 none=0 final=200:1 provisional=-" ] || fail "3000 bytes: not 200"
[ "$(one plain -n 1 -w 1 $TEST_NET.4 "$TANDEM")" = \
  "sent=1 answered=1 none=0 final=200:1 provisional=-" ] || fail "an ordinary OPTIONS: not 200"
[ "$(one invite -m INVITE -n 1 -w 1 -s 6000 $TEST_NET.4 "$TANDEM")" = \
  "sent=1 answered=1 none=0 final=413:1 provisional=-" ] || fail "6000-byte INVITE: not 413"
expect_stat .calls.total 0
