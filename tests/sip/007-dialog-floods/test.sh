# 007-dialog-floods: CANCEL and BYE floods for unknown dialogs get 481; tandemd keeps serving.
N=${FLOOD_N:-2000}
rss() { awk '/^VmRSS/ { print $2 " kB" }' "/proc/$TANDEMD_PID/status"; }
rss0=$(rss)
note "tandemd RSS before: $rss0"
timeout -k 2 130 python3 "$SRC/flood.py" "$TANDEM" "$CALLER_IP" 5090 "$N" > "$T/flood.out" 2>&1 &
echo "$!" >> "$T/pids"
wait $!
rc=$?
sed 's/^/# /' "$T/flood.out"
[ $rc -eq 0 ] || fail "not every CANCEL/BYE got 481 (flood.py exit $rc)"
rss1=$(rss)
note "tandemd RSS after: $rss1"
# a second flood right after the first: sofia still holds the first one's transactions
# (32 s), so RSS may grow some more, but a leak per request would grow it about as much as
# the first flood did: the second may add at most half of what the first added (or 8 MB)
timeout -k 2 130 python3 "$SRC/flood.py" "$TANDEM" "$CALLER_IP" 5090 "$N" > "$T/flood2.out" 2>&1 &
echo "$!" >> "$T/pids"
wait $! || fail "the second flood: not every CANCEL/BYE got 481"
sed 's/^/# /' "$T/flood2.out"
rss2=$(rss)
note "tandemd RSS after a second flood: $rss2"
if grep -q -a "__asan_init" "$TANDEMD"; then
	note "ASan build: its quarantine holds freed memory, RSS growth not judged"
else
	grow1=$(( ${rss1% kB} - ${rss0% kB} ))
	grow2=$(( ${rss2% kB} - ${rss1% kB} ))
	limit=$(( grow1 / 2 > 8192 ? grow1 / 2 : 8192 ))
	[ "$grow2" -lt "$limit" ] ||
		fail "RSS grew by $grow2 kB over the second flood (the first: $grow1 kB): a leak?"
fi
kill -0 "$TANDEMD_PID" 2>/dev/null || fail "tandemd is gone"
expect_stat .calls.total 0
# still serving: a real call goes through
uas_start callee uas.xml 20 -m 1
uac_start caller uac.xml 20 -m 1 -s bob
expect_sipp caller 0
expect_sipp callee 0
wait_active 0
expect_stat .calls.answered 1
