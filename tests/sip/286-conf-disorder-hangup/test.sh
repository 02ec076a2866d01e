# 286-conf-disorder-hangup: a party whose packets come out of order and late is still heard
# cleanly (the jitter buffer), the late ones counted; tandemctl hangup of one call takes both
# its parties out and the bridge goes on. See README.
. "$(dirname "${BASH_SOURCE[0]}")/../media.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../sipua.sh"
C=$T/conf
step() { wait_until "${2:-15}" "parties.py: $1" test -e "$C/$1"; }
go() { touch "$C/go-$1"; }
level() { sed -n "s/^$1 .*\b$2=\([0-9]*\).*/\1/p" "$3"; }
hears() { [ "${3:-0}" -ge 1500 ] || fail "$1 does not hear $2 Hz (amplitude ${3:-none})"; }
deaf_to() { [ "${3:-99999}" -le 300 ] || fail "$1 hears $2 Hz (amplitude ${3:-none})"; }
call_of() { ctl --json calls | jq -r --arg u "$1" '.calls[] | select(.from == $u) | .id'; }

py_start parties 60 parties.py
step calls-up
A=$(call_of alice)
C2=$(call_of carol)
ctl join "$A" "$C2" || fail "tandemctl join $A $C2 failed"
wait_until 5 "four parties in the bridge" test "$(log_count 'joined bridge')" -eq 4
go joined
step measured-1 10
L=$C/levels-1
note "$(tr '\n' ';' < "$L")"
for who in alice:440 bob:1000 carol:1500 dave:2000; do
	name=${who%:*} own=${who#*:}
	for hz in 440 1000 1500 2000; do
		if [ "$hz" = "$own" ]; then deaf_to "$name" "$hz" "$(level "$name" "$hz" "$L")"
		else hears "$name" "$hz" "$(level "$name" "$hz" "$L")"; fi
	done
done
late=$(stream_get "$C2" .a.mix_late)
ooo=$(stream_get "$C2" .a.out_of_order)
note "carol's leg: mix_late $late, out_of_order $ooo"
[ "${late:-0}" -gt 0 ] || fail "no late packet of carol's counted (mix_late ${late:-none})"
[ "${ooo:-0}" -gt 0 ] || fail "carol's packets were not out of order ($ooo)"

go hangup
ctl hangup "$A" || fail "tandemctl hangup $A failed"
step hung-up
wait_until 5 "alice's call out of the bridge" log_has "leg b left bridge 1 \(2 parties left\)"
step measured-2 10
L=$C/levels-2
note "$(tr '\n' ';' < "$L")"
hears carol 2000 "$(level carol 2000 "$L")"
deaf_to carol 440 "$(level carol 440 "$L")"
deaf_to carol 1000 "$(level carol 1000 "$L")"
deaf_to carol 1500 "$(level carol 1500 "$L")"
hears dave 1500 "$(level dave 1500 "$L")"
deaf_to dave 2000 "$(level dave 2000 "$L")"

go dave-leave
step carol-hung-up
wait_active 0
expect_py parties
log_has "call=$C2 .*reason=bridge-ended" || fail "carol's call did not end as bridge-ended"
log_has "call=$A .*reason=hangup" || fail "alice's call did not end as hangup"
wait_until 5 "the relay to give its streams and ports back" media_idle
