# 199-codec-policy-baresip: two baresip phones that both take PCMU and PCMA (PCMU first); the
# route offers the callee PCMA only: the call connects in PCMA and each phone hears the other.
. "$(dirname "${BASH_SOURCE[0]}")/../interop.sh"
bua_launch bob "$CALLEE2_IP:5080" 1000 bob ",PCMA;answermode=auto"
bua_launch alice "$CALLER_IP:5070" 440 alice ",PCMA"
bua_wait bob alice
ua_cmd alice dial "sip:bob@$TANDEM"
ua_wait_event bob CALL_ESTABLISHED 10
ua_wait_event alice CALL_ESTABLISHED 10
wait_until 5 "the call answered in tandemd" answered_is 1
id=$(call_id_of_first)
[ -n "$id" ] || fail "no call in tandemd"
# what bob was offered (tandemd's SIP trace): PCMA and telephone-event, no PCMU
log_has 'm=audio [0-9]+ RTP/AVP 8 101$' || fail "no offer of PCMA alone in tandemd's trace"
[ "$(stream_get "$id" .codec)" = PCMA ] || fail "the stream's codec is $(stream_get "$id" .codec), want PCMA"
audio_both_ways "$id"
expect_heard_both "$id" 1000 440
ua_cmd alice hangup
ua_wait_event bob CALL_CLOSED 10
ua_wait_event alice CALL_CLOSED 10
wait_active 0
ua_stop alice
ua_stop bob
