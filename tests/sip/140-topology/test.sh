# 140-topology: nothing of the caller's leg shows on the callee's leg.
CALLER_PORT=47123	# distinctive: must not appear in the callee's Via or Contact
export CALLER_PORT
subst "$SRC/uas.xml.in" "$T/uas.xml"
uas_start callee "$T/uas.xml" 20 -m 1
uac_start caller uac.xml 20 -m 1 -s bob -cid_str "topo-%u-%p@%s"
expect_sipp caller 0
expect_sipp callee 0
wait_active 0
expect_stat .calls.answered 1
