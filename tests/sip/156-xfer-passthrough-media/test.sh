# 156-xfer-passthrough-media: blind transfer with media passthrough re-INVITEs the transferee.
. "$(dirname "${BASH_SOURCE[0]}")/../media.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../sipua.sh"
py_start parties 60 parties.py
expect_py parties
wait_active 0
log_has "transfer: the target's media differs, re-INVITE to leg A" ||
	fail "tandemd did not log the re-INVITE"
