# 177-codec-policy: a route's codec policy applied to the offers each leg gets (allow, deny,
# order, ptime; telephone-event kept), and a call with no codec left answered 488.
. "$(dirname "${BASH_SOURCE[0]}")/../sipua.sh"
py_start codecs 40 codecs.py
expect_py codecs
log_has 'no codec left for leg B under route "opus-only".s codec policy [(]offered: PCMU PCMA G729 telephone-event[)]: 488' ||
	fail "no log line for the call without a codec"
wait_active 0
