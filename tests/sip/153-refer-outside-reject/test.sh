# 153-refer-outside-reject: REFER outside a dialog refused, with no NOTIFY.
. "$(dirname "${BASH_SOURCE[0]}")/../sipua.sh"
py_start sender 30 sender.py
expect_py sender
log_has "REFER outside a dialog from app .* refused 403: no route" || fail "no log of the unrouted REFER"
log_has "REFER outside a dialog from app .* refused 403: the route does not forward it" ||
	fail "no log of the REFER the route does not forward"
log_has "REFER outside a dialog from app .* refused 404: the route rejects" ||
	fail "no log of the REFER the route rejects"
log_has "NOTIFY sip:" && fail "tandemd sent a NOTIFY"
wait_until 5 "three records" test "$(grep -c '"type": *"refer"' "$T/records.json" 2>/dev/null)" = 3
[ "$(grep -c '"outcome": *"rejected"' "$T/records.json")" = 3 ] || fail "the records do not say rejected"
grep -q '"code": *404' "$T/records.json" || fail "no record with the route's code 404"
expect_stat .calls.total 0
