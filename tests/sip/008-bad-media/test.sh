# 008-bad-media: junk at the relay ports is dropped and counted; the call's media keeps flowing.
. "$(dirname "${BASH_SOURCE[0]}")/../media.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../srtp.sh"
call_up 45
tkey=$(key_in_messages uac "SIP/2.0 200" 1)
[ -n "$tkey" ] || fail "no key of tandemd's in the caller's 200"
rtpeer_start caller "$CALLER_IP:30000" "$TANDEM_IP:$a_port" -n 200 -i 20 -t 8 -k "$S80:$KEY_A" -K "$S80:$tkey"
rtpeer_start callee "$CALLEE_IP:31000" "$TANDEM_IP:$b_port" -n 200 -i 20 -t 8
latched() { [ -n "$(stream_get "$id" .a.latched)" ] && [ -n "$(stream_get "$id" .b.latched)" ]; }
wait_until 5 "both legs latched" latched
python3 "$SRC/junk.py" "$CALLEE2_IP" "$TANDEM_IP" "$a_port" "$b_port" > "$T/junk.out" 2>&1 ||
	fail "junk.py failed: $(cat "$T/junk.out")"
sed 's/^/# junk: /' "$T/junk.out"
rtpeer_wait caller
rtpeer_wait callee
# one snapshot of the relay's counters while the call is still up
ctl --json call "$id" > "$T/call.json" || fail "tandemctl call $id failed"
snap() { jq -r ".call.streams[0]$1" "$T/call.json"; }
want() { awk -v p="$1" -v k="$2" '$1 == p { for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) print kv[2] } }' "$T/junk.out"; }
for side in a b; do
	port=$a_port; [ $side = b ] && port=$b_port
	got=$(snap ".$side.dropped_malformed")
	note "side $side: dropped_malformed=$got auth=$(snap ".$side.dropped_auth") source=$(snap ".$side.dropped_source") packets=$(snap ".$side.packets") sent=$(snap ".$side.sent")"
	[ "$got" = "$(want "$port" malformed)" ] || fail "side $side counted $got malformed packets, want $(want "$port" malformed)"
done
expect_rtp caller 180 "$TANDEM_IP:$a_port"
expect_rtp callee 180 "$TANDEM_IP:$b_port"
[ "$(snap .a.dropped_auth)" = "$(want "$a_port" v2)" ] ||
	fail "SRTP side a: dropped_auth $(snap .a.dropped_auth), want $(want "$a_port" v2)"
[ "$(snap .b.dropped_source)" = "$(want "$b_port" v2)" ] ||
	fail "plain side b: dropped_source $(snap .b.dropped_source), want $(want "$b_port" v2)"
call_down
expect_sipp caller 0
expect_sipp callee 0
wait_active 0
wait_until 5 "the relay to give its streams and ports back" media_idle
