# 036-refer-forward-health: a forwarded REFER skips a target that target health calls down.
. "$(dirname "${BASH_SOURCE[0]}")/../sipua.sh"
DEAD=$TEST_NET.9:5080
py_start pbx 30 pbx.py
wait_until 5 "the pbx listening on $CALLEE" bound_udp "$CALLEE"
down() { [ "$(ctl --json targets | jq -r --arg t "sip:$DEAD" '.targets[] | select(.target == $t) | .state')" = down ]; }
wait_until 15 "the dead target down" down
py_start sender 30 sender.py
expect_py sender
expect_py pbx
log_has "target sip:$DEAD is down: skipped" || fail "no log line for the skipped target"
log_has "forwarded to sip:pbx@$CALLEE" || fail "the REFER was not forwarded to the PBX"
log_has "forwarded to sip:pbx@$DEAD" && fail "the REFER went to the down target"
wait_until 5 "the record" grep -q '"type": *"refer"' "$T/records.json"
rec=$(grep '"type": *"refer"' "$T/records.json")
[ "$(jq -r .outcome <<< "$rec")" = done ] || fail "record outcome: $rec"
