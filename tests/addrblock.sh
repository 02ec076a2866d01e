# tests/addrblock.sh: the loopback addresses of one test run (sourced by tests/sip/run and
# tests/valgrind/run).
#
# A run claims an address block B (1..62) for its whole life with an flock on
# /tmp/tandem-addr-B.lock; the block is the four /16s 127.4B.0.0 to 127.(4B+3).255.255, and
# test N (001..999) of the run gets the /24 127.(4B + N/256).(N%256).0 (addr_net N), so two
# checkouts (or two runs of one) on the same machine never share an address. The lock is on a
# file descriptor of the runner that its children inherit: the kernel drops it when the runner
# and every process it started are gone, so a crashed run frees its block by itself.
# 127.0.0.0-127.3.255.255 stay out of every block: other tools use 127.0.0.1 and 127.0.0.53,
# and runners older than this one put test N on 127.(N/256).(N%256).x.
# ADDR_BLOCK=B in the environment asks for that block only (it must be free).

# claim_addr_block: sets ADDR_BLOCK and ADDR_BLOCK_FD, or returns 1 when no block is free
claim_addr_block() {
	local b fd first=1 last=62 dir=${ADDR_LOCK_DIR:-/tmp}
	if [ -n "${ADDR_BLOCK:-}" ]; then
		case $ADDR_BLOCK in *[!0-9]*) return 1 ;; esac
		[ "$ADDR_BLOCK" -ge 1 ] && [ "$ADDR_BLOCK" -le 62 ] || return 1
		first=$ADDR_BLOCK last=$ADDR_BLOCK
	fi
	for ((b = first; b <= last; b++)); do
		exec {fd}> "$dir/tandem-addr-$b.lock" || continue
		if flock -n "$fd"; then
			ADDR_BLOCK=$b ADDR_BLOCK_FD=$fd
			return 0
		fi
		exec {fd}>&-
	done
	return 1
}

# addr_net N: the first three bytes of test N's /24 in the claimed block (e.g. 127.4.10)
addr_net() {
	echo "127.$((4 * ADDR_BLOCK + $1 / 256)).$(($1 % 256))"
}
