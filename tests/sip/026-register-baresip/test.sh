# 026-register-baresip: baresip registers through tandemd (challenged by the PBX), then gets a
# call to its binding with audio both ways; its un-REGISTER reaches the PBX.
. "$(dirname "${BASH_SOURCE[0]}")/../interop.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../sipua.sh"
py_start pbx 60 regsrv.py
wait_until 5 "the PBX listening on $CALLEE" bound_udp "$CALLEE"

# alice: a baresip whose account registers at tandemd (interop's template, our account)
rtp=$((26000 + (5080 - 5070) * 10))
sed -e "s|@UA_NAME@|alice|g" -e "s|@UA_IP@|$CALLEE2_IP|g" -e "s|@UA_PORT@|5080|g" \
    -e "s|@UA_CTRL@|5084|g" -e "s|@UA_TONE@|1000|g" -e "s|@UA_RTP@|$rtp-$((rtp + 9))|g" \
    "$INTEROP_SH_DIR/interop/baresip.config" > "$T/alice.config"
printf '<sip:alice@%s>;auth_pass=s3cret;regint=60;answermode=auto;audio_codecs=PCMU\n' "$TANDEM" \
	> "$T/alice.accounts"
ua_launch alice "$T/alice.config" "$T/alice.accounts" 60
bua_launch bob "$CALLER_IP:5070" 440 bob
bua_wait alice bob
wait_until 10 "the PBX to hold alice's binding" test -f "$T/token"
token=$(cat "$T/token")
reg=$("$TANDEMCTL" -s "$SOCK" --json registrations)
note "registrations: $reg"
jq -e '.registrations | length == 1 and .[0].source == "'"$CALLEE2_IP:5080"'" and .[0].nat == false and .[0].transport == "udp"' <<< "$reg" > /dev/null ||
	fail "tandemctl registrations does not show alice at $CALLEE2_IP:5080"
jq -e --arg t "$token" '.registrations[0].token as $k | $t | startswith("sip:" + $k + "@")' <<< "$reg" > /dev/null ||
	fail "the PBX's Contact $token is not alice's token"

ua_cmd bob dial "$token"
ua_wait_event alice CALL_ESTABLISHED 10
ua_wait_event bob CALL_ESTABLISHED 10
wait_until 5 "the call answered in tandemd" answered_is 1
id=$(call_id_of_first)
[ -n "$id" ] || fail "no call in tandemd"
audio_both_ways "$id"
expect_heard_both "$id" 1000 440
ua_cmd bob hangup
ua_wait_event alice CALL_CLOSED 10
wait_active 0
ua_stop bob
ua_stop alice
expect_py pbx
wait_until 5 "the table to be empty" bash -c "[ \"\$('$TANDEMCTL' -s '$SOCK' --json registrations | jq '.registrations | length')\" = 0 ]"
log_has "registration tb[0-9a-f]{16} of sip:alice@$TANDEM_IP removed \(unregistered\)" ||
	fail "tandemd did not log alice's un-REGISTER"
expect_tone alice 440
expect_tone bob 1000
