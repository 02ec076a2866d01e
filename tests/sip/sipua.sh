# tests/sip/sipua.sh: run the python3 parties of a SIP test (scripts built on sipua.py),
# sourced by a test.sh after lib.sh (and media.sh, whose RTPEER the scripts may use).
# py_start NAME SECONDS SCRIPT [ARGS...]: start SCRIPT (a file of $SRC) in the background,
# bounded by `timeout`, recorded in $T/pids; output in $T/py-NAME.out.
# expect_py NAME: wait for it (bounded) and require exit code 0.

SIPUA_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
declare -gA PY_PID=() PY_SECS=()

py_start() {
	local name=$1 secs=$2 script=$3
	shift 3
	export PYTHONPATH=$SIPUA_DIR PYTHONDONTWRITEBYTECODE=1 RTPEER="${RTPEER:-}"
	timeout -k 3 "$secs" python3 "$(scen "$script")" "$@" > "$T/py-$name.out" 2>&1 < /dev/null &
	PY_PID[$name]=$!
	PY_SECS[$name]=$secs
	echo "$!" >> "$T/pids"
}

py_wait() {	# py_wait NAME: its exit code (124: ran over its time)
	local pid=${PY_PID[$1]} i
	for ((i = 0; i < (${PY_SECS[$1]} + 5) * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
	wait "$pid"
}

expect_py() {
	local rc
	py_wait "$1"
	rc=$?
	sed 's/^/  py '"$1"': /' "$T/py-$1.out"
	[ $rc -eq 0 ] || fail "$1 (python) exited $rc: $(grep -m1 '^FAIL' "$T/py-$1.out" ||
		tail -n 3 "$T/py-$1.out")"
	note "py $1: ok"
}
