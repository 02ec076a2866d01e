# 252-auth-file: HA1 from a credentials file, a sipp caller with -au/-ap, a trusted source.
md5() { printf '%s' "$1" | md5sum | cut -d' ' -f1; }
sha256() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }
{
	echo "# user:realm:HA1"
	echo "carol:tandem:$(md5 'carol:tandem:Pw-of-carol')"
	echo "carol:tandem:$(sha256 'carol:tandem:Pw-of-carol')"
	echo "dave:elsewhere:$(md5 'dave:elsewhere:x')"
} > "$T/users.digest"
subst "$SRC/tandemd-auth.conf" "$CONF"
out=$(ctl reload 2>&1) || fail "reload with the credentials file failed: $out"

uas_start callee uas.xml 30 -m 2
# carol, from an untrusted address: challenged, answers with her password
sipp_run carol 20 -sf "$SRC/uac-auth.xml" "$TANDEM" -i "$CALLEE2_IP" -p 5070 -m 1 -s bob \
	-au carol -ap Pw-of-carol -auth_uri "bob@$TANDEM"
rc=$?
[ $rc = 0 ] || fail "carol's authenticated call failed (sipp exit $rc, $(sipp_summary carol))"
# the trusted caller: no challenge at all
uac_start trusted uac.xml 20 -m 1 -s bob
expect_sipp trusted 0
expect_sipp callee 0
wait_active 0
expect_stat .calls.answered 2
[ "$(log_count 'SIP/2.0 401 Unauthorized')" = 1 ] || fail "want exactly one 401 (carol's)"

# an unreadable credentials file: the reload fails with the config line, nothing changes
chmod 000 "$T/users.digest"
mv "$T/users.digest" "$T/users.digest.old"
out=$(ctl reload 2>&1) && fail "reload with a missing credentials file succeeded: $out"
echo "$out" | grep -q -E "tandemd.conf:[0-9]+: cannot read credentials file" ||
	fail "reload error without file:line: $out"
note "reload refused: $out"
uas_start callee2 uas.xml 30 -m 1
sipp_run carol2 20 -sf "$SRC/uac-auth.xml" "$TANDEM" -i "$CALLEE2_IP" -p 5071 -m 1 -s bob \
	-au carol -ap Pw-of-carol -auth_uri "bob@$TANDEM"
rc=$?
[ $rc = 0 ] || fail "carol's call after the failed reload failed (sipp exit $rc)"
expect_sipp callee2 0
! grep -q "Pw-of-carol" "$T/tandemd.log" || fail "the password reached the log"
