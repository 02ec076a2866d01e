# 158-xfer-family: a transfer moves a relay side from IPv6 to IPv4 sockets at the target's answer.
. "$(dirname "${BASH_SOURCE[0]}")/../media.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../sipua.sh"
ss -Hlun "src [::1]:30158" | grep -q . && fail "[::1]:30158 is taken by another program"
py_start parties 60 parties.py
expect_py parties
wait_active 0
wait_until 5 "the relay to give its streams and ports back" media_idle
log_has "stream 0: leg A now on relay port [0-9]+ \(IPv4\)" || fail "tandemd did not log the new sockets"
