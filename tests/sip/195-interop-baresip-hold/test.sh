# 195-interop-baresip-hold: baresip <-> tandemd <-> baresip, plain RTP; hold and resume by
# each side; each phone hears the other after resuming.
. "$(dirname "${BASH_SOURCE[0]}")/../interop.sh"
bua_launch bob "$CALLEE2_IP:5080" 1000 bob ";answermode=auto"
bua_launch alice "$CALLER_IP:5070" 440 alice
bua_wait bob alice
ua_cmd alice dial "sip:bob@$TANDEM"
ua_wait_event bob CALL_ESTABLISHED 10
ua_wait_event alice CALL_ESTABLISHED 10
wait_until 5 "the call answered in tandemd" answered_is 1
id=$(call_id_of_first)
[ -n "$id" ] || fail "no call in tandemd"
audio_both_ways "$id"
expect_heard_both "$id" 1000 440

# hold_resume HOLDER OTHER SIDE-OF-HOLDER SIDE-OF-OTHER
hold_resume() {
	ua_cmd "$1" hold
	wait_until 5 "$1's hold reaches the relay" direction_is "$id" "$3" sendonly
	wait_until 5 "$2 answers the hold" direction_is "$id" "$4" recvonly
	note "$1 holds: relay $3=sendonly $4=recvonly"
	ua_cmd "$1" resume
	wait_until 5 "$1 resumes" direction_is "$id" "$3" sendrecv
	wait_until 5 "$2 answers the resume" direction_is "$id" "$4" sendrecv
	audio_both_ways "$id"
	expect_heard_both "$id" 1000 440
	note "$1 resumed: audio both ways, each phone hears the other's tone"
}
hold_resume alice bob a b
hold_resume bob alice b a

ua_cmd bob hangup
ua_wait_event bob CALL_CLOSED 10
ua_wait_event alice CALL_CLOSED 10
wait_active 0
log_has "ending reason=bye-callee code=200" || fail "tandemd did not log a clean BYE from the callee"
ua_stop alice
ua_stop bob
# what each phone itself decoded (baresip writes it until the first hold)
expect_tone alice 1000
expect_tone bob 440
wait_until 5 "the relay to give its streams and ports back" media_idle
