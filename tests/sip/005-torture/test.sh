# 005-torture: the RFC 4475 torture messages, an OPTIONS after each; tandemd keeps answering.
DIR=${SIP_TORTURE_DIR:-$SRC/../../../../shared/sip-torture/rfc4475}
if ! ls "$DIR"/*.dat > /dev/null 2>&1; then
	note "skipped: no torture messages in $DIR"
	exit 0
fi
uas_start callee uas.xml 140
# the sender on $TEST_NET.2:5060, so that answers to a Via without a port arrive too
timeout -k 2 120 python3 "$SRC/torture.py" "$TANDEM" "$CALLER_IP" 5060 "$DIR" > "$T/torture.out" 2>&1 &
echo "$!" >> "$T/pids"
wait $!
rc=$?
sed 's/^/# /' "$T/torture.out"
[ $rc -eq 0 ] || fail "torture.py exited $rc (an OPTIONS went unanswered, or it ran over)"
kill -0 "$TANDEMD_PID" 2>/dev/null || fail "tandemd is gone"
wait_active 0 20
expect_stat .calls.active 0
