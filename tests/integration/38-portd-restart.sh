#!/bin/bash
# 38-portd-restart: kill -9 and restart of `portd --standalone` on a clock
# that kept running (issue 6 item 5: a restart must not relearn what the
# clock already knows).
#
# linuxptp's ptp4l is grandmaster (UDPv4 E2E, software timestamps, sync
# and delay requests 8 a second, announces 4 a second) on a veth pair;
# portd is an ordinary-clock slave steering a sim clock started 1 s ahead
# and 100 ppm fast. For servo "pi", then "linreg":
#   - portd converges (steps once, SLAVE, LOCKED, offsets within 10 us),
#     then runs 10 s more so that its frequency settles;
#   - it is killed with SIGKILL: the sim clock keeps its frequency
#     adjustment (it is in the file), and so keeps time within about a
#     microsecond;
#   - after OUTAGE s it is restarted on the same sim clock. The seconds
#     from the restart to the first summary line with state=SLAVE and
#     servo=LOCKED (or LOCKED_STABLE) are printed, with the worst TRUE
#     error of the sim clock (`simclock watch`) during the outage and over
#     the WINDOW s after the restart. Checked: locked within LOCK_MAX s
#     (8: 3 announces to qualify the master and pick it, then a few
#     syncs; a cold PI would wait 0.016 / ki = 37 s), no step on restart
#     (steps=0 in the restarted portd's summary throughout), never
#     UNLOCKED again once locked, the true error within 20 us (as 30).
. "$(dirname "$0")/portd-lib.sh"
pl_need ptp4l

CONV_TIMEOUT=${CONV_TIMEOUT:-90}
LOCK_TIMEOUT=${LOCK_TIMEOUT:-60}	# to measure a slow start too
LOCK_MAX=${LOCK_MAX:-8}
OUTAGE=${OUTAGE:-2}
WINDOW=${WINDOW:-15}

pl_ns p38gm; GM=$PL_NS
pl_ns p38sl; SL=$PL_NS
pl_link "$GM" g38 "$SL" s38 10.38.0.1 10.38.0.2

pl_ptp4l_conf "$PL_DIR/gm.cfg" gm priority1 10
pl_ptp4l "$GM" "$PL_DIR/gm.cfg" g38 gm -4
GM_PID=$PL_PID
t_check "ptp4l grandmaster takes the master role" \
	t_wait_for 10 grep -q "assuming the grand master role" "$PL_DIR/gm.log"

# pl_locked FILE: the last summary line says SLAVE and LOCKED(_STABLE).
pl_locked() {
	local sv
	[ "$(pl_sum "$1" state)" = SLAVE ] || return 1
	sv=$(pl_sum "$1" servo)
	[ "$sv" = LOCKED ] || [ "$sv" = LOCKED_STABLE ]
}

# secs_since T0: seconds (1 decimal) from epoch time T0 to now.
secs_since() {
	awk -v a="$1" -v b="$(pl_now)" 'BEGIN { printf "%.1f", b - a }'
}

run_servo() {
	local servo=$1 d=$PL_DIR conf clk pid out out2 t_kill t_start lock
	local n mean rms max
	conf=$d/$servo.conf
	clk=$d/$servo.clk
	pl_portd_conf "$conf" s38 servo="$servo" freq=100000 \
		offset=1000000000 simpath="$clk" rundir="$d/run-$servo"
	pl_portd "$SL" "$conf" s38 "$servo-1"
	pid=$PL_PID
	out=$d/$servo-1.out
	pl_simwatch "$clk" "$d/true-$servo" ||
		t_check "$servo: portd created its sim clock $clk" false
	if t_wait_for "$CONV_TIMEOUT" pl_converged "$out" 5 10000; then
		t_check "$servo: first start converged" true
	else
		t_check "$servo: first start converged in $CONV_TIMEOUT s" false
		pl_show "$servo-1"
	fi
	sleep 10
	t_check "$servo: first start stepped ($(pl_sum "$out" steps))" \
		pl_ge "$(pl_sum "$out" steps)" 1
	echo "$servo: before the kill: $(grep '^summary ' "$out" | tail -n 1)"
	echo "$servo: sim clock: $("$SIMCLOCK" read "$clk" | tr '\n' ' ')"

	t_kill=$(pl_now)
	kill -9 "$pid"
	wait "$pid" 2>/dev/null
	sleep "$OUTAGE"
	t_start=$(pl_now)
	pl_portd "$SL" "$conf" s38 "$servo-2"
	pid=$PL_PID
	out2=$d/$servo-2.out
	if t_wait_for "$LOCK_TIMEOUT" pl_locked "$out2"; then
		lock=$(secs_since "$t_start")
	else
		lock=never
	fi
	echo "$servo: restart to SLAVE/LOCKED: $lock s"
	t_check "$servo: locked within $LOCK_MAX s of the restart ($lock s)" \
		pl_le "$lock" "$LOCK_MAX"
	sleep "$WINDOW"
	local t_end
	t_end=$(pl_now)
	echo "== $servo: restarted portd's summary lines"
	grep '^summary ' "$out2" | head -n 12
	echo "..."
	grep '^summary ' "$out2" | tail -n 3
	grep -E 'servo|locked|step|attached' "$d/$servo-2.err" | head -n 8

	t_check "$servo: restarted portd still running" kill -0 "$pid"
	t_check "$servo: no step on restart (steps=$(pl_sum "$out2" steps))" \
		[ "$(pl_sum "$out2" steps)" = 0 ]
	t_check "$servo: never UNLOCKED once locked" pl_no_match -E \
		'^UNLOCKED$' <(pl_sum_col "$out2" servo |
			       sed -n '/^LOCKED/,$p')
	if pl_converged "$out2" 5 10000; then
		t_check "$servo: converged after the restart" true
	else
		t_check "$servo: converged after the restart" false
		pl_why_not_converged "$out2" 5
	fi

	read -r n mean rms max < <(pl_true_col "$d/true-$servo" "$t_kill" \
		"$t_start" | pl_stats)
	echo "$servo: TRUE error during the ${OUTAGE} s outage ($n reads):" \
		"mean $mean rms $rms max $max ns"
	t_check "$servo: TRUE |error| < 20 us in the outage ($max ns)" \
		pl_lt "$max" 20000
	read -r n mean rms max < <(pl_true_col "$d/true-$servo" "$t_start" \
		"$t_end" | pl_stats)
	echo "$servo: TRUE error from the restart on ($n reads):" \
		"mean $mean rms $rms max $max ns"
	t_check "$servo: TRUE |error| < 20 us after the restart ($max ns)" \
		pl_lt "$max" 20000
	t_check "$servo: true error read >= 30 times after ($n)" pl_ge "$n" 30

	pl_stop "$pid"
	pl_stop "$PL_WATCH_PID"
	t_check "$servo: restarted portd logged no error" \
		pl_log_clean "$d/$servo-2.err"
}

run_servo pi
run_servo linreg

t_check "ptp4l grandmaster still running" kill -0 "$GM_PID"
t_done
