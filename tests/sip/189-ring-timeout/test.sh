# 189-ring-timeout: no-answer forwarding. The first target rings without answering; after the
# route's ring_timeout (2 s) tandemd CANCELs it and calls the second, which answers.
uas_start first uas-ring.xml 30 -m 1
uas2_start second uas-answer.xml 30 -m 1
uac_start caller uac.xml 30 -m 1 -s bob
expect_sipp caller 0
expect_sipp first 0	# it got the CANCEL (uas-ring.xml waits for it, answers 487)
expect_sipp second 0
log_has "no answer from sip:bob@$CALLEE in 2 s: trying the next target" ||
	fail "no log line for the ring timeout"
wait_active 0
wait_until 5 "the record" test -s "$T/calls.json"
jq -e '.targets | length == 2 and .[0].status == 408 and .[1].status == 200' "$T/calls.json" > /dev/null ||
	fail "the record's targets: $(jq -c .targets "$T/calls.json")"
