# 284-conf-join: tandemctl join puts two calls' parties in one conference bridge.
. "$(dirname "${BASH_SOURCE[0]}")/../interop.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../sipua.sh"
C=$T/conf
step() {	# step NAME: wait for parties.py to reach it
	wait_until "${2:-15}" "parties.py: $1" test -e "$C/$1"
}
go() { touch "$C/go-$1"; }
# level WHO HZ FILE: the amplitude parties.py measured for WHO at HZ
level() { sed -n "s/^$1 .*\b$2=\([0-9]*\).*/\1/p" "$3"; }
# hears WHO HZ AMPLITUDE: a tone heard (well above noise); deaf_to WHO HZ AMPLITUDE: nothing of it
hears() { [ "${3:-0}" -ge 1500 ] || fail "$1 does not hear $2 Hz (amplitude ${3:-none})"; }
deaf_to() { [ "${3:-99999}" -le 300 ] || fail "$1 hears $2 Hz (amplitude ${3:-none}): its own, or a party gone"; }
call_of() {	# call_of USER: the id of the call from or to USER in tandemctl calls
	ctl --json calls | jq -r --arg u "$1" '.calls[] | select(.from == $u or .to == $u) | .id' | head -n 1
}
# alice_levels FROM: levels of 440 1000 1500 in what alice's phone decoded, FROM s on, 1 s
alice_levels() {
	local wav
	wav=$(ua_received_wav alice)
	wait_until 10 "alice's recording to reach $(($1 + 1)) s" alice_has "$wav" "$1"
	python3 "$SIPUA_DIR/confua.py" levels "$wav" "$1" 1.0 440 1000 1500 | tr '\n' ' '
}
alice_has() { python3 "$SIPUA_DIR/confua.py" levels "$1" "$2" 1.0 440 > /dev/null; }
alev() { echo "$1" | sed -n "s/.*\b$2=\([0-9]*\).*/\1/p"; }

bua_launch alice "$CALLER_IP:5070" 440 alice
bua_wait alice
py_start parties 60 parties.py
step ready
ua_cmd alice dial "sip:bob@$TANDEM"
ua_wait_event alice CALL_ESTABLISHED 10
step pcma-up
wait_until 5 "both calls answered" answered_is 2
A=$(call_of alice)
D=$(call_of dave)
[ -n "$A" ] && [ -n "$D" ] || fail "calls not found ($A, $D)"
ctl join "$A" "$D" || fail "tandemctl join $A $D failed"
wait_until 5 "four parties in the bridge" test "$(log_count 'joined bridge')" -eq 4
log_has "joined bridge 1 .*PCMA" || fail "no PCMA party (carol's call)"
! ctl join "$A" "$D" 2>/dev/null || fail "a second join of the same calls succeeded"
# the calls' relay pairs were on the two workers: one moved (and still relays: the tones)
log_has "call=$D .*its audio moves to media worker 0" || fail "carol's call did not move"

# a leg whose codec cannot be mixed: refused, nothing changes
go g722
step g722-up
G=$(ctl --json calls | jq -r '.calls[] | select(.to == "dave") | .id' | sort -n | tail -n 1)
[ -n "$G" ] && [ "$G" != "$D" ] || fail "the G722 call not found"
if out=$(ctl join "$A" "$G" 2>&1); then fail "join of a G722 call succeeded"; fi
echo "$out" | grep -q "codec G722 cannot be mixed" || fail "join refused without the reason: $out"
[ "$(log_count 'joined bridge')" -eq 4 ] || fail "a leg of the refused call joined the bridge"
out=$(ctl join "$A" 999 2>&1) && fail "join with no call 999 succeeded"
echo "$out" | grep -q "no call 999" || fail "join of an unknown call: $out"
go g722-bye
step g722-gone

go dave-leave
step dave-left
wait_until 5 "dave to leave the bridge" log_has "leg b left bridge 1 \(3 parties left\)"
from=$(ua_heard_seconds alice)
step measured-1 10
L=$C/levels-1
note "bob: $(grep ^bob "$L"); carol: $(grep ^carol "$L")"
hears bob 440 "$(level bob 440 "$L")"
hears bob 1500 "$(level bob 1500 "$L")"
deaf_to bob 1000 "$(level bob 1000 "$L")"
hears carol 440 "$(level carol 440 "$L")"
hears carol 1000 "$(level carol 1000 "$L")"
deaf_to carol 1500 "$(level carol 1500 "$L")"
al=$(alice_levels "$(( ${from%.*} + 1 ))")
note "alice: $al"
hears alice 1000 "$(alev "$al" 1000)"
hears alice 1500 "$(alev "$al" 1500)"
deaf_to alice 440 "$(alev "$al" 440)"

[ "$(status_get .media.mix_frames)" -gt 150 ] || fail "media.mix_frames is $(status_get .media.mix_frames)"
go bob-leave
step bob-left
wait_until 5 "bob to leave the bridge" log_has "leg b left bridge 1 \(2 parties left\)"
from=$(ua_heard_seconds alice)
step measured-2 10
L=$C/levels-2
note "carol: $(grep ^carol "$L")"
hears carol 440 "$(level carol 440 "$L")"
deaf_to carol 1000 "$(level carol 1000 "$L")"
deaf_to carol 1500 "$(level carol 1500 "$L")"
al=$(alice_levels "$(( ${from%.*} + 1 ))")
note "alice: $al"
hears alice 1500 "$(alev "$al" 1500)"
deaf_to alice 1000 "$(alev "$al" 1000)"
deaf_to alice 440 "$(alev "$al" 440)"

# carol leaves: alice is the last party, hung up by tandemd
go carol-leave
ua_wait_event alice CALL_CLOSED 10
wait_active 0
expect_py parties
log_has "bridge 1 \(join\) ended" || fail "the bridge did not end"
log_has "reason=bridge-ended" || fail "alice's call did not end as bridge-ended"
rec=$(jq -c 'select(.bridge != null) | select(.from == "alice")' "$T/calls.json" | tail -n 1)
[ -n "$rec" ] || fail "no record of alice's call with its bridge"
[ "$(echo "$rec" | jq '.bridge.parties | length')" = 4 ] || fail "the record lists $(echo "$rec" | jq '.bridge.parties | length') parties, not 4: $rec"
[ "$(echo "$rec" | jq -r '.reason')" = bridge-ended ] || fail "alice's record: $(echo "$rec" | jq -r .reason)"
echo "$rec" | jq -e '.bridge.parties[] | select(.user == "dave") | .seconds > 0 and .left != null' >/dev/null ||
	fail "dave's time in the bridge is not in the record: $rec"
ua_stop alice
wait_until 5 "the relay to give its streams and ports back" media_idle
