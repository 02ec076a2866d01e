# 262-xfer-blind-after-hold: bob holds alice and transfers her to carol; nobody stays held.
. "$(dirname "${BASH_SOURCE[0]}")/../media.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../sipua.sh"
py_start carol 45 carol.py
py_start bob 45 bob.py
wait_until 5 "carol listening on $CALLEE2" bound_udp "$CALLEE2"
wait_until 5 "bob listening on $CALLEE" bound_udp "$CALLEE"
py_start alice 45 "$SRC/../260-xfer-attended-after-hold/alice.py"	# the same transferee as 260
expect_py bob
expect_py alice
expect_py carol
wait_active 0
wait_until 5 "the relay to give its streams and ports back" media_idle
log_has "transfer: sip:carol@.* answered, leg B replaced" || fail "tandemd did not log the blind transfer"
log_has "leg A was on the transferor's hold: re-INVITE sendrecv" ||
	fail "tandemd did not log taking alice off hold"
