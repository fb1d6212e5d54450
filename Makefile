# Meridian - one plain Makefile for everything.
#
#   make              build every library and binary (-Wall -Wextra -Werror)
#   make check        build and run every test layer that can run here
#   make asan         build everything with ASan+UBSan (same as SANITIZE=1)
#   make fuzz         every libFuzzer target long: FUZZ_SECONDS (3600) or
#                     FUZZ_RUNS executions (10 million), whichever first
#   make demo         the network-namespace lab demo
#   make install      PREFIX=/usr/local DESTDIR= SYSCONFDIR=/etc
#   make man          regenerate man/*.[158] (meridian.conf.5 from the schema)
#   make deb          the Debian package (debian/) into DEB_OUT ($(BUILD)/deb)
#   make clean
#
# Layers run by `make check`, each closing with its own summary line:
#   unit       Criterion tests of common/ and ipc/ (normal build)
#   unit-asan  the same binary built with ASan+UBSan
#   fuzz-check each fuzz target for FUZZ_CHECK_SECONDS (default 20)
#   integration  tests/integration/NN-*.sh in network namespaces (root)

SHELL     := /bin/bash
CC        ?= gcc
PREFIX    ?= /usr/local
SYSCONFDIR ?= /etc
DESTDIR   ?=
SANITIZE  ?= 0
FUZZ_SECONDS ?= 3600
FUZZ_RUNS ?= 10000000
FUZZ_CHECK_SECONDS ?= 20

ifeq ($(SANITIZE),1)
BUILD     ?= build-asan
CC        := clang
SANFLAGS  := -fsanitize=address,undefined -fno-sanitize-recover=all \
             -fno-omit-frame-pointer
OPT       := -O1
else
BUILD     ?= build
SANFLAGS  :=
OPT       := -O2
endif

PKGS      := libconfig libnl-3.0 libnl-route-3.0 libnl-genl-3.0 libzmq \
             nettle libcap-ng libseccomp libsystemd
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)

CFLAGS    ?= $(OPT) -g
CFLAGS    += -std=gnu11 -Wall -Wextra -Werror -Wno-missing-field-initializers \
             -D_GNU_SOURCE -Icommon -Iipc $(PKG_CFLAGS) $(SANFLAGS) -MMD -MP
LDFLAGS   += $(SANFLAGS)
LDLIBS     = $(PKG_LIBS) -lm

COMMON_SRC := $(wildcard common/*.c)
IPC_SRC    := $(wildcard ipc/*.c)

# The sans-IO protocol core: no sockets, no clocks, no files, no printing,
# no globals. Its own library; `core-check` (part of every build) lists
# the symbols its objects need from outside and fails on any that is not
# in common/core.allow, so the purity is enforced, not described.
CORE_NAMES := ptp_time msg tlv mgmt ds bmca bmca_clock port_core port_fmt \
              port_delay port_master port_mgmt servo servo_pi servo_linreg \
              servo_kalman gate sim_model timers clkctl clkfollow \
              clkref auth srclimit
CORE_SRC   := $(filter $(patsubst %,common/%.c,$(CORE_NAMES)),$(COMMON_SRC)) \
              ipc/ipc_msg.c
CORE_OBJ   := $(patsubst %.c,$(BUILD)/%.o,$(CORE_SRC))
CORE_LIB   := $(BUILD)/libmeridian-core.a
# The I/O edge the daemons share (clocks, transports, netlink, config,
# logging, the bus sockets), on top of the core.
EDGE_SRC   := $(filter-out $(CORE_SRC),$(COMMON_SRC) $(IPC_SRC))
LIB        := $(BUILD)/libmeridian.a
LIB_OBJ    := $(patsubst %.c,$(BUILD)/%.o,$(EDGE_SRC))

# One binary per process folder that has sources: name:folder.
PROGRAMS   := meridian:supervisor portd:portd bmcad:bmcad clockd:clockd \
              ptp-top:tools meridian-exporter:exporter
prog_name   = $(word 1,$(subst :, ,$(1)))
prog_dir    = $(word 2,$(subst :, ,$(1)))
BINS       :=
define PROGRAM_RULES
$(call prog_name,$(1))_SRC := $(wildcard $(call prog_dir,$(1))/*.c)
ifneq ($$($(call prog_name,$(1))_SRC),)
BINS += $(BUILD)/bin/$(call prog_name,$(1))
$(BUILD)/bin/$(call prog_name,$(1)): $$(patsubst %.c,$(BUILD)/%.o,$$($(call prog_name,$(1))_SRC)) $(LIB) $(CORE_LIB)
	@mkdir -p $$(@D)
	$$(CC) $$(LDFLAGS) -o $$@ $$^ $$(LDLIBS) $$(EXTRA_LIBS_$(call prog_name,$(1)))
endif
endef
$(foreach p,$(PROGRAMS),$(eval $(call PROGRAM_RULES,$(p))))
EXTRA_LIBS_ptp-top := -lncurses
# meridian-exporter links ptp-top's tables (tools/top_state.c) and scans
# the core again after them (they come last on the line).
$(BUILD)/bin/meridian-exporter: $(BUILD)/tools/top_state.o
EXTRA_LIBS_meridian-exporter := $(CORE_LIB) -lmicrohttpd

# meridian.conf(5) is printed from the config schema by a build tool (never
# installed); `make man` regenerates every page in man/ (committed), and
# tests/integration/56-man-pages.sh fails when they differ from fresh ones.
GEN_MAN_CONF := $(BUILD)/man/gen-man-conf
MAN_PAGES  := man/meridian.8 man/portd.8 man/bmcad.8 man/clockd.8 \
              man/ptp-top.1 man/meridian.conf.5 man/meridian-exporter.8
$(GEN_MAN_CONF): $(BUILD)/man/gen-man-conf.o $(LIB) $(CORE_LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Test helper programs: one tests/tools/NAME.c each.
TOOL_SRC   := $(wildcard tests/tools/*.c)
TOOLS      := $(patsubst tests/tools/%.c,$(BUILD)/tests/tools/%,$(TOOL_SRC))

# Unit tests: every tests/unit/test_*.c in one Criterion binary.
UNIT_SRC   := $(wildcard tests/unit/*.c)
UNIT_BIN   := $(BUILD)/tests/unit/unit

# Fuzz targets: tests/fuzz/fuzz_NAME.c, built with clang's libFuzzer.
FUZZ_SRC   := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BUILD := build-fuzz
FUZZ_BINS  := $(patsubst tests/fuzz/%.c,$(FUZZ_BUILD)/%,$(FUZZ_SRC))
FUZZ_FLAGS := -fsanitize=fuzzer-no-link,address,undefined \
              -fno-sanitize-recover=all -fno-omit-frame-pointer

.PHONY: all deps check unit unit-asan fuzz-check fuzz integration bench \
        asan demo install clean tools core-check sim-report sim-asan \
        man man-check deb
.DEFAULT_GOAL := all
# Keep intermediate objects (fuzz and tool objects come from chained rules).
.SECONDARY:

all: $(BUILD)/.deps-ok $(CORE_LIB) $(BUILD)/.core-ok $(LIB) $(BINS) tools \
     $(GEN_MAN_CONF)
tools: $(TOOLS)

# Install missing Debian packages once (scripts/install-deps is idempotent).
deps $(BUILD)/.deps-ok: scripts/install-deps
	@scripts/install-deps
	@mkdir -p $(BUILD) && touch $(BUILD)/.deps-ok

$(BUILD)/%.o: %.c | $(BUILD)/.deps-ok
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c -o $@ $<

$(CORE_LIB): $(CORE_OBJ) Makefile
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $(CORE_OBJ)

# The core's undefined symbols against the allow-list (sanitizer and
# coverage hooks aside).
$(BUILD)/.core-ok: $(CORE_OBJ) common/core.allow
	@nm -u $(CORE_OBJ) | awk 'NF == 2 { print $$2 }' | sort -u >$(BUILD)/core.undef
	@nm --defined-only $(CORE_OBJ) | awk 'NF == 3 { print $$3 }' | sort -u >$(BUILD)/core.def
	@comm -23 $(BUILD)/core.undef $(BUILD)/core.def | \
	  grep -Ev '^(__asan_|__ubsan_|__sanitizer_|__sancov_|__lsan_)' | \
	  grep -vxF -f <(grep -v '^#' common/core.allow | grep .) >$(BUILD)/core.bad || true
	@if [ -s $(BUILD)/core.bad ]; then \
	  echo "core-check: the sans-IO core uses symbols outside common/core.allow:"; \
	  sed 's/^/    /' $(BUILD)/core.bad; \
	  for sym in $$(cat $(BUILD)/core.bad); do \
	    nm -A -u $(CORE_OBJ) | grep -w "$$sym" | sed 's/^/      used by /'; done; \
	  exit 1; fi
	@echo "core-check: $(words $(CORE_OBJ)) core objects use only allowed symbols"
	@touch $@

core-check: $(BUILD)/.core-ok

# (The Makefile itself is a prerequisite: a file moving between the core
# and the edge must leave neither archive with a stale copy.)
$(LIB): $(LIB_OBJ) Makefile
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $(LIB_OBJ)

$(BUILD)/tests/tools/%: $(BUILD)/tests/tools/%.o $(LIB) $(CORE_LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# (tests/sim/figures.c: the simulator's pure figures, unit-tested too)
$(UNIT_BIN): $(patsubst %.c,$(BUILD)/%.o,$(UNIT_SRC)) \
             $(BUILD)/tests/sim/figures.o $(BUILD)/supervisor/notify.o \
             $(LIB) $(CORE_LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcriterion

# The deterministic simulator (tests/sim/), on the core library alone.
include tests/sim/sim.mk

# ---- test layers ------------------------------------------------------

check: all
	@echo "== check: layers unit, unit-asan, sim-asan, fuzz-check," \
	      "integration; each lists what it skipped, and why"
	@echo "   not in check (too long): make fuzz (1 h or 10 million runs" \
	      "a target), make bench, tests/soak/run (about 30 min)"
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory unit-asan
	@$(MAKE) --no-print-directory sim-asan
	@$(MAKE) --no-print-directory fuzz-check
	@$(MAKE) --no-print-directory integration

unit: $(UNIT_BIN)
	@echo "== unit tests ($(BUILD))"
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	  $(UNIT_BIN) --jobs 2 --short-filename

unit-asan:
	@$(MAKE) --no-print-directory SANITIZE=1 unit

asan:
	@$(MAKE) --no-print-directory SANITIZE=1 all

# Every simulator scenario, start to end, built with ASan+UBSan.
sim-asan:
	@$(MAKE) --no-print-directory SANITIZE=1 sim
	@tests/sim/asan-check build-asan/tests/sim/meridian-sim

# libFuzzer targets link the library sources compiled with coverage.
FUZZ_LIB_OBJ := $(patsubst %.c,$(FUZZ_BUILD)/%.o,$(COMMON_SRC) $(IPC_SRC))
$(FUZZ_BUILD)/%.o: %.c | $(BUILD)/.deps-ok
	@mkdir -p $(@D)
	clang -std=gnu11 -O1 -g -Wall -Wextra -Werror \
	  -Wno-missing-field-initializers -D_GNU_SOURCE -Icommon -Iipc \
	  $(PKG_CFLAGS) $(FUZZ_FLAGS) -MMD -MP -c -o $@ $<
$(FUZZ_BUILD)/fuzz_%: $(FUZZ_BUILD)/tests/fuzz/fuzz_%.o $(FUZZ_LIB_OBJ)
	clang -fsanitize=fuzzer,address,undefined -o $@ $^ $(PKG_LIBS) -lm

fuzz-check: $(FUZZ_BINS)
	@tests/fuzz/run $(FUZZ_CHECK_SECONDS) $(FUZZ_BINS)

fuzz: $(FUZZ_BINS)
	@tests/fuzz/run $(FUZZ_SECONDS) -runs $(FUZZ_RUNS) $(FUZZ_BINS)

integration: all
	@tests/integration/run

bench: all
	@tests/bench/run

# Every simulator scenario, its figures against the issue-8 targets and a
# TE plot each: build/sim-report/report.txt and *.svg (needs gnuplot).
sim-report: $(SIM_BIN)
	@scripts/sim-report --sim $(SIM_BIN) --out $(BUILD)/sim-report

demo: all
	@scripts/demo

# Regenerate the committed pages; man-check: the man-page test alone.
man: $(BINS) $(GEN_MAN_CONF)
	@man/gen-pages $(BUILD) man

man-check: all
	@tests/integration/run tests/integration/56-man-pages.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/bin
	for b in $(BINS); do \
	  case $$b in */ptp-top) d=bin ;; *) d=sbin ;; esac; \
	  install -m 0755 $$b $(DESTDIR)$(PREFIX)/$$d/; \
	done
	for s in 1 5 8; do install -d $(DESTDIR)$(PREFIX)/share/man/man$$s; done
	for p in $(MAN_PAGES); do \
	  install -m 0644 $$p $(DESTDIR)$(PREFIX)/share/man/man$${p##*.}/; \
	done
	install -d $(DESTDIR)$(SYSCONFDIR)/meridian
	install -m 0644 conf/meridian.conf \
	  $(DESTDIR)$(SYSCONFDIR)/meridian/meridian.conf.example

# The Debian package: dpkg-buildpackage (debhelper, debian/rules) in a
# copy of the tree, so that nothing but DEB_OUT is written here; the
# tests are not run (tests/integration/59-deb.sh checks the package).
DEB_OUT   ?= $(BUILD)/deb
deb:
	@command -v dpkg-buildpackage >/dev/null && command -v dh >/dev/null || \
	  { echo "deb: needs dpkg-dev and debhelper (scripts/install-deps)"; \
	    exit 1; }
	@set -e; tmp=$$(mktemp -d /tmp/meridian-deb.XXXXXX); \
	  trap 'rm -rf "$$tmp"' EXIT; mkdir "$$tmp/meridian"; \
	  tar -cf - --exclude=./.git --exclude=./build --exclude=./build-asan \
	    --exclude=./build-fuzz . | tar -xf - -C "$$tmp/meridian"; \
	  (cd "$$tmp/meridian" && \
	   DEB_BUILD_OPTIONS="nocheck $${DEB_BUILD_OPTIONS:-}" \
	   dpkg-buildpackage -b -us -uc -jauto); \
	  mkdir -p "$(DEB_OUT)"; \
	  cp "$$tmp"/*.deb "$$tmp"/*.buildinfo "$$tmp"/*.changes "$(DEB_OUT)"/; \
	  ls -l "$(DEB_OUT)"

clean:
	rm -rf build build-asan build-fuzz

-include $(shell find build build-asan build-fuzz -name '*.d' 2>/dev/null)
