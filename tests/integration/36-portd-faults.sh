#!/bin/bash
# 36-portd-faults: `portd --standalone` and a sim clock it cannot use
# (issue 6, items 2 and 6).
#
# 1. sim_path names something that is not a sim clock: a directory, a file
#    in a missing directory, /dev/zero, a regular file of text. portd must
#    refuse to start with the FILE:LINE: ports[IF].sim_path error and exit
#    status 1: never a signal (it used to log the error, return 0 from
#    setup_clock() because the logging clobbered errno, and die of SIGSEGV
#    on the NULL clock: 139).
# 2. The sim clock file is truncated (truncate -s 0) while portd uses it:
#    portd must exit with status 1 and say "sim clock FILE was truncated
#    while in use", not die of SIGBUS (135) on its next access to the
#    mapping.
. "$(dirname "$0")/portd-lib.sh"
pl_need timeout truncate

pl_ns p36; NS=$PL_NS
pl_ns p36pe; PEER=$PL_NS
pl_link "$NS" f36 "$PEER" g36 10.36.0.1 10.36.0.2

# --- 1. sim_path that is not a sim clock --------------------------------
mkdir -p "$PL_DIR/adir"
printf 'this is not a sim clock\n%.0s' $(seq 20) >"$PL_DIR/text.clk"

# start_fails LABEL SIMPATH: portd refuses to start, status 1, and names
# the config file, line and key.
start_fails() {
	local label=$1 path=$2 conf=$PL_DIR/bad-$1.conf rc
	pl_portd_conf "$conf" f36 simpath="$path" rundir="$PL_DIR/run-$label"
	timeout -k 2 20 ip netns exec "$NS" "$PORTD" --standalone -f "$conf" \
		-i f36 --rundir "$PL_DIR/run-$label" --log-level info \
		>"$PL_DIR/bad-$label.out" 2>"$PL_DIR/bad-$label.err"
	rc=$?
	echo "== $label ($path): exit status $rc"
	cat "$PL_DIR/bad-$label.err"
	t_check "$label: portd exits 1, not by a signal (status $rc)" \
		[ "$rc" = 1 ]
	t_check "$label: the error names $conf:LINE: ports[f36].sim_path" \
		grep -qE "err: $conf:[0-9]+: ports\[f36\]\.sim_path" \
		"$PL_DIR/bad-$label.err"
}

start_fails dir "$PL_DIR/adir"
start_fails missing-dir "$PL_DIR/no/such/dir/x.clk"
start_fails devzero /dev/zero
start_fails text "$PL_DIR/text.clk"

# --- 2. the sim clock file truncated under a running portd --------------
CLK=$PL_DIR/trunc.clk
pl_portd_conf "$PL_DIR/trunc.conf" f36 simpath="$CLK"
pl_portd "$NS" "$PL_DIR/trunc.conf" f36 trunc
PID=$PL_PID
t_check "portd running with its sim clock" \
	t_wait_for 10 grep -q '^summary ' "$PL_DIR/trunc.out"
# it must be using the clock: MASTER sends Sync and converts its TX stamps
t_check "portd goes MASTER (it reads its clock for every stamp)" \
	t_wait_for 10 pl_state_is "$PL_DIR/trunc.out" MASTER
truncate -s 0 "$CLK"
gone() { ! kill -0 "$PID" 2>/dev/null; }
t_check "portd stops within 5 s of the truncation" t_wait_for 5 gone
wait "$PID" 2>/dev/null
RC=$?
echo "== truncated: exit status $RC"
tail -n 5 "$PL_DIR/trunc.err"
t_check "exit status 1, not SIGBUS (status $RC)" [ "$RC" = 1 ]
t_check "portd says the sim clock was truncated while in use" \
	grep -qF "sim clock $CLK was truncated while in use" \
	"$PL_DIR/trunc.err"

t_done
