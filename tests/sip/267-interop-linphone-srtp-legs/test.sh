# 267-interop-linphone-srtp-legs: two cells of the interop matrix on one tandemd, one after the
# other: linphonec alice (SDES SRTP) -> tandemd -> linphonec bob (SDES SRTP), then linphonec
# carol (plain RTP) -> tandemd -> bob. The route is chosen by the caller's From user.
. "$(dirname "${BASH_SOURCE[0]}")/../interop.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../linphone.sh"
TONE_ALICE=440 TONE_CAROL=660 TONE_BOB=1000
S80=AES_CM_128_HMAC_SHA1_80

lin_launch bob lin-bob.rc 150 -a		# on $CALLEE2, auto-answer, SRTP mandatory
lin_launch alice lin-alice.rc 150	# on $CALLER_IP:5070, SRTP mandatory
lin_launch carol lin-carol.rc 150	# on $TEST_NET.4:5070, plain RTP
lin_up bob alice carol
lin_sound bob "$TONE_BOB" 60
lin_sound alice "$TONE_ALICE" 60
lin_sound carol "$TONE_CAROL" 60

# lin_encryption_is NAME K SRTP|None: the media encryption linphonec NAME negotiated for its
# Kth call (its log says it once a call, as the call connects)
lin_encryption_is() {
	[ "$(sed -n 's/.*Negotiated media encryption is LinphoneMediaEncryption//p' \
		"$(lin_dir "$1")/log" | sed -n "$2p")" = "$3" ]
}

leg_srtp_is() {	# leg_srtp_is SIDE SUITE|null: the relay's SRTP suite on leg SIDE of call $id
	local got
	got=$(stream_get "$id" ".$1.srtp")
	[ "$got" = "$2" ] || fail "leg $1 of call $id: srtp $got in the relay, want $2"
}

# call_bob CALLER N ENC: CALLER calls bob (bob's Nth call, CALLER's first); both phones say
# connected, CALLER's says its media encryption is ENC (SRTP or None), bob's SRTP; tandemd
# answered its Nth call; sets id
call_bob() {
	local caller=$1 n=$2 enc=$3
	lin_cmd "$caller" "call sip:bob@$TANDEM"
	lin_wait "$caller" "Call [0-9]+ with sip:bob@.* connected"
	lin_wait bob "Call [0-9]+ with sip:$caller@.* connected"
	wait_until 5 "call $n answered in tandemd" answered_is "$n"
	id=$(call_id_of_first)
	[ -n "$id" ] || fail "no call in tandemd"
	wait_until 5 "$caller's phone to say its media encryption is $enc" \
		lin_encryption_is "$caller" 1 "$enc"
	wait_until 5 "bob's phone to say SRTP for its call $n" lin_encryption_is bob "$n" SRTP
	note "call $id: $caller's phone says $enc, bob's SRTP"
}

# hang_up CALLER N: CALLER hangs up; both phones see the call end, tandemd its Nth clean BYE
# from the caller, and neither leg lost more than one packet to SRTP authentication (a
# packet of the phone's before its keys were in place)
hang_up() {
	local caller=$1 n=$2 s
	for s in a b; do
		[ "$(stream_get "$id" ".$s.dropped_auth")" -le 1 ] ||
			fail "tandemd dropped $(stream_get "$id" ".$s.dropped_auth") packets of leg $s as unauthentic"
	done
	lin_cmd "$caller" "terminate 1"
	lin_wait "$caller" "Call [0-9]+ with sip:bob@.* ended"
	lin_wait bob "Call [0-9]+ with sip:$caller@.* ended"
	wait_active 0
	[ "$(grep -c "ending reason=bye-caller code=200" "$T/tandemd.log")" = "$n" ] ||
		fail "tandemd did not log a clean BYE from $caller"
}

# 1. SDES SRTP on both legs: each leg with its own keys, nothing in clear on either
call_bob alice 1 SRTP
leg_srtp_is a "$S80"
leg_srtp_is b "$S80"
audio_both_ways "$id"
# each leg has keys of its own: no key alice's phone sent or got (its SDP in its log) reached bob's
keys_of() { grep -o 'inline:[A-Za-z0-9+/=]*' "$(lin_dir "$1")/log" | sort -u; }
[ -n "$(keys_of alice)" ] && [ -n "$(keys_of bob)" ] || fail "no SDES key in the phones' logs"
[ -z "$(comm -12 <(keys_of alice) <(keys_of bob))" ] || fail "a key of alice's leg reached bob"
lin_mark alice bob
expect_heard_both "$id" srtp srtp
audio_both_ways "$id"	# 2.5 s of each phone's recording past the mark, at least
hang_up alice 1
lin_heard alice "$TONE_BOB"	# decrypted by alice's phone, encrypted by tandemd
lin_heard bob "$TONE_ALICE"
mv "$T/bob-heard.wav" "$T/bob-heard-alice.wav"	# bob records its next call anew

# 2. RTP to SRTP: carol's leg plain, bob's SRTP
call_bob carol 2 None
leg_srtp_is a null
leg_srtp_is b "$S80"
audio_both_ways "$id"
lin_mark carol bob
expect_heard_both "$id" "$TONE_BOB" srtp	# bob's tone in clear toward carol: decrypted by tandemd
audio_both_ways "$id"
hang_up carol 2
lin_heard carol "$TONE_BOB"
lin_heard bob "$TONE_CAROL"	# encrypted by tandemd

lin_stop alice
lin_stop carol
lin_stop bob
! grep -q 'inline:' "$T/tandemd.log" || fail "a key appears in tandemd's log"
wait_until 5 "the relay to give its streams and ports back" media_idle
