# 012-sdnotify: READY, STATUS, WATCHDOG, RELOADING, STOPPING through NOTIFY_SOCKET.
ip=${TANDEM_IP%.1}.5
sed -e "s/$TANDEM_IP/$ip/g" -e "s|$SOCK|$T/notify-tandemd.sock|" "$CONF" > "$T/notify.conf"
python3 "$SRC/notify-listen.py" "$T/notify.sock" "$T/notify.log" 40 &
echo "$!" >> "$T/pids"
wait_until 5 "the notify listener" test -S "$T/notify.sock"
NOTIFY_SOCKET="$T/notify.sock" WATCHDOG_USEC=1000000 "$TANDEMD" -c "$T/notify.conf" > "$T/notify-tandemd.log" 2>&1 &
pid=$!
echo "$pid" >> "$T/pids"
said() { grep -q -x -- "$1" "$T/notify.log"; }
said_re() { grep -q -E -- "$1" "$T/notify.log"; }
wait_until 10 "READY=1" said "READY=1"
wait_until 10 "a STATUS= line with the calls" said_re "^STATUS=.*active calls"
wait_until 5 "WATCHDOG=1" said "WATCHDOG=1"
before=$(grep -c -x "READY=1" "$T/notify.log")
kill -HUP "$pid"
wait_until 10 "RELOADING=1" said "RELOADING=1"
ready_again() { [ "$(grep -c -x "READY=1" "$T/notify.log")" -gt "$before" ]; }
wait_until 10 "READY=1 after the reload" ready_again
kill -TERM "$pid"
wait_until 10 "STOPPING=1" said "STOPPING=1"
for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null && fail "the notified tandemd did not exit after SIGTERM"
wait "$pid"; rc=$?
[ "$rc" = 0 ] || fail "the notified tandemd exited $rc"
grep -q -E "AddressSanitizer|runtime error:|LeakSanitizer" "$T/notify-tandemd.log" && fail "sanitizer report in the second tandemd's log"
note "notify messages: $(sort -u "$T/notify.log" | cut -c1-40 | tr '\n' '|')"
