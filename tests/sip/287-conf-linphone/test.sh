# 287-conf-linphone: linphonec in a conference bridge: its REFER to the conference URI puts
# its peer there; joined by tandemctl, it hears the others and not itself; it leaves and the
# others go on. See README.
. "$(dirname "${BASH_SOURCE[0]}")/../interop.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../linphone.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../sipua.sh"
C=$T/conf
step() { wait_until "${2:-15}" "parties.py: $1" test -e "$C/$1"; }
go() { touch "$C/go-$1"; }
# level WHO HZ N: the amplitude at HZ of what WHO heard at measure N (parties.py's, or alice's)
level() { sed -n "s/^$1 .*\b$2=\([0-9]*\).*/\1/p" "$C/levels-$3"; }
hears() { [ "${3:-0}" -ge 1500 ] || fail "$1 does not hear $2 Hz (amplitude ${3:-none})"; }
deaf_to() { [ "${3:-99999}" -le 300 ] || fail "$1 hears $2 Hz (amplitude ${3:-none}): its own, or a party gone"; }
# expect N WHO HZ... -HZ...: at measure N, WHO hears each HZ and nothing of each -HZ
expect() {
	local n=$1 who=$2 hz
	shift 2
	for hz in "$@"; do
		if [ "${hz#-}" != "$hz" ]; then
			deaf_to "$who" "${hz#-}" "$(level "$who" "${hz#-}" "$n")"
		else
			hears "$who" "$hz" "$(level "$who" "$hz" "$n")"
		fi
	done
}
call_to() { ctl --json calls | jq -r --arg u "$1" '.calls[] | select(.to == $u) | .id' | head -n 1; }
# alice_sniff CALL-ID N: the RTP tandemd sends alice's phone (leg a of the call), 1 s of it,
# as one "alice HZ=AMPLITUDE ..." line added to $C/levels-N
alice_sniff() {
	local to res
	to=$(stream_get "$1" .a.latched)
	[[ $to == *.*:* ]] || fail "alice's leg has no latched IPv4 RTP address ($to)"
	res=$(python3 -W ignore "$INTEROP_SH_DIR/rtpsniff.py" "$to" 1.5 "$T/alice-sniff.wav") ||
		fail "no RTP toward alice's phone at $to in 1.5 s ($res)"
	echo "alice $(python3 "$SIPUA_DIR/confua.py" levels "$T/alice-sniff.wav" 0.3 1.0 \
		440 1000 1500 2000 | tr '\n' ' ')" > "$T/alice-levels"
}

lin_launch alice "$SRC/../264-interop-linphone-hold/lin-alice.rc" 40	# $CALLER_IP:5070, PCMU
py_start parties 40 parties.py
lin_up alice
lin_sound alice 440 40

# carol's call is in the conference (her REFER); alice calls bob and transfers him there:
# linphonec sends the REFER, is told 200 by the NOTIFY and hangs up; bob stays in the bridge
step carol-in
lin_cmd alice "call sip:bob@$TANDEM_IP"
lin_wait alice "Call 1 with sip:bob@.* connected"
step bob-up
B=$(call_to bob)
[ -n "$B" ] || fail "alice's call to bob not found"
relay_mark "$B"	# her tone flows to bob before she transfers him
wait_until 5 "25 more packets toward bob" relay_sent_grows "$B" b 25
lin_cmd alice "transfer 1 sip:conf@$TANDEM_IP"
lin_wait alice "of call 1 has been transfered"
lin_wait alice "Call 1 with sip:bob@.* ended"
log_has "call=$B .*REFER from leg A: the call joins the conference sip:conf@" ||
	fail "alice's REFER did not bring her call into the conference"
wait_until 5 "alice to leave the bridge" log_has "call=$B .*leg a left bridge 1 \(3 parties left\)"
go measure-1
step measured-1 10
note "bob: $(grep ^bob "$C/levels-1"); carol: $(grep ^carol "$C/levels-1")"
expect 1 bob 1500 -1000 -440
expect 1 carol 1000 -1500 -440

# alice calls erin; tandemctl join of that call and carol's: alice is a party of the bridge
lin_cmd alice "call sip:erin@$TANDEM_IP"
lin_wait alice "Call [0-9]+ with sip:erin@.* connected"
n=$(sed -n 's/^Establishing call id to sip:erin@.*, assigned id \([0-9]*\).*/\1/p' "$(lin_dir alice)/out")
[ -n "$n" ] || fail "linphonec's id of the call to erin not found"
step erin-up
E=$(call_to erin)
D=$(call_to dave)
[ -n "$E" ] && [ -n "$D" ] || fail "calls not found ($E, $D)"
ctl join "$E" "$D" || fail "tandemctl join $E $D failed"
wait_until 5 "alice and erin in the bridge" log_has "call=$E .*joined bridge 1 .*5 parties"
go measure-2
alice_sniff "$E"
step measured-2 10
cat "$T/alice-levels" >> "$C/levels-2"
note "measure 2: $(tr '\n' ';' < "$C/levels-2")"
expect 2 alice 1000 1500 2000 -440	# what tandemd sends her phone
expect 2 bob 440 1500 2000 -1000
expect 2 carol 440 1000 2000 -1500
expect 2 erin 440 1000 1500 -2000

# alice hangs up: she leaves, the others go on hearing each other and nothing of her
lin_cmd alice "terminate $n"
lin_wait alice "Call $n with sip:erin@.* ended"
wait_until 5 "alice to leave the bridge" log_has "call=$E .*leg a left bridge 1 \(4 parties left\)"
# what alice's phone itself decoded (its `record`, closed with the call): its last second but
# 0.3 s was in the bridge (the joined call ran 1.5 s and more, rtpsniff's time)
end=$(lin_wav_seconds "$T/alice-heard.wav")
echo "alice-own $(python3 "$SIPUA_DIR/confua.py" levels "$T/alice-heard.wav" \
	"$(awk -v e="$end" 'BEGIN { print e - 1.3 }')" 1.0 440 1000 1500 2000 | tr '\n' ' ')" >> "$C/levels-2"
note "linphonec's own recording, ${end} s long: $(grep ^alice-own "$C/levels-2")"
expect 2 alice-own 1000 1500 2000 -440
go measure-3
step measured-3 10
note "measure 3: $(tr '\n' ';' < "$C/levels-3")"
expect 3 bob 1500 2000 -1000 -440
expect 3 carol 1000 2000 -1500 -440
expect 3 erin 1000 1500 -2000 -440

go leave
step carol-hung-up
wait_active 0
expect_py parties
log_has "reason=bridge-ended" || fail "carol's call did not end as bridge-ended"
lin_stop alice
wait_until 5 "the relay to give its streams and ports back" media_idle
