# tests/sip/linphone.sh: linphonec 5.1 (Debian's linphone-cli) as a real, headless user agent
# on either side of tandemd (sourced by a test.sh after lib.sh; what it takes to run
# headless is in tests/sip/README, "linphonec").
#
# Each instance NAME lives in $T/lin-NAME/: home/ (its own HOME; the core never starts
# without home/.local/share/linphone), rc (its config, from a template of $SRC with the lib.sh
# @...@ placeholders plus @LIN_DIR@, the instance's folder), in (a FIFO: its standard input,
# one command a line), out (everything it prints: prompts, call states) and log (liblinphone's
# own log). linphonec and the process that holds its FIFO open are recorded in $T/pids and
# bounded by `timeout`; lin_stop ends them by PID.
#
#   lin_start bob lin-bob.rc 60 -a     start (auto-answer), wait for its SIP socket
#   lin_launch .../lin_up bob alice    the same, several phones starting side by side
#   lin_cmd bob "pause 1"              a command on its standard input
#   lin_wait bob 'Call 1 .* paused' 5  wait (bounded) for a line of its output (ERE)
#   lin_stop bob                       quit, or SIGTERM/SIGKILL, by PID
# Sound without a card: lin_cmd NAME "soundcard use files", then "play FILE.wav" (what it
# sends; lin_tone_wav makes one) and "record FILE.wav" (what it hears), before the call.
# The recording's first second can hold a glitch of linphonec's own playout: check its tone
# from a point where the call is known to carry audio (lin_mark while it does, lin_heard once
# the call has ended; or lin_wav_seconds, then wait_until lin_wav_past, and tone_is WHO WAV HZ
# FROM while it goes on).

LIN_SH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
command -v linphonec >/dev/null || fail "linphonec is needed (scripts/install-deps: linphone-cli)"

declare -gA LIN_PID=() LIN_HOLD_PID=()

lin_dir() { echo "$T/lin-$1"; }

# lin_sip_addr RC: ADDR:PORT of the rc's [sip] bind_address and sip_port
lin_sip_addr() {
	awk -F= '/^\[/ { s = ($0 == "[sip]") } s && $1 == "bind_address" { a = $2 }
		 s && $1 == "sip_port" { p = $2 } END { if (a != "" && p != "") print a ":" p }' "$1"
}

# lin_start NAME RC-TEMPLATE SECONDS [LINPHONEC-ARGS...]: start linphonec NAME for SECONDS at
# most and wait (bounded) until its SIP socket is bound. lin_launch starts it without waiting,
# lin_up waits: several phones start side by side (linphonec takes seconds to start on a busy
# machine).
lin_start() {
	lin_launch "$@"
	lin_up "$1"
}

lin_launch() {
	local name=$1 rc=$2 secs=$3 d addr
	shift 3
	d=$(lin_dir "$name")
	mkdir -p "$d/home/.local/share/linphone"
	subst "$(scen "$rc")" "$d/rc.in"
	sed "s|@LIN_DIR@|$d|g" "$d/rc.in" > "$d/rc"
	addr=$(lin_sip_addr "$d/rc")
	[ -n "$addr" ] || fail "linphonec $name: no [sip] bind_address and sip_port in $rc"
	rm -f "$d/in"; mkfifo "$d/in"
	: > "$d/out"
	HOME=$d/home timeout -k 3 "$secs" linphonec -c "$d/rc" -d 4 -l "$d/log" "$@" \
		< "$d/in" > "$d/out" 2>&1 &
	LIN_PID[$name]=$!
	echo "$!" >> "$T/pids"
	# holds the FIFO open between commands (linphonec ends at the end of its input)
	sleep "$((secs + 2))" > "$d/in" &
	LIN_HOLD_PID[$name]=$!
	echo "$!" >> "$T/pids"
}

lin_up() {	# lin_up NAME...: each launched linphonec has its SIP socket bound (bounded)
	local name addr
	for name in "$@"; do
		addr=$(lin_sip_addr "$(lin_dir "$name")/rc")
		wait_until 15 "linphonec $name listening on $addr" lin_bound "$name" "$addr"
		note "linphonec $name up (pid ${LIN_PID[$name]}) on $addr"
	done
}

lin_bound() {	# lin_bound NAME ADDR:PORT: still running, and the SIP socket is up
	kill -0 "${LIN_PID[$1]}" 2>/dev/null ||
		fail "linphonec $1 exited: $(grep -v -- '-error-Could not find a suitable soundcard' \
			"$(lin_dir "$1")/out" | tail -n 5)"
	bound_udp "$2"
}

# lin_cmd NAME COMMAND: one line on linphonec's standard input (bounded)
lin_cmd() {
	timeout 5 bash -c 'printf "%s\n" "$1" > "$2"' _ "$2" "$(lin_dir "$1")/in" ||
		fail "linphonec $1: cannot send '$2'"
}

lin_has() {	# lin_has NAME ERE: linphonec NAME printed a matching line
	grep -Eq -- "$2" "$(lin_dir "$1")/out"
}

# lin_wait NAME ERE [SECONDS]: wait (default 10 s) until linphonec NAME prints a matching line
lin_wait() {
	local name=$1 re=$2 secs=${3:-10}
	if ! lin_has "$name" "$re"; then
		local i
		for ((i = 0; i < secs * 10; i++)); do
			lin_has "$name" "$re" && break
			kill -0 "${LIN_PID[$name]}" 2>/dev/null || break
			sleep 0.1
		done
	fi
	lin_has "$name" "$re" || fail "linphonec $name: no line matching '$re' within $secs s;" \
		"its last lines: $(grep -v -- '-error-Could not find a suitable soundcard' \
			"$(lin_dir "$name")/out" | tail -n 8 | tr '\n' '|')"
	note "linphonec $name: $(grep -E -m 1 -- "$re" "$(lin_dir "$name")/out")"
}

lin_wav_seconds() {	# lin_wav_seconds WAV: seconds of audio in a recording linphonec writes
	python3 "$LIN_SH_DIR/tone.py" --length "$1"
}

lin_wav_past() {	# lin_wav_past WAV AT SECONDS: the recording holds SECONDS more than AT
	awk -v now="$(lin_wav_seconds "$1")" -v at="$2" -v s="$3" 'BEGIN { exit !(now >= at + s) }'
}

# lin_tone_wav FILE HZ SECONDS: a 16-bit mono 8 kHz wav of a sine, for `play` (HZ a whole
# number: one second of it, repeated)
lin_tone_wav() {
	python3 - "$@" <<'PY' || fail "cannot write the tone $1"
import array, math, sys, wave
path, hz, secs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
second = array.array("h", (int(10000 * math.sin(2 * math.pi * hz * i / 8000))
                           for i in range(8000))).tobytes()
with wave.open(path, "wb") as w:
    w.setnchannels(1)
    w.setsampwidth(2)
    w.setframerate(8000)
    w.writeframes(second * secs)
PY
}

# lin_sound NAME HZ SECONDS: linphonec NAME plays a HZ tone ($T/NAME.wav, SECONDS long) and
# records what it hears to $T/NAME-heard.wav, from its next call on
lin_sound() {
	local name=$1
	lin_tone_wav "$T/$name.wav" "$2" "$3"
	lin_cmd "$name" "soundcard use files"
	lin_cmd "$name" "play $T/$name.wav"
	lin_cmd "$name" "record $T/$name-heard.wav"
	lin_wait "$name" "Using wav files instead of soundcard"
}

# lin_mark NAME...: where each phone's recording is now, and at least 1 s in (its playout can
# glitch in the first second): after the call, lin_heard checks the tone from there. linphonec
# writes its recording in bursts of seconds, so the file lags behind the call: call lin_mark
# once audio flows, and let audio flow on for 2 s more (expect_heard, audio_both_ways: waits on
# the relay, not on the file) before the call ends.
declare -gA LIN_AT=()
lin_mark() {
	local name
	for name in "$@"; do
		LIN_AT[$name]=$(awk -v s="$(lin_wav_seconds "$T/$name-heard.wav")" \
			'BEGIN { printf "%.2f", s < 1 ? 1 : s }')
	done
}

# lin_heard NAME HZ: once its call has ended (the recording is closed), linphonec NAME's
# recording holds a HZ tone from its lin_mark on (tone_mostly: three half-second windows)
lin_heard() {
	local wav=$T/$1-heard.wav at=${LIN_AT[$1]}
	lin_wav_past "$wav" "$at" 1.7 ||
		fail "linphonec $1: its recording ends at $(lin_wav_seconds "$wav") s, too soon" \
			"after its mark (${at} s) to measure"
	tone_mostly "linphonec $1 (from ${at} s)" "$wav" "$2" "$at"
}

# lin_stop NAME: `quit` on its input, then (bounded) SIGTERM and SIGKILL; ends the FIFO's holder
lin_stop() {
	local name=$1 pid=${LIN_PID[$1]} i
	timeout 5 bash -c 'printf "quit\n" > "$1"' _ "$(lin_dir "$name")/in"
	for ((i = 0; i < 50; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid" 2>/dev/null
		for ((i = 0; i < 30; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null
	kill -TERM "${LIN_HOLD_PID[$name]}" 2>/dev/null
	wait "${LIN_HOLD_PID[$name]}" 2>/dev/null
	note "linphonec $name stopped"
}
