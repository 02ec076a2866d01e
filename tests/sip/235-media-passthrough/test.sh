# 235-media-passthrough: no relay for a route that says so.
. "$(dirname "${BASH_SOURCE[0]}")/../media.sh"
subst "$SRC/uas.xml" "$T/uas.xml"
subst "$SRC/uac.xml" "$T/uac.xml"
uas_start callee "$T/uas.xml" 30 -m 1
uac_start caller "$T/uac.xml" 30 -m 1 -s bob
wait_until 10 "the call answered" answered_is 1
expect_stat .media.streams 0
expect_stat .media.ports_in_use 0
expect_sipp caller 0
expect_sipp callee 0
wait_active 0
