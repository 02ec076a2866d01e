# tests/sip/lib.sh: helpers for the test.sh of each SIP test (sourced by tests/sip/run
# and, in a bash of its own, before each test.sh). A test.sh runs in its work folder $T
# with these variables set:
#   TEST_NET                        the test's own /24 without its last byte, in the run's
#                                   address block (tests/addrblock.sh), e.g. 127.4.10;
#                                   peers beyond the usual ones use $TEST_NET.4 and up
#   TANDEM_IP TANDEM_PORT TANDEM    tandemd's SIP address ($TEST_NET.1:5060)
#   CALLEE_IP CALLEE_PORT CALLEE    the first sipp callee ($TEST_NET.2:5080)
#   CALLEE2_IP CALLEE2_PORT CALLEE2 the second sipp callee ($TEST_NET.3:5080)
#   CALLER_IP CALLER_PORT           the default sipp caller ($TEST_NET.2:5070)
#   SOCK CONF TANDEMD_PID           control socket, running config, tandemd's PID
#   SRC T TANDEMD TANDEMCTL         the test's folder, its work folder, the binaries
# Every process a test starts is recorded (by PID) in $T/pids; the runner ends them.

fail() {	# fail MESSAGE...: the test fails here
	echo "FAIL: $*"
	exit 1
}

note() {
	echo "# $*"
}

re_of() {	# an address as a regex (dots escaped), for sed's replacement text
	printf '%s' "$1" | sed 's/\./\\\\./g'
}

subst() {	# subst IN OUT: replace the @...@ placeholders of a test file
	sed -e "s|@NET@|$TEST_NET|g" -e "s|@TANDEM_IP@|$TANDEM_IP|g" -e "s|@TANDEM_PORT@|$TANDEM_PORT|g" \
	    -e "s|@TANDEM@|$TANDEM|g" \
	    -e "s|@CALLEE_IP@|$CALLEE_IP|g" -e "s|@CALLEE_PORT@|$CALLEE_PORT|g" \
	    -e "s|@CALLEE@|$CALLEE|g" \
	    -e "s|@CALLEE2_IP@|$CALLEE2_IP|g" -e "s|@CALLEE2_PORT@|$CALLEE2_PORT|g" \
	    -e "s|@CALLEE2@|$CALLEE2|g" \
	    -e "s|@CALLER_IP@|$CALLER_IP|g" -e "s|@CALLER_PORT@|$CALLER_PORT|g" \
	    -e "s|@CALLER_RE@|$(re_of "$CALLER_IP")|g" -e "s|@TANDEM_RE@|$(re_of "$TANDEM_IP")|g" \
	    -e "s|@SOCK@|$SOCK|g" -e "s|@WORK@|$T|g" "$1" > "$2"
}

ctl() {		# ctl ARGS...: tandemctl on this test's socket
	"$TANDEMCTL" -s "$SOCK" "$@"
}

# caller_go: the test is done with the call; the caller sipp, held in its scenario by
# <recv request="OPTIONS"/> where a fixed pause used to be (161-xfer-blind/alice.xml), hangs up
# now. The signal is an OPTIONS with the caller's Call-ID (sipp's "N-PID@$CALLER_IP", the
# a-leg of a call tandemd shows), sent once, straight to the caller over loopback (not through
# tandemd), unanswered. So the call lasts as long as the test needs it, not a fixed time that
# a loaded machine may overrun or a quiet one waits out.
caller_go() {
	local cid
	cid=$(ctl --json calls | jq -r --arg at "@$CALLER_IP" \
		'[.calls[].a_call_id | select(endswith($at))][0] // empty')
	[ -n "$cid" ] || fail "caller_go: tandemd shows no call from $CALLER_IP"
	python3 - "$CALLER_IP" "$CALLER_PORT" "$cid" <<'PY' || fail "caller_go: cannot send the OPTIONS"
import socket, sys
ip, port, cid = sys.argv[1], int(sys.argv[2]), sys.argv[3]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((ip, 0))
lp = s.getsockname()[1]
s.sendto(("OPTIONS sip:caller@%s:%d SIP/2.0\r\n"
          "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK-go%d\r\n"
          "From: <sip:test@%s:%d>;tag=go\r\n"
          "To: <sip:caller@%s:%d>\r\n"
          "Call-ID: %s\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
          % (ip, port, ip, lp, lp, ip, lp, ip, port, cid)).encode(), (ip, port))
PY
	note "caller_go: OPTIONS to the caller ($cid)"
}

status_get() {	# status_get JQ-PATH: one value of `tandemctl --json status`, e.g. status_get .calls.active
	local j
	j=$("$TANDEMCTL" -s "$SOCK" --json status) || { echo "tandemctl status failed" >&2; return 1; }
	jq -r "$1" <<< "$j"
}

expect_stat() {	# expect_stat JQ-PATH VALUE
	local v
	v=$(status_get "$1") || fail "tandemctl --json status failed"
	[ "$v" = "$2" ] || fail "tandemctl status $1 is $v, want $2"
	note "status $1 = $v"
}

wait_until() {	# wait_until SECONDS DESCRIPTION COMMAND...: poll every 0.1 s, bounded
	local secs=$1 desc=$2 i
	shift 2
	for ((i = 0; i < secs * 10; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	"$@" && return 0
	fail "timed out after ${secs}s waiting for: $desc"
}

active_is() {	# active_is N: tandemd has N active calls
	[ "$(status_get .calls.active 2>/dev/null)" = "$1" ]
}

wait_active() {	# wait_active N [SECONDS]
	wait_until "${2:-10}" "$1 active calls in tandemd" active_is "$1"
}

log_has() {	# log_has ERE: tandemd's log has a matching line
	grep -q -E -- "$1" "$T/tandemd.log"
}

log_count() {	# log_count ERE: how many lines of tandemd's log match
	grep -c -E -- "$1" "$T/tandemd.log"
}

# ---- sipp ----
# sipp_start NAME SECONDS SIPP-ARGS...: start sipp in the background in $T, bounded by
# sipp's -timeout (a failure) and by `timeout`. Output in $T/sipp-NAME.out; sipp's own
# error log in $T/<scenario>_<pid>_errors.log. SIPP_TRACE=0 turns off -trace_msg.
declare -gA SIPP_PID=() SIPP_SECS=()
sipp_start() {
	local name=$1 secs=$2 trace=()
	shift 2
	[ "${SIPP_TRACE:-1}" = 1 ] && trace=(-trace_msg -trace_logs)
	timeout -k 3 $((secs + 10)) sipp "$@" -timeout "${secs}s" -timeout_error \
		-nostdin -trace_err "${trace[@]}" > "$T/sipp-$name.out" 2>&1 < /dev/null &
	SIPP_PID[$name]=$!
	SIPP_SECS[$name]=$secs
	echo "$!" >> "$T/pids"
}

# sipp_wait NAME: wait for it (bounded) and return its exit code (0: every call succeeded)
sipp_wait() {
	local name=$1 pid=${SIPP_PID[$1]} i bound
	bound=$(( (${SIPP_SECS[$1]} + 15) * 10 ))
	for ((i = 0; i < bound; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid" 2>/dev/null
	fi
	wait "$pid"
}

# sipp_run NAME SECONDS SIPP-ARGS...: run sipp to its end; returns its exit code
sipp_run() {
	local name=$1
	sipp_start "$@"
	sipp_wait "$name"
}

# expect_sipp NAME WANT: wait for sipp NAME and require exit code WANT (0 = all calls ok)
expect_sipp() {
	local rc
	sipp_wait "$1"
	rc=$?
	if [ "$rc" != "$2" ]; then
		fail "sipp '$1' exited $rc, want $2 ($(sipp_summary "$1"))"
	fi
	note "sipp $1: exit $rc ($(sipp_summary "$1"))"
}

sipp_summary() {	# the successful/failed counters of sipp's last screen
	local f=$T/sipp-$1.out s fl
	s=$(grep -a -E "^ *Successful call" "$f" 2>/dev/null | tail -n 1 | awk -F'|' '{gsub(/ /, "", $3); print $3}')
	fl=$(grep -a -E "^ *Failed call" "$f" 2>/dev/null | tail -n 1 | awk -F'|' '{gsub(/ /, "", $3); print $3}')
	echo "successful ${s:-?}, failed ${fl:-?}"
}

sipp_running() {	# sipp_running NAME: still running?
	kill -0 "${SIPP_PID[$1]}" 2>/dev/null
}

# Shorthands for the usual peers. A scenario name is a file of $SRC, or an absolute path.
scen() {
	case $1 in /*) echo "$1" ;; *) echo "$SRC/$1" ;; esac
}

# uas_start NAME SCENARIO SECONDS [ARGS...]: a callee on $CALLEE
uas_start() {
	local name=$1 sf=$2 secs=$3
	shift 3
	sipp_start "$name" "$secs" -sf "$(scen "$sf")" -i "$CALLEE_IP" -p "$CALLEE_PORT" "$@"
	wait_until 5 "sipp $name listening on $CALLEE" bound_udp "$CALLEE_IP:$CALLEE_PORT"
}

# uas2_start NAME SCENARIO SECONDS [ARGS...]: a callee on $CALLEE2
uas2_start() {
	local name=$1 sf=$2 secs=$3
	shift 3
	sipp_start "$name" "$secs" -sf "$(scen "$sf")" -i "$CALLEE2_IP" -p "$CALLEE2_PORT" "$@"
	wait_until 5 "sipp $name listening on $CALLEE2" bound_udp "$CALLEE2_IP:$CALLEE2_PORT"
}

# uac_start NAME SCENARIO SECONDS [ARGS...]: a caller on $CALLER_IP:$CALLER_PORT to tandemd
uac_start() {
	local name=$1 sf=$2 secs=$3
	shift 3
	sipp_start "$name" "$secs" -sf "$(scen "$sf")" "$TANDEM" -i "$CALLER_IP" -p "$CALLER_PORT" "$@"
}

bound_udp() {	# bound_udp ADDR:PORT: some process has that UDP address bound
	[ -n "$(ss -Huan "src $1" 2>/dev/null)" ]
}
