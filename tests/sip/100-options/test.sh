# 100-options: OPTIONS out of dialog is answered by tandemd itself.
uac_start options uac.xml 10 -m 1
expect_sipp options 0
ctl drain > /dev/null || fail "tandemctl drain failed"
[ "$(status_get .draining)" = true ] || fail "tandemctl status does not show draining"
CALLER_PORT=5071 uac_start options-drain uac-503.xml 10 -m 1
expect_sipp options-drain 0
ctl undrain > /dev/null || fail "tandemctl undrain failed"
CALLER_PORT=5072 uac_start options-again uac.xml 10 -m 1
expect_sipp options-again 0
expect_stat .calls.total 0
