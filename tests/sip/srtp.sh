# tests/sip/srtp.sh: helpers for the SRTP tests (after media.sh).
# The test endpoints' own keys (30 octets, base64), written into their scenarios.
KEY_A="xjMuhujyJeQrjvoANKoyMe6QQ8UnDBbpEiAWie73"
KEY_B="u4q+VrjaWv+/CKI1tDsnZqHQEvuAd7u/PjtjFKH8"
S80=AES_CM_128_HMAC_SHA1_80

# key_in_messages uac|uas FIRST-LINE TAG: the inline key of a=crypto:TAG in the first
# message sipp received whose first line starts with FIRST-LINE (from its -trace_msg log)
key_in_messages() {
	local f
	f=$(ls "$T"/$1_*_messages.log 2>/dev/null | head -n 1)
	[ -n "$f" ] || return 0
	awk -v first="$2" -v tag="$3" '
		/^----------------------------------------------- / { inmsg = 0; recv = 0; next }
		/message received/ { recv = 1; next }
		index($0, first) == 1 && recv { inmsg = 1; recv = 0; next }
		inmsg && index($0, "a=crypto:" tag " ") == 1 {
			sub(/.*inline:/, ""); sub(/[|\r].*/, ""); print; exit
		}' "$f"
}

# expect_no_keys_logged KEY...: no key appears in tandemd's log (SIP trace redacted)
expect_no_keys_logged() {
	local k
	for k in "$@"; do
		grep -qF -- "$k" "$T/tandemd.log" && fail "a key appears in tandemd's log"
	done
	log_has "a=crypto:1 AES_CM_128_HMAC_SHA1_80 \\[redacted\\]" ||
		fail "the log shows no redacted a=crypto line (is the SIP trace on?)"
	return 0
}
