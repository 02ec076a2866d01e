# 220-media-hold: a held call is not mistaken for dead media; audio flows after resume.
. "$(dirname "${BASH_SOURCE[0]}")/../media.sh"
subst "$SRC/uas.xml" "$T/uas.xml"
subst "$SRC/uac.xml" "$T/uac.xml"
uas_start callee "$T/uas.xml" 40 -m 1
uac_start caller "$T/uac.xml" 40 -m 1 -s bob
wait_until 10 "the call answered" answered_is 1
id=$(call_id_of_first)
a_port=$(stream_get "$id" .a.relay_port)
b_port=$(stream_get "$id" .b.relay_port)
wait_until 5 "the hold to reach the relay" direction_is "$id" a sendonly
note "on hold: caller side $(stream_get "$id" .a.direction), callee side $(stream_get "$id" .b.direction)"
# the resume comes 5 s after the answer; send only after it
wait_until 10 "the resume to reach the relay" direction_is "$id" a sendrecv
[ "$(stream_get "$id" .a.relay_port)" = "$a_port" ] || fail "the resume moved the caller's relay port"
rtpeer_start caller "$CALLER_IP:30000" "$TANDEM_IP:$a_port" -n 100 -i 20 -t 3.5
rtpeer_start callee "$CALLEE_IP:31000" "$TANDEM_IP:$b_port" -n 100 -i 20 -t 3.5
rtpeer_wait caller
rtpeer_wait callee
expect_rtp caller 95 "$TANDEM_IP:$a_port"
expect_rtp callee 95 "$TANDEM_IP:$b_port"
expect_sipp caller 0
expect_sipp callee 0
wait_active 0
log_has "reason=media-timeout" && fail "the held call was hung up for lack of media"
log_has "ending reason=bye-caller" || fail "the call did not end with the caller's BYE"
