# 031-register-linphone: linphonec registers through tandemd (challenged by the PBX), then gets
# a call to its binding with audio both ways; its un-REGISTER reaches the PBX. 026 with
# linphonec as the registering phone: the same PBX and caller.
. "$(dirname "${BASH_SOURCE[0]}")/../interop.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../sipua.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../linphone.sh"
PARTIES=$SRC/../026-register-baresip	# the same PBX (a registrar that challenges) as 026
TONE_ALICE=1000 TONE_BOB=440

py_start pbx 60 "$PARTIES/regsrv.py"
wait_until 5 "the PBX listening on $CALLEE" bound_udp "$CALLEE"

# bob: 026's caller (baresip), standing for the PBX's; alice: a linphonec whose account
# (proxy_0, auth_info_0) registers at tandemd, answering by herself (-a)
bua_launch bob "$CALLER_IP:5070" "$TONE_BOB" bob
lin_launch alice lin-alice.rc 60 -a
bua_wait bob
lin_up alice
lin_sound alice "$TONE_ALICE" 60
wait_until 15 "the PBX to hold alice's binding" test -f "$T/token"
token=$(cat "$T/token")
# linphonec's own view: `status register` prints the identity once the 200 came back
lin_registered() {
	lin_has alice "^(linphonec> )*registered, identity=sip:alice@$TANDEM_IP:" && return 0
	lin_cmd alice "status register"
	return 1
}
wait_until 10 "linphonec alice to say it is registered" lin_registered
reg=$("$TANDEMCTL" -s "$SOCK" --json registrations)
note "registrations: $reg"
jq -e '.registrations | length == 1 and .[0].source == "'"$CALLEE2_IP:5080"'" and .[0].nat == false and .[0].transport == "udp"' <<< "$reg" > /dev/null ||
	fail "tandemctl registrations does not show alice at $CALLEE2_IP:5080"
jq -e --arg t "$token" '.registrations[0].token as $k | $t | startswith("sip:" + $k + "@")' <<< "$reg" > /dev/null ||
	fail "the PBX's Contact $token is not alice's token"

ua_cmd bob dial "$token"
lin_wait alice "Call 1 with .* connected" 10
ua_wait_event bob CALL_ESTABLISHED 10
wait_until 5 "the call answered in tandemd" answered_is 1
# the INVITE to the token went to the address alice registered from, to her own Contact
awk -v to="send [0-9]+ bytes to udp/[[]$CALLEE2_IP[]]:5080 " -v ruri="INVITE sip:alice@$CALLEE2_IP:5080[;> ]" \
	'$0 ~ to { n = NR } n && NR <= n + 2 && $0 ~ ruri { ok = 1 } END { exit !ok }' "$T/tandemd.log" ||
	fail "tandemd did not send the INVITE to alice's Contact at $CALLEE2_IP:5080"
id=$(call_id_of_first)
[ -n "$id" ] || fail "no call in tandemd"
audio_both_ways "$id"
lin_mark alice
expect_heard_both "$id" "$TONE_ALICE" "$TONE_BOB"
audio_both_ways "$id"
ua_cmd bob hangup
lin_wait alice "Call 1 with .* ended" 10
wait_active 0
ua_stop bob
lin_stop alice			# quits: its un-REGISTER goes through tandemd to the PBX
expect_py pbx
wait_until 5 "the table to be empty" bash -c "[ \"\$('$TANDEMCTL' -s '$SOCK' --json registrations | jq '.registrations | length')\" = 0 ]"
log_has "registration tb[0-9a-f]{16} of sip:alice@$TANDEM_IP removed \(unregistered\)" ||
	fail "tandemd did not log alice's un-REGISTER"
grep -q s3cret "$T/tandemd.conf" "$T/tandemd.log" && fail "alice's password is in tandemd's config or log"
lin_heard alice "$TONE_BOB"
expect_tone bob "$TONE_ALICE"
