# 190-flood-rate: rate = 5/s, burst = 10, over it 503 with Retry-After; other sources unaffected.
FLOOD=$(dirname "$SRC")/floodpeer.py

flood() {	# flood NAME FLOODPEER-ARGS...: run floodpeer.py (bounded), output in $T/flood-NAME.out
	local name=$1
	shift
	timeout 20 python3 "$FLOOD" "$@" > "$T/flood-$name.out" 2>&1 || fail "floodpeer $name failed"
	note "flood $name: $(tr '\n' ' ' < "$T/flood-$name.out")"
}
field() {	# field NAME KEY: a figure of floodpeer's line (final=200:10,503:20 -> final.200)
	local line
	line=$(head -n 1 "$T/flood-$1.out")
	case $2 in
	final.*|provisional.*)
		local kind=${2%%.*} code=${2#*.}
		echo "$line" | tr ' ' '\n' | sed -n "s/^$kind=//p" | tr ',' '\n' |
			sed -n "s/^$code://p" | grep . || echo 0 ;;
	*)	echo "$line" | tr ' ' '\n' | sed -n "s/^$2=//p" ;;
	esac
}

# a burst from .4 while .5 sends a few: .5 is not touched
flood burst -n 30 -w 2 $TEST_NET.4 "$TANDEM" &
fpid=$!
flood other -n 5 -w 2 $TEST_NET.5 "$TANDEM"
wait $fpid
ok=$(field burst final.200) busy=$(field burst final.503)
[ "$ok" -ge 10 ] && [ "$ok" -le 12 ] || fail "burst: $ok answered 200, want the burst of 10 (up to 12)"
[ "$busy" -eq $((30 - ok)) ] || fail "burst: $busy answered 503, want $((30 - ok))"
[ "$(field burst none)" -eq 0 ] || fail "burst: requests left unanswered with action 503"
grep -q '^retry_after=5$' "$T/flood-burst.out" || fail "503 without Retry-After: 5"
[ "$(field other final.200)" -eq 5 ] || fail "another source was limited too"

# INVITEs count the same (the route answers 404; over the rate 503)
flood invites -m INVITE -n 15 -w 3 $TEST_NET.6 "$TANDEM"
nf=$(field invites final.404) busy=$(field invites final.503)
[ "$nf" -ge 10 ] && [ "$nf" -le 12 ] || fail "INVITE burst: $nf routed (404), want 10 to 12"
[ "$busy" -eq $((15 - nf)) ] || fail "INVITE burst: $busy answered 503, want $((15 - nf))"

# trusted: never limited
flood trusted -n 30 -w 2 $TEST_NET.7 "$TANDEM"
[ "$(field trusted final.200)" -eq 30 ] || fail "a trusted source was limited"

# no ban was made, and a real call still goes through
log_has "banned " && fail "a ban was made with ban_after = 0"
uas_start callee uas.xml 20 -m 1
uac_start caller uac.xml 20 -m 1 -s bob
expect_sipp caller 0
expect_sipp callee 0
wait_active 0
expect_stat .calls.answered 1
