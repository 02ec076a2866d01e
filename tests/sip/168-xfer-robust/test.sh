# 168-xfer-robust: REFER during a re-INVITE or another transfer, malformed Refer-To,
# the transferee or the transferor hanging up during the transfer.
. "$(dirname "${BASH_SOURCE[0]}")/../media.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../sipua.sh"
py_start robust 120 robust.py ${ROBUST_CASES:-}	# ROBUST_CASES: some cases only (debugging)
expect_py robust
wait_active 0
wait_until 5 "the relay to give its streams and ports back" media_idle
