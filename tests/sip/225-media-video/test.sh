# 225-media-video: two m= lines, two stream pairs.
. "$(dirname "${BASH_SOURCE[0]}")/../media.sh"
subst "$SRC/uas.xml" "$T/uas.xml"
subst "$SRC/uac.xml" "$T/uac.xml"
uas_start callee "$T/uas.xml" 30 -m 1
uac_start caller "$T/uac.xml" 30 -m 1 -s bob
wait_until 10 "the call answered" answered_is 1
expect_stat .media.streams 2
id=$(call_id_of_first)
j=$(ctl --json call "$id")
[ "$(jq -r '.call.streams | length' <<< "$j")" = 2 ] || fail "tandemctl shows $(jq -r '.call.streams | length' <<< "$j") streams"
[ "$(jq -r '.call.streams[1].type' <<< "$j")" = video ] || fail "the second stream is not video"
va=$(jq -r '.call.streams[1].a.relay_port' <<< "$j")
vb=$(jq -r '.call.streams[1].b.relay_port' <<< "$j")
aa=$(jq -r '.call.streams[0].a.relay_port' <<< "$j")
ab=$(jq -r '.call.streams[0].b.relay_port' <<< "$j")
rtpeer_start caller_v "$CALLER_IP:30002" "$TANDEM_IP:$va" -n 60 -i 20 -t 4
rtpeer_start callee_v "$CALLEE_IP:31002" "$TANDEM_IP:$vb" -n 60 -i 20 -t 4
rtpeer_start caller_a "$CALLER_IP:30000" "$TANDEM_IP:$aa" -n 60 -i 20 -t 4
rtpeer_start callee_a "$CALLEE_IP:31000" "$TANDEM_IP:$ab" -n 60 -i 20 -t 4
rtpeer_wait caller_v; rtpeer_wait callee_v; rtpeer_wait caller_a; rtpeer_wait callee_a
expect_rtp caller_v 57 "$TANDEM_IP:$va"
expect_rtp callee_v 57 "$TANDEM_IP:$vb"
expect_rtp caller_a 57 "$TANDEM_IP:$aa"
expect_rtp callee_a 57 "$TANDEM_IP:$ab"
call_down
expect_sipp caller 0
expect_sipp callee 0
wait_active 0
wait_until 5 "the relay to give its streams and ports back" media_idle
