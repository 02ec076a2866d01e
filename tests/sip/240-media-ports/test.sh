# 240-media-ports: port exhaustion gives 503, calls in progress untouched, ports come back.
. "$(dirname "${BASH_SOURCE[0]}")/../media.sh"
subst "$SRC/uas.xml" "$T/uas.xml"
subst "$SRC/uac.xml" "$T/uac.xml"
uas_start callee "$T/uas.xml" 40 -m 3
uac_start caller "$T/uac.xml" 30 -m 2 -l 2 -r 10 -s bob
wait_active 2
expect_stat .media.ports_in_use 8
sipp_start refused 15 -sf "$SRC/uac-503.xml" "$TANDEM" -i "$CALLER_IP" -p 5072 -m 1 -s bob
expect_sipp refused 0
expect_sipp caller 0
wait_active 0
wait_until 5 "the relay to give its ports back" media_idle
sipp_start again 20 -sf "$T/uac.xml" "$TANDEM" -i "$CALLER_IP" -p 5074 -m 1 -s bob
expect_sipp again 0
expect_sipp callee 0
log_has "reason=no-ports code=503" || fail "tandemd did not log the refusal for lack of ports"
expect_stat .calls.answered 3
