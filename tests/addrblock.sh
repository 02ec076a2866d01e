# tests/addrblock.sh: the loopback address block of one test run (sourced by tests/sip/run
# and tests/valgrind/run).
#
# A run uses the addresses 127.B.N.x, where B (1..250) is claimed for the whole run by an
# flock on /tmp/tandem-addr-B.lock: two checkouts (or two runs of one) on the same machine
# never share an address. The lock is held on a file descriptor of the runner; the kernel
# drops it when the runner and every process it started are gone, so a crashed run frees its
# block by itself. 127.0.x.x is never claimed (other tools use 127.0.0.1, 127.0.0.53).
# ADDR_BLOCK=B in the environment asks for that block only (it must be free).

# claim_addr_block: sets ADDR_BLOCK and ADDR_BLOCK_FD, or returns 1 when no block is free
claim_addr_block() {
	local b fd first=1 last=250 dir=${ADDR_LOCK_DIR:-/tmp}
	if [ -n "${ADDR_BLOCK:-}" ]; then
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
