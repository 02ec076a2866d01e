# tests/sip/media.sh: helpers for the tests that carry RTP through tandemd's relay
# (sourced by their test.sh after lib.sh). rtpeer is tests/tools/rtpeer: it sends
# 172-byte RTP packets whose payload can be checked and reports what it received.

MEDIA_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
case ${BUILD:-build} in
/*) RTPEER=${RTPEER:-$BUILD/tests/tools/rtpeer} ;;
*) RTPEER=${RTPEER:-$MEDIA_ROOT/${BUILD:-build}/tests/tools/rtpeer} ;;
esac
[ -x "$RTPEER" ] || fail "$RTPEER not built (make tools)"

declare -gA RTPEER_PID=()

# rtpeer_start NAME LOCAL REMOTE [ARGS...]: send and receive in the background;
# the result line goes to $T/rtp-NAME.out
rtpeer_start() {
	local name=$1 local_addr=$2 remote=$3
	shift 3
	# both ends bind before either sends (-w): on a busy machine a peer that
	# starts late would otherwise miss the first packets
	"$RTPEER" -l "$local_addr" -r "$remote" -o "$T/rtp-$name.out" -w 0.5 "$@" > /dev/null 2>&1 &
	RTPEER_PID[$name]=$!
	echo "$!" >> "$T/pids"
}

rtpeer_wait() {	# rtpeer_wait NAME: bounded by rtpeer's own -t
	wait "${RTPEER_PID[$1]}"
	[ -s "$T/rtp-$1.out" ] || fail "rtpeer $1 wrote no result"
	note "rtp $1: $(cat "$T/rtp-$1.out")"
}

rtp_field() {	# rtp_field NAME KEY: a value of rtpeer's result line
	tr ' ' '\n' < "$T/rtp-$1.out" | sed -n "s/^$2=//p"
}

# expect_rtp NAME MIN_RECEIVED FROM: at least MIN packets arrived, all intact, all
# from FROM (tandemd's relay address and port)
expect_rtp() {
	local got intact bad from strays
	got=$(rtp_field "$1" received); intact=$(rtp_field "$1" intact)
	bad=$(rtp_field "$1" bad); from=$(rtp_field "$1" from); strays=$(rtp_field "$1" strays)
	[ "$got" -ge "$2" ] || fail "rtp $1: received $got packets, want at least $2"
	[ "$intact" = "$got" ] && [ "$bad" = 0 ] || fail "rtp $1: $bad of $got packets damaged"
	[ "$from" = "$3" ] || fail "rtp $1: packets came from $from, want $3"
	[ "$strays" = 0 ] || fail "rtp $1: $strays packets from another source"
}

# rtp_both_ways: after call_up, 100 plain RTP packets each way (caller from :30000, callee
# from :31000), at least 95 back on each side, intact, from the relay port facing it; the
# relay counted at least 95 received from each leg and sent to the caller
rtp_both_ways() {
	rtpeer_start caller "$CALLER_IP:30000" "$TANDEM_IP:$a_port" -n 100 -i 20 -t 5
	rtpeer_start callee "$CALLEE_IP:31000" "$TANDEM_IP:$b_port" -n 100 -i 20 -t 5
	rtpeer_wait caller
	rtpeer_wait callee
	expect_rtp caller 95 "$TANDEM_IP:$a_port"
	expect_rtp callee 95 "$TANDEM_IP:$b_port"
	local k
	for k in .a.packets .b.packets .a.sent; do
		[ "$(stream_get "$id" "$k")" -ge 95 ] || fail "relay counted $(stream_get "$id" "$k") for $k, want at least 95"
	done
}

# call_up [SECONDS]: the test's uas.xml and uac.xml (placeholders filled) as callee and
# caller (each bounded by SECONDS, default 30), one call to bob, answered; sets id (tandemd's
# call id), a_port and b_port (the relay ports facing the caller and the callee)
call_up() {
	local secs=${1:-30}
	subst "$SRC/uas.xml" "$T/uas.xml"
	subst "$SRC/uac.xml" "$T/uac.xml"
	uas_start callee "$T/uas.xml" "$secs" -m 1
	uac_start caller "$T/uac.xml" "$secs" -m 1 -s bob
	wait_until 10 "the call answered" answered_is 1
	id=$(call_id_of_first)
	[ -n "$id" ] || fail "tandemctl calls shows no call"
	a_port=$(stream_get "$id" .a.relay_port)
	b_port=$(stream_get "$id" .b.relay_port)
}

# call_down: the test is done with the call: tandemctl hangup ends it (BYE to both sides).
# The callers of these tests wait for that BYE rather than hang up after a fixed hold.
call_down() {
	ctl hangup "$id" > /dev/null || fail "tandemctl hangup $id failed"
}

call_id_of_first() {	# the tandemd id of the (only) call up
	ctl --json calls | jq -r '.calls[0].id // empty'
}

stream_get() {	# stream_get CALL-ID JQ-PATH (under .call.streams[0], e.g. .a.relay_port)
	ctl --json call "$1" | jq -r ".call.streams[0]$2"
}

relay_counted() {	# relay_counted CALL-ID JQ-TEST: the test holds for .call.streams[0] now
	ctl --json call "$1" 2>/dev/null | jq -e ".call.streams[0] | $2" > /dev/null
}

answered_is() {
	[ "$(status_get .calls.answered 2>/dev/null)" = "$1" ]
}

media_idle() {	# no stream and no port in use in the relay
	[ "$(status_get .media.streams 2>/dev/null)" = 0 ] &&
	[ "$(status_get .media.ports_in_use 2>/dev/null)" = 0 ]
}

direction_is() {	# direction_is CALL-ID SIDE(a|b) DIR: what the relay has for that leg now
	[ "$(stream_get "$1" ".$2.direction")" = "$3" ]
}
