# 285-conf-refer-srtp: a REFER to the conference URI brings its call into the bridge; an SDES
# SRTP leg is mixed like a plain one. See README.
. "$(dirname "${BASH_SOURCE[0]}")/../interop.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../sipua.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../ops.sh"
C=$T/conf
step() { wait_until "${2:-15}" "parties.py: $1" test -e "$C/$1"; }
go() { touch "$C/go-$1"; }
level() { sed -n "s/^$1 .*\b$2=\([0-9]*\).*/\1/p" "$3"; }
hears() { [ "${3:-0}" -ge 1500 ] || fail "$1 does not hear $2 Hz (amplitude ${3:-none})"; }
deaf_to() { [ "${3:-99999}" -le 300 ] || fail "$1 hears $2 Hz (amplitude ${3:-none})"; }
bob_has() { python3 "$SIPUA_DIR/confua.py" levels "$1" "$2" 1.0 440 > /dev/null; }

events_start "$T/ev.txt" bridge.join bridge.leave
bua_launch bob "$CALLEE2_IP:5080" 1000 bob ";answermode=auto;mediaenc=srtp-mand"
bua_wait bob
py_start parties 60 parties.py
step calls-up 20
step carol-referred
wait_until 5 "four bridge.join events" lines_at_least "$T/ev.txt" 4
[ "$(jq -r 'select(.event == "bridge.join") | .name' "$T/ev.txt" | sort -u)" = "sip:conf@$TANDEM_IP" ] ||
	fail "the joins name another bridge: $(jq -c . "$T/ev.txt")"
log_has "REFER from leg A: the call joins the conference" || fail "no conference REFER in the log"
id=$(ctl --json calls | jq -r '.calls[] | select(.to == "bob") | .id')
[ "$(stream_get "$id" .b.srtp)" = AES_CM_128_HMAC_SHA1_80 ] || fail "bob's leg is not SRTP"
from=$(ua_heard_seconds bob)
step erin-refused
log_has "REFER from leg A to the conference refused: .*codec G722 cannot be mixed" ||
	fail "erin's refusal is not in the log"
step measured 10
L=$C/levels
note "alice: $(grep ^alice "$L"); carol: $(grep ^carol "$L")"
hears alice 1000 "$(level alice 1000 "$L")"	# bob, through SRTP
hears alice 1500 "$(level alice 1500 "$L")"
deaf_to alice 440 "$(level alice 440 "$L")"
hears carol 440 "$(level carol 440 "$L")"
hears carol 1000 "$(level carol 1000 "$L")"
deaf_to carol 1500 "$(level carol 1500 "$L")"
wav=$(ua_received_wav bob)
at=$(( ${from%.*} + 1 ))
wait_until 10 "bob's recording to reach $((at + 1)) s" bob_has "$wav" "$at"
bl=$(python3 "$SIPUA_DIR/confua.py" levels "$wav" "$at" 1.0 440 1000 1500 | tr '\n' ' ')
note "bob (SRTP): $bl"
blev() { echo "$bl" | sed -n "s/.*\b$1=\([0-9]*\).*/\1/p"; }
hears bob 440 "$(blev 440)"
hears bob 1500 "$(blev 1500)"
deaf_to bob 1000 "$(blev 1000)"
ua_no_srtp_errors bob

# alice and carol leave, then dave: bob is the last party, hung up by tandemd
go leave
step dave-left
ua_wait_event bob CALL_CLOSED 10
wait_active 0
expect_py parties
wait_until 5 "four bridge.leave events" test "$(grep -c '"bridge.leave"' "$T/ev.txt")" -ge 4
log_has "reason=bridge-ended" || fail "bob's call did not end as bridge-ended"
ua_stop bob
wait_until 5 "the relay to give its streams and ports back" media_idle
