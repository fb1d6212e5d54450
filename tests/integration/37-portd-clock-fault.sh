#!/bin/bash
# 37-portd-clock-fault: what portd --standalone says and does when its
# clock refuses to be steered, and when it stops measuring (issue 6, items
# 3 and 4). ptp4l is the grandmaster, portd a slave (servo linreg) on a
# sim clock 1 s ahead and 100 ppm fast, so it must step.
#
# 1. The sim clock refuses steps (`simclock fail CLK step EPERM`, the
#    fault injection of common/clock_sim.c). portd must not carry on as if
#    it had stepped: the summary says servo=FAULT, the port FAULTY, steps=0,
#    never SLAVE or LOCKED while the fault lasts; the log says so once.
#    Then the fault is cleared: after its fault reset (16 s) the port
#    listens again, the step is retried and works, and portd reaches SLAVE
#    and LOCKED within 10 us.
# 2. The link goes down (ip link set down in portd's namespace): the port
#    goes FAULTY and the summary must say servo=HOLDOVER with offset_ns=-
#    (stale), never LOCKED with the last offset; link up: SLAVE and LOCKED
#    again.
# 3. While locked, the clock refuses frequency changes: FAULTY and FAULT;
#    cleared: SLAVE and LOCKED again.
. "$(dirname "$0")/portd-lib.sh"
pl_need ptp4l

TO=${TO:-60}

pl_ns p37gm; GM=$PL_NS
pl_ns p37sl; SL=$PL_NS
pl_link "$GM" g37 "$SL" s37 10.37.0.1 10.37.0.2

pl_ptp4l_conf "$PL_DIR/gm.cfg" gm priority1 10
pl_ptp4l "$GM" "$PL_DIR/gm.cfg" g37 gm -4
GM_PID=$PL_PID
t_check "ptp4l grandmaster takes the master role" \
	t_wait_for 10 grep -q "assuming the grand master role" "$PL_DIR/gm.log"

CLK=$PL_DIR/sl.clk
OUT=$PL_DIR/sl.out
"$SIMCLOCK" create "$CLK" --freq-ppb 100000 --offset-ns 1000000000 ||
	t_fail "simclock create"
"$SIMCLOCK" fail "$CLK" step EPERM || t_fail "simclock fail"
"$SIMCLOCK" read "$CLK" | grep '^fail'
pl_portd_conf "$PL_DIR/sl.conf" s37 servo=linreg simpath="$CLK"
pl_portd "$SL" "$PL_DIR/sl.conf" s37 sl
PID=$PL_PID

# sum_from N: the summary lines after the first N.
sum_from() { grep '^summary ' "$OUT" | tail -n "+$(($1 + 1))"; }
# last_is STATE SERVO: the last summary line says both.
last_is() {
	[ "$(pl_sum "$OUT" state)" = "$1" ] &&
		[ "$(pl_sum "$OUT" servo)" = "$2" ]
}

# --- 1. a clock that refuses to step ------------------------------------
t_check "step refused: summary says state=FAULTY servo=FAULT (30 s)" \
	t_wait_for 30 last_is FAULTY FAULT
grep '^summary ' "$OUT" | tail -n 3
sleep 20		# one fault reset and a retry
N=$(pl_nsum "$OUT")
"$SIMCLOCK" fail "$CLK" none
echo "== with the step refused (${N} summaries)"
grep '^summary ' "$OUT" | awk '{ print $3, $7, $9 }' | uniq -c
t_check "step refused: steps=0 throughout" \
	pl_no_match -vE ' steps=0 ' <(grep '^summary ' "$OUT" | head -n "$N")
t_check "step refused: never SLAVE nor LOCKED" \
	pl_no_match -E 'state=SLAVE|servo=LOCKED' \
	<(grep '^summary ' "$OUT" | head -n "$N")
t_check "step refused: the port went FAULTY (log)" \
	grep -q 'UNCALIBRATED -> FAULTY' "$PL_DIR/sl.err"
t_check "step refused: the refusal is logged as an error" \
	grep -qE 'err: s37: sim:.* refused to step .*Operation not permitted' \
	"$PL_DIR/sl.err"
t_check "step refused: logged at err level once" \
	[ "$(grep -c 'err: s37: .*refused to' "$PL_DIR/sl.err")" = 1 ]
t_check "fault cleared: SLAVE and LOCKED within $TO s" \
	t_wait_for "$TO" pl_converged "$OUT" 3 10000
t_check "fault cleared: stepped ($(pl_sum "$OUT" steps))" \
	pl_ge "$(pl_sum "$OUT" steps)" 1
t_check "fault cleared: logged" \
	grep -q 'accepts adjustments again' "$PL_DIR/sl.err"
grep '^summary ' "$OUT" | tail -n 2

# --- 2. link down: no LOCKED with a stale offset --------------------------
N=$(pl_nsum "$OUT")
ip -n "$SL" link set s37 down
t_check "link down: FAULTY, servo=HOLDOVER, offset_ns=- (5 s)" \
	t_wait_for 5 eval '[ "$(pl_sum "$OUT" state)" = FAULTY ] &&
		[ "$(pl_sum "$OUT" servo)" = HOLDOVER ] &&
		[ "$(pl_sum "$OUT" offset_ns)" = - ]'
sleep 4
N2=$(pl_nsum "$OUT")
ip -n "$SL" link set s37 up
echo "== link down"
sum_from "$N" | head -n "$((N2 - N))"
# the first line after the command may predate the netlink event
t_check "link down: no summary not SLAVE/UNCALIBRATED says LOCKED" \
	pl_no_match -E 'state=(FAULTY|LISTENING|MASTER|PRE_MASTER|PASSIVE|DISABLED|INITIALIZING) .*servo=LOCKED' \
	<(sum_from "$N")
t_check "link down: every line not SLAVE has offset_ns=-" \
	pl_no_match -E 'state=(FAULTY|LISTENING|MASTER|PRE_MASTER|PASSIVE|DISABLED|INITIALIZING) offset_ns=[-0-9]*[0-9]' \
	<(sum_from "$N")
t_check "link up: SLAVE and LOCKED again within $TO s" \
	t_wait_for "$TO" pl_converged "$OUT" 3 10000
grep '^summary ' "$OUT" | tail -n 2

# --- 3. a clock that refuses frequency changes while locked --------------
N=$(pl_nsum "$OUT")
S0=$(pl_sum "$OUT" steps)
"$SIMCLOCK" fail "$CLK" freq EINVAL
t_check "freq refused: state=FAULTY servo=FAULT (5 s)" \
	t_wait_for 5 last_is FAULTY FAULT
sleep 3
"$SIMCLOCK" fail "$CLK" none
t_check "freq refused: no step meanwhile" \
	[ "$(pl_sum "$OUT" steps)" = "$S0" ]
t_check "freq fault cleared: SLAVE and LOCKED again within $TO s" \
	t_wait_for "$TO" pl_converged "$OUT" 3 10000
echo "== frequency refused, then cleared"
sum_from "$N" | awk '{ print $3, $7 }' | uniq -c

t_check "portd still running" kill -0 "$PID"
t_check "every summary line well-formed" pl_sum_ok "$OUT"
pl_stop "$PID"
echo "== portd log (notice and worse)"
grep -vE ': (debug|info): ' "$PL_DIR/sl.err" | head -n 40
t_check "ptp4l grandmaster still running" kill -0 "$GM_PID"
t_done
