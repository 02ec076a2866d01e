# 159-replaces-dropped: a Replaces that names a dropped, parked INVITE gets 481, no crash.
. "$(dirname "${BASH_SOURCE[0]}")/../sipua.sh"
py_start peers 40 peers.py
expect_py peers
wait_active 0
[ "$(status_get .calls.active)" = 0 ] || fail "tandemd does not answer its control socket"
