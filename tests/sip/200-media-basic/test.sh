# 200-media-basic: RTP both ways through the relay, checked byte by byte.
. "$(dirname "${BASH_SOURCE[0]}")/../media.sh"
call_up
note "relay ports: facing caller $a_port, facing callee $b_port"
# io_uring where the kernel allows it; 216 runs the recvmmsg/sendmmsg path
io=$(status_get .media.io) || fail "tandemctl --json status failed"
case "$io" in io_uring|recvmmsg) note "relay packet I/O: $io" ;; *) fail "status media.io is '$io'" ;; esac
[ "$a_port" != "$b_port" ] || fail "both legs got relay port $a_port"
rtp_both_ways
# the relay's own view, while the call is still up
[ "$(stream_get "$id" .a.latched)" = "$CALLER_IP:30000" ] || fail "caller side latched to $(stream_get "$id" .a.latched)"
[ "$(stream_get "$id" .a.lost)" = 0 ] || fail "relay saw loss from the caller on loopback"
call_down
expect_sipp caller 0
expect_sipp callee 0
wait_active 0
wait_until 5 "the relay to give its streams and ports back" media_idle
log_has "media 0 audio PCMU: A->B (9[5-9]|100) pkts" || fail "the end-of-call line does not report the media"
