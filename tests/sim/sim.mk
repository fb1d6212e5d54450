# tests/sim/sim.mk - the simulator (issue 8), included by the top Makefile
# after its variables (BUILD, CFLAGS, CORE_LIB). It links against the
# sans-IO core only: no sockets, no clocks, no configuration files.
#
# Until common/clkfollow.c is in the core library and tests/sim/figures.c
# exists, tests/sim/fallback/ stands in for them (and is dropped by itself
# once they are there).
SIM_SRC := $(wildcard tests/sim/*.c)
ifeq ($(filter clkfollow,$(CORE_NAMES)),)
SIM_SRC += tests/sim/fallback/clkfollow.c
endif
ifeq ($(wildcard tests/sim/figures.c),)
SIM_SRC += tests/sim/fallback/figures.c
endif
SIM_BIN := $(BUILD)/tests/sim/meridian-sim

.PHONY: sim
sim: $(SIM_BIN)
all: $(SIM_BIN)

$(SIM_BIN): $(patsubst %.c,$(BUILD)/%.o,$(SIM_SRC)) $(CORE_LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ -lm
