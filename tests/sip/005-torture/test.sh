# 005-torture: the RFC 4475 and RFC 5118 torture messages, an OPTIONS after each; each message
# gets the answer its entry in torture.py's EXPECT table says, at least 90% the one its RFC
# asks, and tandemd keeps answering.
DIR=${SIP_TORTURE_DIR:-}
if [ -z "$DIR" ]; then
	# ../shared beside the checkout: /work/main or a worktree one level deeper (/work/wt/NAME)
	for d in "$SRC/../../../../shared" "$SRC/../../../../../shared"; do
		[ -d "$d/sip-torture/rfc4475" ] && { DIR=$d/sip-torture/rfc4475; break; }
	done
fi
DIRS=$SRC/rfc5118
if [ -n "$DIR" ] && ls "$DIR"/*.dat > /dev/null 2>&1; then
	DIRS="$DIR $DIRS"
else
	note "RFC 4475 messages skipped: none in ../shared/sip-torture/rfc4475 (or SIP_TORTURE_DIR)"
	DIR=
fi
uas_start callee uas.xml 140
# the sender on $TEST_NET.2:5060, so that answers to a Via without a port arrive too
timeout -k 2 120 python3 "$SRC/torture.py" "$TANDEM" "$CALLER_IP" 5060 $DIRS > "$T/torture.out" 2>&1 &
echo "$!" >> "$T/pids"
wait $!
rc=$?
sed 's/^/# /' "$T/torture.out"
case $rc in
0) ;;
2) fail "torture.py: answers differ from the expectation table (see the WRONG lines)" ;;
*) fail "torture.py exited $rc (an OPTIONS went unanswered, or it ran over)" ;;
esac
kill -0 "$TANDEMD_PID" 2>/dev/null || fail "tandemd is gone"
# tandemd's own refusals (lib/sip/tsip_check.c) say why, once each
log_has 'OPTIONS from .* refused with 400: an IPv6 reference that is no address: \[2001:db8:::192.0.2.1\]' ||
	fail "no log line for ipv6-bug-abnf-3-colons' 400"
if [ -n "$DIR" ]; then
	log_has 'INVITE from .* refused with 415: body of type application/unknownformat' ||
		fail "no log line for invut's 415"
	log_has 'INVITE from .* refused with 406: Accept without application/sdp: text/nobodyKnowsThis' ||
		fail "no log line for sdp01's 406"
	log_has 'INVITE from .* refused with 400: Bad Date Header' || fail "no log line for baddate's 400"
fi
wait_active 0 20
expect_stat .calls.active 0
