# 264-interop-linphone-hold: linphonec <-> tandemd <-> linphonec, plain RTP; `pause 1` and
# `resume 1` by each side; each phone hears the other after each resume.
. "$(dirname "${BASH_SOURCE[0]}")/../interop.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../linphone.sh"
TONE_ALICE=440 TONE_BOB=1000

lin_start bob lin-bob.rc 90 -a		# on $CALLEE2, auto-answer
lin_start alice lin-alice.rc 90		# on $CALLER_IP:5070
lin_sound alice "$TONE_ALICE" 90
lin_sound bob "$TONE_BOB" 90

# heard_mark N: where each phone's own recording is now (checked from there once it is
# closed), and 1 s more recorded past it (linphonec writes its recording in bursts of seconds)
declare -A HEARD_AT=()
heard_mark() {
	local p
	for p in alice bob; do
		HEARD_AT[$p-$1]=$(lin_wav_seconds "$T/$p-heard.wav")
		wait_until 15 "1 s more in $p's recording" lin_wav_past "$T/$p-heard.wav" "${HEARD_AT[$p-$1]}" 1
	done
}

lin_cmd alice "call sip:bob@$TANDEM"
lin_wait alice "Call 1 with .* connected"
lin_wait bob "Call 1 with .* connected"
wait_until 5 "the call answered in tandemd" answered_is 1
id=$(call_id_of_first)
[ -n "$id" ] || fail "no call in tandemd"
audio_both_ways "$id"
expect_heard_both "$id" "$TONE_BOB" "$TONE_ALICE"
heard_mark 0

# hold_resume HOLDER OTHER SIDE-OF-HOLDER SIDE-OF-OTHER N: the N-th hold and resume
hold_resume() {
	lin_cmd "$1" "pause 1"
	lin_wait "$1" "Call 1 with .* is now paused"
	wait_until 5 "$1's hold reaches the relay" direction_is "$id" "$3" sendonly
	wait_until 5 "$2 answers the hold" direction_is "$id" "$4" recvonly
	lin_wait "$2" "Call 1 has been paused by"
	note "$1 holds: relay $3=sendonly $4=recvonly"
	lin_cmd "$1" "resume 1"
	wait_until 5 "$1 resumes" direction_is "$id" "$3" sendrecv
	wait_until 5 "$2 answers the resume" direction_is "$id" "$4" sendrecv
	audio_both_ways "$id"
	expect_heard_both "$id" "$TONE_BOB" "$TONE_ALICE"
	heard_mark "$5"
	note "$1 resumed: audio both ways, each phone hears the other's tone"
}
hold_resume alice bob a b 1
hold_resume bob alice b a 2

lin_cmd bob "terminate 1"
lin_wait bob "Call 1 with .* ended"
lin_wait alice "Call 1 with .* ended"
wait_active 0
log_has "ending reason=bye-callee code=200" || fail "tandemd did not log a clean BYE from the callee"
lin_stop alice
lin_stop bob
# what each phone itself decoded (linphonec's `record`), once the call was up and after each resume
for n in 0 1 2; do	# 0: the call up, 1: alice resumed, 2: bob resumed
	tone_is "linphonec alice (mark $n)" "$T/alice-heard.wav" "$TONE_BOB" "${HEARD_AT[alice-$n]}"
	tone_is "linphonec bob (mark $n)" "$T/bob-heard.wav" "$TONE_ALICE" "${HEARD_AT[bob-$n]}"
done
wait_until 5 "the relay to give its streams and ports back" media_idle
