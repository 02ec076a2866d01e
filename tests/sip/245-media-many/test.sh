# 245-media-many: 500 calls with media; nothing left behind.
. "$(dirname "${BASH_SOURCE[0]}")/../media.sh"
SIPP_TRACE=0
sipp_start callee 60 -sn uas -i "$CALLEE_IP" -p "$CALLEE_PORT" -m 500
wait_until 5 "sipp callee listening" bound_udp "$CALLEE_IP:$CALLEE_PORT"
sipp_start caller 60 -sn uac "$TANDEM" -i "$CALLER_IP" -p "$CALLER_PORT" -m 500 -r 100 -l 200 -d 200 -s bob
expect_sipp caller 0
expect_sipp callee 0
wait_active 0 15
wait_until 10 "the relay to give its streams and ports back" media_idle
expect_stat .calls.answered 500
expect_stat .calls.failed 0
