# 166-xfer-replaces-invite: dave's INVITE with Replaces takes alice's place in her call.
. "$(dirname "${BASH_SOURCE[0]}")/../media.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../sipua.sh"
uas_start bob bob.xml 40 -m 1
uac_start alice alice.xml 40 -m 1 -s bob
wait_until 10 "the call answered" answered_is 1
wait_until 5 "alice's dialog in her log" grep -q "dialog call-id=" "$T"/alice_*_logs.log
line=$(grep -m1 "dialog call-id=" "$T"/alice_*_logs.log)
cid=$(sed 's/.*call-id=\([^ ]*\).*/\1/' <<< "$line")
to_tag=$(sed 's/.*to-tag=\([^ ]*\).*/\1/' <<< "$line")
from_tag=$(sed 's/.*from-tag=\([^ ]*\).*/\1/' <<< "$line")
note "alice's dialog: $cid to-tag $to_tag from-tag $from_tag"
py_start dave 40 dave.py "$cid" "$to_tag" "$from_tag"
expect_py dave
expect_sipp alice 0
expect_sipp bob 0
wait_active 0
wait_until 5 "the relay to give its streams and ports back" media_idle
expect_stat .calls.total 1
log_has "INVITE with Replaces: leg A replaced" || fail "tandemd did not log the replacement"
