# 154-refer-outside-forward: a REFER outside a dialog forwarded to the PBX, NOTIFYs relayed.
. "$(dirname "${BASH_SOURCE[0]}")/../sipua.sh"
py_start pbx 30 pbx.py
wait_until 5 "the pbx listening on $CALLEE" bound_udp "$CALLEE"
py_start sender 30 sender.py
expect_py sender
expect_py pbx
log_has "REFER outside a dialog from app \(Refer-To <sip:carol@example.net;user=phone>\) forwarded to sip:pbx@$CALLEE" ||
	fail "tandemd did not log the forwarding"
wait_until 5 "the record" grep -q '"type": *"refer"' "$T/records.json"
rec=$(grep '"type": *"refer"' "$T/records.json")
note "record: $rec"
[ "$(jq -r .outcome <<< "$rec")" = done ] || fail "record outcome is not done"
[ "$(jq -r .code <<< "$rec")" = 202 ] || fail "record code is not 202"
[ "$(jq -r .notify <<< "$rec")" = "SIP/2.0 200 OK" ] || fail "record does not hold the last NOTIFY"
[ "$(jq -r .route <<< "$rec")" = pbx ] || fail "record route"
expect_stat .calls.total 0
