# tests/sip/interop.sh: real phones on every side of tandemd, for the interop tests (195-199):
# each test names its parties and the calls they make; the baresip configs all come from one
# template (tests/sip/interop/baresip.config), so a test folder holds only its tandemd.conf.
# Sourced by a test.sh after lib.sh; brings media.sh and baresip.sh.
INTEROP_SH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$INTEROP_SH_DIR/media.sh"
. "$INTEROP_SH_DIR/baresip.sh"

# bua_launch NAME IP:PORT TONE USER [;ACCOUNT-PARAMS]: start a baresip as USER@IP:PORT that
# sends a TONE Hz sine (G.711 u-law; ;answermode=auto to answer by itself, ;mediaenc=srtp-mand
# for SDES SRTP); then bua_wait NAME. Its RTP ports are 26000 + 10 x (PORT - 5070) and up, so
# parties on one address need SIP ports at least 2 apart (baresip also binds PORT + 1 for TLS).
bua_launch() {
	local name=$1 ip=${2%:*} port=${2##*:} tone=$3 user=$4 params=${5:-} rtp
	rtp=$((26000 + (port - 5070) * 10))
	sed -e "s|@UA_NAME@|$name|g" -e "s|@UA_IP@|$ip|g" -e "s|@UA_PORT@|$port|g" \
	    -e "s|@UA_CTRL@|$((port + 4))|g" -e "s|@UA_TONE@|$tone|g" \
	    -e "s|@UA_RTP@|$rtp-$((rtp + 9))|g" "$INTEROP_SH_DIR/interop/baresip.config" \
		> "$T/bua-$name.config"
	printf '<sip:%s@%s:%s>;regint=0;audio_codecs=PCMU%s\n' "$user" "$ip" "$port" "$params" \
		> "$T/bua-$name.accounts"
	ua_launch "$name" "$T/bua-$name.config" "$T/bua-$name.accounts" "${BUA_SECONDS:-60}"
}

bua_wait() {	# bua_wait NAME...: each launched baresip is ready
	local n
	for n in "$@"; do ua_wait_ready "$n"; done
}

# relay_sent_grows CALL-ID SIDE N: the relay has sent N more packets toward leg SIDE (a|b)
# than when relay_mark CALL-ID was called (audio flows toward that party now)
relay_mark() {
	MARK_A=$(stream_get "$1" .a.sent)
	MARK_B=$(stream_get "$1" .b.sent)
}
relay_sent_grows() {
	local now mark
	now=$(stream_get "$1" ".$2.sent")
	if [ "$2" = a ]; then mark=$MARK_A; else mark=$MARK_B; fi
	[ -n "$now" ] && [ "$now" != null ] && [ "$now" -ge $((mark + $3)) ]
}

# audio_both_ways CALL-ID: 50 more packets (1 s of audio) relayed toward each leg
audio_both_ways() {	# bounds for a loaded machine: 1 s of audio each way takes 1 s when quiet
	relay_mark "$1"
	wait_until 15 "50 more packets toward the caller" relay_sent_grows "$1" a 50
	wait_until 15 "50 more packets toward the callee" relay_sent_grows "$1" b 50
}

# expect_heard CALL-ID SIDE HZ [WHO]: for 1.5 s, the RTP that reaches leg SIDE's phone (its
# latched address; tests/sip/rtpsniff.py, needs root) carries a HZ tone (tone_mostly): what
# tandemd sends the phone now, whatever the phone does with it (baresip writes no received
# audio after a hold)
expect_heard() {
	local id=$1 side=$2 hz=$3 who=${4:-leg $2} to res
	to=$(stream_get "$id" ".$side.latched")
	[[ $to == *.*:* ]] || fail "leg $side has no latched IPv4 RTP address ($to)"
	res=$(python3 -W ignore "$INTEROP_SH_DIR/rtpsniff.py" "$to" 1.5 "$T/heard-$side.wav") ||
		fail "no RTP toward $who at $to in 1.5 s ($res)"
	tone_mostly "$who (at $to, $res)" "$T/heard-$side.wav" "$hz"
}

# expect_ciphered CALL-ID SIDE [WHO]: for 1.5 s, the RTP that reaches leg SIDE's phone (as
# expect_heard) carries no audio in clear: read as G.711, its payload is noise, no tone. What a
# look at the wire shows of an SRTP leg (the phone's own recording shows what it decrypted).
expect_ciphered() {
	local id=$1 side=$2 who=${3:-leg $2} to res share
	to=$(stream_get "$id" ".$side.latched")
	[[ $to == *.*:* ]] || fail "leg $side has no latched IPv4 RTP address ($to)"
	res=$(python3 -W ignore "$INTEROP_SH_DIR/rtpsniff.py" "$to" 1.5 "$T/wire-$side.wav") ||
		fail "no RTP toward $who at $to in 1.5 s ($res)"
	res="$res $(tone_of "$T/wire-$side.wav")"
	share=$(sed -n 's/.*share=\([0-9.]*\).*/\1/p' <<< "$res")
	note "$who (at $to) gets, read as clear G.711: $res"
	[ -n "$share" ] && awk -v s="$share" 'BEGIN { exit !(s < 0.3) }' ||
		fail "$who gets audio in clear on an SRTP leg: $res"
}

# expect_heard_both CALL-ID HZ-A HZ-B: leg a's phone hears HZ-A and leg b's HZ-B, at once; an
# HZ of "srtp": that leg carries no audio in clear (expect_ciphered)
expect_heard_both() {
	( expect_wire "$1" a "$2" ) > "$T/heard-a.out" 2>&1 &
	local pa=$!
	( expect_wire "$1" b "$3" ) > "$T/heard-b.out" 2>&1
	local rb=$?
	wait "$pa"
	local ra=$?
	cat "$T/heard-a.out" "$T/heard-b.out"
	[ $ra = 0 ] && [ $rb = 0 ] || fail "the phones do not hear each other (above)"
}
expect_wire() {
	if [ "$3" = srtp ]; then expect_ciphered "$1" "$2" "leg $2's phone"; else expect_heard "$1" "$2" "$3"; fi
}
