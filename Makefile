# tandem: top-level Makefile. `make` builds, `make run` starts tandemd on
# conf/tandemd.conf, `make check` runs every test (also under ASan/UBSan).
# configure (from configure.ac) writes config.mk; when it fails because a
# package is missing, scripts/install-deps installs it and configure runs again.

BUILD ?= build
SAN ?=

-include config.mk

VERSION ?= 0.1.0
CFLAGS ?= -O2 -g
WARN = -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers -Wshadow -Wformat=2
ALL_CFLAGS = -std=gnu11 $(CFLAGS) $(WARN) -Ilib -DTANDEM_VERSION='"$(VERSION)"' $(DEP_CFLAGS)
ALL_LDFLAGS = $(LDFLAGS)
ifeq ($(SAN),1)
ALL_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
ALL_LDFLAGS += -fsanitize=address,undefined
endif

LIB_SRC := $(sort $(wildcard lib/*/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
D_SRC := daemon/tandemd.c daemon/svc.c daemon/ctl_cmds.c daemon/ops.c
D_OBJ := $(D_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC := $(sort $(wildcard tests/unit/check_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/unit/%)
TOOLS := $(BUILD)/tests/tools/rtpeer $(BUILD)/tests/tools/mixbench
# the baseline of make bench-sip: a bare sofia NUA B2BUA (sofia only, no libtandem)
BENCH_TOOLS := $(BUILD)/tests/bench/nua-b2bua

PROGS := $(BUILD)/tandemd $(BUILD)/tandemctl

.PHONY: all tools run check check-unit check-sip check-scale check-dns check-asan demo bench-sip bench-scale bench-relay bench-mix bench-register deps clean distclean install
all: $(PROGS)

config.mk: configure.ac config.mk.in
	@command -v autoconf >/dev/null && command -v pkg-config >/dev/null && command -v cc >/dev/null \
		|| scripts/install-deps
	autoconf -f
	./configure -q || { scripts/install-deps && ./configure -q; }

deps:
	@scripts/install-deps

$(BUILD)/%.o: %.c config.mk
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/libtandem.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/tandemd: $(D_OBJ) $(BUILD)/libtandem.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(DEP_LIBS)

$(BUILD)/tandemctl: $(BUILD)/daemon/tandemctl.o $(BUILD)/daemon/tandemctl_print.o
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(DEP_LIBS)

$(BUILD)/tests/unit/%: tests/unit/%.c $(BUILD)/libtandem.a config.mk
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) -Itests/unit -o $@ $< $(BUILD)/libtandem.a $(ALL_LDFLAGS) $(DEP_LIBS) $(CHECK_LIBS)

$(BUILD)/tests/unit/check_tsrtp: tests/unit/check_tsrtp_gcm.h

$(BUILD)/tests/tools/%: tests/tools/%.c $(BUILD)/libtandem.a config.mk
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libtandem.a $(ALL_LDFLAGS) $(DEP_LIBS)

$(BUILD)/tests/bench/%: tests/bench/%.c config.mk
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(ALL_LDFLAGS) $(DEP_LIBS)

tools: $(TOOLS) $(BENCH_TOOLS)

-include $(LIB_OBJ:.o=.d) $(D_OBJ:.o=.d)

run: all
	@scripts/install-deps
	$(BUILD)/tandemd -c conf/tandemd.conf -S $(CURDIR)/run/tandemd.sock

check-unit: $(UNIT_BIN)
	@tests/unit/run $(UNIT_BIN)

check-sip: all tools
	@BUILD=$(BUILD) SIP_BESIDE="$(SIP_BESIDE)" tests/sip/run

# Targets named by DNS, each test in a network namespace with a DNS server of
# its own (tests/dns/README; needs root for `ip netns`)
check-dns: all tools
	@BUILD=$(BUILD) tests/dns/run

# The whole suite: the normal build, then unit and SIP tests again under
# AddressSanitizer + UndefinedBehaviorSanitizer, each fuzzer for a short
# while, and 200 calls with media under valgrind memcheck.
# The builds use every CPU (CHECK_JOBS), the SIP tests run SIP_JOBS at a time, the
# longest first (tests/sip/durations), with the DNS tests (one at a time, in network
# namespaces of their own, mostly waiting out DNS timeouts) and then the unit tests (one
# binary at a time) beside them (SIP_BESIDE: they take no SIP slot). The fuzzers
# run FUZZ_JOBS at a time. docs/hacking.md ("Running the tests") has the figures.
# Each phase starts with a "== check: PHASE (time)" line.
CHECK_JOBS ?= $(shell nproc 2>/dev/null || echo 2)
ASAN_UNIT_BIN = $(UNIT_BIN:$(BUILD)/%=build-asan/%)
check_phase = @echo "== check: $(1) ($$(date +%T))"
check: deps
	$(call check_phase,build)
	$(MAKE) -j$(CHECK_JOBS) all tools $(UNIT_BIN)
	$(call check_phase,SIP tests; DNS and unit tests beside them)
	$(MAKE) check-sip check-pkg \
		SIP_BESIDE='BUILD=$(BUILD) DNS_JOBS=1 tests/dns/run; UNIT_JOBS=1 tests/unit/run $(UNIT_BIN)'
	$(call check_phase,scale-out tests)
	$(MAKE) check-scale
	$(call check_phase,ASan+UBSan build)
	$(MAKE) -j$(CHECK_JOBS) BUILD=build-asan SAN=1 CFLAGS='-O1 -g' all tools \
		$(ASAN_UNIT_BIN)
	$(call check_phase,ASan+UBSan SIP tests; DNS and unit tests beside them)
	$(MAKE) BUILD=build-asan SAN=1 CFLAGS='-O1 -g' check-asan \
		SIP_BESIDE='BUILD=build-asan DNS_JOBS=1 tests/dns/run; UNIT_JOBS=1 tests/unit/run $(ASAN_UNIT_BIN)'
	$(call check_phase,fuzz build)
	$(MAKE) -j$(CHECK_JOBS) fuzz-build
	$(call check_phase,fuzzers)
	$(MAKE) check-fuzz
	$(call check_phase,valgrind)
	$(MAKE) valgrind
	$(call check_phase,done)

# Kamailio in front of two tandemd, in a network namespace (root): spread, drain,
# kill -9 of a node (tests/scale/run, docs/scale-out.md)
check-scale: all
	@BUILD=$(BUILD) tests/scale/run

# The SIP tests again under ASan+UBSan, minus ASAN_SKIP: real-phone tests whose tandemd paths
# an ASan-run sipp/python test drives too. Under ASan a phone test spends its time waiting for
# the phones (baresip, linphonec), not in tandemd; all of them run in the normal build's
# check-sip. Which ASan-run test covers which skipped one:
#   026-register-baresip (REGISTER relayed, a call)   024-register-relay, 025-register-nat
#   031-register-linphone (REGISTER relayed, a call)  024-register-relay, 025-register-nat
#   169-xfer-baresip (blind REFER, refer = local)     161-xfer-blind, 262-xfer-blind-after-hold
#   195-interop-baresip-hold (hold/resume both sides)  080-reinvite-hold, 220-media-hold
#   196-interop-baresip-rtp-srtp (encrypt toward b)    202-rtp-to-srtp, 207-srtp-baresip-both
#   197-interop-baresip-blind (blind, 3 phones)        161-xfer-blind, 262-xfer-blind-after-hold
#   206-srtp-baresip (SRTP caller, plain callee)       201-srtp-to-rtp, 207-srtp-baresip-both
#   261-xfer-linphone-after-hold (attended after hold) 260-xfer-attended-after-hold
#   263-interop-linphone-srtp (SRTP caller, plain)     201-srtp-to-rtp, 207-srtp-baresip-both
#   264-interop-linphone-hold (hold/resume both sides) 080-reinvite-hold, 220-media-hold
#   265-interop-linphone-tls (TLS caller, sip: URI)    170-tls-caller, 174-tls-baresip-sip-uri
#   266-interop-linphone-blind (blind, refer = local)  161-xfer-blind, 262-xfer-blind-after-hold
#   267-interop-linphone-srtp-legs (SRTP both, RTP->SRTP) 207-srtp-baresip-both, 202-rtp-to-srtp
#   287-conf-linphone (REFER to conference.uri, BYE; 285-conf-refer-srtp, 284-conf-join,
#     tandemctl join into a bridge; leaving)          286-conf-disorder-hangup
# Kept under ASan: 174-tls-baresip-sip-uri (a TLS phone on both legs) and
# 207-srtp-baresip-both (a phone's SRTP and SRTCP on both legs), and the DTMF phone tests
# 281, 282 (the relay's event reader and generator, over RTP and SRTP: no sipp test drives them
# with a phone's timing). A new phone test goes here
# only with the ASan-run test that covers its tandemd path.
ASAN_SKIP ?= 026 031 169 195 196 197 206 261 263 264 265 266 267 287
check-asan: all tools
	@BUILD=$(BUILD) SIP_TESTS_SKIP="$(ASAN_SKIP)" SIP_BESIDE="$(SIP_BESIDE)" tests/sip/run

demo: all
	@scripts/demo $(BUILD)

bench-sip: all $(BENCH_TOOLS)
	@BUILD=$(BUILD) tests/bench/bench-sip

# REGISTERs relayed beside the registrar alone (Kamailio), 10,000 bindings held
bench-register: all
	@BUILD=$(BUILD) tests/bench/bench-register

# Kamailio in front of 1, then 2 tandemd, on loopback (tests/bench/bench-scale)
bench-scale: all
	@BUILD=$(BUILD) tests/bench/bench-scale

# rtpengine is the SRTP run's comparison: installed when missing, and the
# run goes on without it when it cannot be (BENCH_RTPENGINE=0: not wanted)
bench-relay: all tools
	@if [ "$${BENCH_RTPENGINE:-1}" != 0 ] && ! command -v rtpengine >/dev/null 2>&1; then \
		scripts/install-deps --bench || echo "bench-relay: rtpengine could not be installed; measuring without it"; fi
	@BUILD=$(BUILD) tests/bench/bench-relay
	@$(MAKE) --no-print-directory bench-mix

# conference mixing beside plain relaying, in one media worker (docs/performance.md)
bench-mix: tools
	taskset -c 0 $(BUILD)/tests/tools/mixbench $${BENCH_MIX_SECS:-4}

install: all
	install -d $(DESTDIR)$(prefix)/sbin $(DESTDIR)$(prefix)/bin $(DESTDIR)/etc/tandem
	install -m 755 $(BUILD)/tandemd $(DESTDIR)$(prefix)/sbin/tandemd
	install -m 755 $(BUILD)/tandemctl $(DESTDIR)$(prefix)/bin/tandemctl
	@# an existing config is the operator's: never overwritten (like a dpkg conffile);
	@# a new one may hold trunk passwords: root:tandem 0640 (as the package's postinst)
	if [ -e $(DESTDIR)/etc/tandem/tandemd.conf ]; then \
		echo "keeping $(DESTDIR)/etc/tandem/tandemd.conf (the new default: conf/tandemd.conf)"; \
	else install -m 640 conf/tandemd.conf $(DESTDIR)/etc/tandem/tandemd.conf; \
		if [ -z "$(DESTDIR)" ] && getent group tandem > /dev/null; then \
			chgrp tandem /etc/tandem/tandemd.conf; \
		elif [ -z "$(DESTDIR)" ]; then \
			echo "no group tandem yet: systemd-sysusers tandem.conf; chgrp tandem /etc/tandem/tandemd.conf"; \
		fi; \
	fi
	install -D -m 644 man/tandemd.8 $(DESTDIR)$(prefix)/share/man/man8/tandemd.8
	install -D -m 644 man/tandemctl.8 $(DESTDIR)$(prefix)/share/man/man8/tandemctl.8
	install -D -m 644 man/tandemd.conf.5 $(DESTDIR)$(prefix)/share/man/man5/tandemd.conf.5
	install -D -m 644 packaging/systemd/tandemd.service $(DESTDIR)$(systemdunitdir)/tandemd.service
	install -D -m 644 packaging/systemd/tandemd@.service $(DESTDIR)$(systemdunitdir)/tandemd@.service
	install -D -m 644 packaging/sysusers/tandem.conf $(DESTDIR)/usr/lib/sysusers.d/tandem.conf
	install -D -m 644 packaging/sysctl/60-tandem.conf $(DESTDIR)/etc/sysctl.d/60-tandem.conf
	install -D -m 644 packaging/fail2ban/tandem.conf $(DESTDIR)/etc/fail2ban/filter.d/tandem.conf
	install -d $(DESTDIR)$(prefix)/share/doc/tandem
	install -m 644 docs/operations.md docs/control.md docs/transfer.md $(DESTDIR)$(prefix)/share/doc/tandem/

# ---- fuzzing (libFuzzer, clang): tests/fuzz/fuzz_<name>.c, one per parser ----
# The lib sources are compiled again with clang in $(FUZZ_BUILD), instrumented
# for coverage and under ASan+UBSan. `make fuzz` runs each harness for
# FUZZ_SECONDS; `make check-fuzz` for FUZZ_CHECK_SECONDS (CI). New corpus
# entries go to $(FUZZ_BUILD)/corpus/<name>, crashes to $(FUZZ_BUILD)/crashes/.
FUZZ_BUILD ?= build-fuzz
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_CHECK_SECONDS ?= 5
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_CFLAGS = -std=gnu11 -O1 -g $(WARN) -Ilib -DTANDEM_VERSION='"$(VERSION)"' $(DEP_CFLAGS) $(FUZZ_SAN)
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(FUZZ_BUILD)/%)
FUZZ_LIB_OBJ := $(LIB_SRC:%.c=$(FUZZ_BUILD)/%.o)

.PHONY: fuzz-build fuzz check-fuzz valgrind soak

$(FUZZ_BUILD)/lib/%.o: lib/%.c config.mk
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

$(FUZZ_BUILD)/libtandem.a: $(FUZZ_LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ_BUILD)/libtandem.a config.mk
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -MMD -MP -o $@ $< $(FUZZ_BUILD)/libtandem.a $(DEP_LIBS) -lm

-include $(FUZZ_LIB_OBJ:.o=.d) $(FUZZ_BIN:=.d)

fuzz-build: $(FUZZ_BIN)

fuzz: fuzz-build
	@FUZZ_BUILD=$(FUZZ_BUILD) tests/fuzz/run $(FUZZ_SECONDS) $(FUZZ_BIN)

check-fuzz: fuzz-build
	@FUZZ_BUILD=$(FUZZ_BUILD) tests/fuzz/run $(FUZZ_CHECK_SECONDS) $(FUZZ_BIN)

# tandemd under valgrind memcheck while 200 calls with media go through it
# (VG_CALLS in the environment: another number).
valgrind: all tools
	@BUILD=$(BUILD) tests/valgrind/run

# The soak: a steady mix of calls (media, re-INVITE hold, cancel, 486, blind transfer,
# RTP probes) for DURATION (seconds, or 90s/30m/1h), then tandemd's memory, fds and relay
# ports are compared with their idle values after a warm-up (docs/performance.md, "Soak").
# Not part of `make check`. Results in $(BUILD)/soak/.
DURATION ?= 300
soak: all tools
	@BUILD=$(BUILD) tests/soak/soak $(DURATION)

# ---- packaging: packaging/debian, tests/pkg ----
# `make check-pkg` (part of `make check`): the systemd unit's exposure score.
# `make deb`: a .deb from a copy of the tree in $(DEB_BUILD) (dpkg-buildpackage -us -uc -b);
# `make check-deb` builds it and checks the install layout and lintian (slow).
systemdunitdir ?= /usr/lib/systemd/system
DEB_BUILD ?= build/deb
DEB_SRC := Makefile configure.ac config.mk.in README.md conf daemon docs lib man packaging scripts

.PHONY: check-pkg deb check-deb
check-pkg:
	@tests/pkg/run

deb:
	rm -rf $(DEB_BUILD)/tandem-$(VERSION)
	mkdir -p $(DEB_BUILD)/tandem-$(VERSION)
	tar -c $(DEB_SRC) | tar -x -C $(DEB_BUILD)/tandem-$(VERSION)
	cp -r packaging/debian $(DEB_BUILD)/tandem-$(VERSION)/debian
	cp packaging/sysusers/tandem.conf $(DEB_BUILD)/tandem-$(VERSION)/debian/tandem.sysusers
	cd $(DEB_BUILD)/tandem-$(VERSION) && dpkg-buildpackage -us -uc -b
	@ls -l $(DEB_BUILD)/*.deb

check-deb:
	@tests/pkg/check-deb

clean:
	rm -rf build build-asan build-fuzz build-deb run

distclean: clean
	rm -rf config.mk config.log config.status configure autom4te.cache
