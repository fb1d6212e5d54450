# tests/sim/sim.mk - the simulator (issue 8), included by the top Makefile
# after its variables (BUILD, CFLAGS, CORE_LIB). It links against the
# sans-IO core only: no sockets, no clocks, no configuration files.
SIM_SRC := $(wildcard tests/sim/*.c)
SIM_BIN := $(BUILD)/tests/sim/meridian-sim

.PHONY: sim
sim: $(SIM_BIN)
all: $(SIM_BIN)

$(SIM_BIN): $(patsubst %.c,$(BUILD)/%.o,$(SIM_SRC)) $(CORE_LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ -lm
