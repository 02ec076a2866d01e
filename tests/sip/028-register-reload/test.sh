# 028-register-reload: a reload that takes register = "relay" away: 480, 405, Allow.
. "$(dirname "${BASH_SOURCE[0]}")/../sipua.sh"
py_start parties 30 parties.py
wait_until 10 "alice registered" test -f "$T/registered"
subst "$SRC/tandemd-new.conf" "$CONF.new"
mv "$CONF.new" "$CONF"
out=$(ctl reload 2>&1) || fail "tandemctl reload exited $?: $out"
note "tandemctl reload: $out"
touch "$T/reloaded"
expect_py parties
