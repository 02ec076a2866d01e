# 009-start-errors: a failed start (no control socket) exits 1 cleanly, not with an abort.
IP4=${TANDEM_IP%.*}.4
: > "$T/a-file"	# a file where the socket's folder should be
sed -e "s|@IP4@|$IP4|g" -e "s|@T@|$T|g" -e "s|@CALLEE@|$CALLEE|g" "$SRC/second.conf" > "$T/second.conf"
timeout 20 "$TANDEMD" -c "$T/second.conf" > "$T/second.log" 2>&1
rc=$?
note "second tandemd: exit $rc: $(tr '\n' ' ' < "$T/second.log")"
[ $rc -eq 1 ] || fail "a tandemd that cannot open its control socket exited $rc, want 1"
grep -q "cannot open the control socket $T/a-file/tandemd.sock" "$T/second.log" ||
	fail "the log does not name the control socket"
grep -q -i "assert\|abort\|sanitizer" "$T/second.log" && fail "the failed start did not end cleanly"
grep -q "listening on sip:$IP4:5060" "$T/second.log" || fail "SIP never came up, so the test proves nothing"
ss -Hlun "src $IP4:5060" | grep -q . && fail "$IP4:5060 is still bound"
[ "$(status_get .calls.active)" = 0 ] || fail "the first tandemd does not answer"
