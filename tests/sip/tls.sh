# tests/sip/tls.sh: helpers for the SIP-over-TLS tests (sourced by their test.sh after
# lib.sh). The certificates are made by the test, in $T, so the tandemd the runner
# started (from tandemd.conf, without TLS) cannot use them: tls_tandemd stops it and
# starts one of the test's own on a config with TLS. The TLS peers are tlspeer.py
# (sipp 3.6.1 as Debian builds it has no TLS).

TLSPEER=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/tlspeer.py
TLSPY=$(command -v /usr/bin/python3 || command -v python3)
TANDEM_TLS_PORT=5061
declare -gA TLSPEER_PID=()

# tls_ca NAME: a CA, $T/NAME.pem and $T/NAME.key
tls_ca() {
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/$1.key" -out "$T/$1.pem" -days 2 \
		-subj "/CN=tandem test CA $1" -addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null ||
		fail "openssl could not make the CA $1"
}

# tls_self_signed NAME IP [dns]: a self-signed certificate for IP, $T/NAME.pem and $T/NAME.key;
# with "dns", its subjectAltName also names IP as a DNS name (linphonec's mbedtls matches the
# address it dials against DNS names only: an IP entry alone fails its name check)
tls_self_signed() {
	local san="IP:$2"
	[ "${3:-}" = dns ] && san="$san,DNS:$2"
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/$1.key" -out "$T/$1.pem" -days 2 \
		-subj "/CN=$2" -addext "subjectAltName=$san" 2>/dev/null ||
		fail "openssl could not make the certificate $1"
}

# tls_signed NAME IP CA: a certificate for IP signed by the CA $T/CA.pem
tls_signed() {
	openssl req -newkey rsa:2048 -nodes -keyout "$T/$1.key" -out "$T/$1.csr" \
		-subj "/CN=$2" 2>/dev/null &&
	printf 'subjectAltName=IP:%s\n' "$2" > "$T/$1.ext" &&
	openssl x509 -req -in "$T/$1.csr" -CA "$T/$3.pem" -CAkey "$T/$3.key" -CAcreateserial \
		-out "$T/$1.pem" -days 2 -extfile "$T/$1.ext" 2>/dev/null ||
		fail "openssl could not make the certificate $1"
}

fp_of() {	# fp_of PEM: its SHA-256 fingerprint, AB:CD:...
	openssl x509 -in "$1" -noout -fingerprint -sha256 | sed 's/.*=//'
}

served_fp() {	# served_fp IP:PORT: the fingerprint of the certificate a new connection gets
	openssl s_client -connect "$1" -showcerts < /dev/null 2>/dev/null |
		openssl x509 -noout -fingerprint -sha256 2>/dev/null | sed 's/.*=//'
}

# tls_tandemd CONF-TEMPLATE: stop the runner's tandemd, start one on the template
# (placeholders filled in, plus @TLS_PORT@) and wait until it answers
tls_tandemd() {
	local i
	subst "$1" "$T/tls.conf.tmp"
	sed "s|@TLS_PORT@|$TANDEM_TLS_PORT|g" "$T/tls.conf.tmp" > "$T/tls.conf"
	"$TANDEMD" -t -c "$T/tls.conf" > "$T/tls-check.out" 2>&1 ||
		fail "tandemd -t refuses the TLS config: $(cat "$T/tls-check.out")"
	touch "$T/tandemd.sigterm"	# the runner waits for the first one to exit 0
	kill -TERM "$TANDEMD_PID"
	wait_until 10 "the runner's tandemd gone" eval '! kill -0 $TANDEMD_PID 2>/dev/null'
	"$TANDEMD" -c "$T/tls.conf" -S "$SOCK" >> "$T/tandemd.log" 2>&1 &
	TLS_TANDEMD_PID=$!
	echo "$TLS_TANDEMD_PID" >> "$T/pids"
	for ((i = 0; i < 100; i++)); do
		ctl status > /dev/null 2>&1 && return 0
		kill -0 "$TLS_TANDEMD_PID" 2>/dev/null || fail "the TLS tandemd exited at start"
		sleep 0.1
	done
	fail "the TLS tandemd is not ready after 10 s"
}

# tls_tandemd_stop: SIGTERM; it must exit 0 (the runner checks its log for sanitizers)
tls_tandemd_stop() {
	local rc
	kill -TERM "$TLS_TANDEMD_PID"
	wait "$TLS_TANDEMD_PID"
	rc=$?
	[ "$rc" = 0 ] || fail "the TLS tandemd exited $rc after SIGTERM"
	[ ! -e "$T/tls/agent.pem" ] || fail "tandemd left its private key copy in $T/tls"
}

# tlspeer_start NAME uac|uas ARGS...: in the background, log in $T/tls-NAME.log
tlspeer_start() {
	local name=$1
	shift
	timeout 60 "$TLSPY" "$TLSPEER" "$@" --log "$T/tls-$name.log" > "$T/tls-$name.out" 2>&1 &
	TLSPEER_PID[$name]=$!
	echo "$!" >> "$T/pids"
}

# expect_tlspeer NAME: it ends and says ok
expect_tlspeer() {
	wait "${TLSPEER_PID[$1]}"
	local rc=$?
	[ "$rc" = 0 ] || fail "tlspeer $1 exited $rc: $(grep '^result:' "$T/tls-$1.log" | tail -n 1) $(tail -n 3 "$T/tls-$1.out" 2>/dev/null)"
	note "tlspeer $1: $(grep '^result:' "$T/tls-$1.log" | tail -n 1)"
}

bound_tcp() {	# bound_tcp ADDR:PORT: something listens there
	[ -n "$(ss -Htln "src $1" 2>/dev/null)" ]
}

# the inline key of a=crypto:TAG in the first message tlspeer NAME received whose
# first line starts with FIRST-LINE
tls_key_in() {
	awk -v first="$2" -v tag="$3" '
		/^--- / { recv = ($0 == "--- received"); inmsg = 0; next }
		recv && index($0, first) == 1 { inmsg = 1; next }
		inmsg && index($0, "a=crypto:" tag " ") == 1 { sub(/.*inline:/, ""); print; exit }
	' "$T/tls-$1.log"
}
