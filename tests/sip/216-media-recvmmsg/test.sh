# 216-media-recvmmsg: 200's call with media.io_uring = false (recvmmsg/sendmmsg).
. "$(dirname "${BASH_SOURCE[0]}")/../media.sh"
expect_stat .media.io recvmmsg
call_up
rtp_both_ways
call_down
expect_sipp caller 0
expect_sipp callee 0
wait_active 0
wait_until 5 "the relay to give its streams and ports back" media_idle
