# 006-bad-sdp: malformed SDP offers get 488 (or go through cleanly); tandemd keeps serving.
. "$(dirname "${BASH_SOURCE[0]}")/../media.sh"
uas_start callee uas.xml 100
timeout -k 2 90 python3 "$SRC/badsdp.py" "$TANDEM" "$CALLER_IP" "$CALLER_PORT" > "$T/badsdp.out" 2>&1 &
echo "$!" >> "$T/pids"
wait $!
rc=$?
sed 's/^/# /' "$T/badsdp.out"
[ $rc -eq 0 ] || fail "badsdp.py exited $rc"
kill -0 "$TANDEMD_PID" 2>/dev/null || fail "tandemd is gone"
wait_active 0 20
wait_until 10 "the relay to give its streams and ports back" media_idle
note "tandemd answered 488 to $(grep -c -- '-> 488' "$T/badsdp.out") of $(grep -c bytes "$T/badsdp.out") bad offers"
