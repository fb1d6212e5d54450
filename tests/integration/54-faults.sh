#!/bin/bash
# 54-faults: the boundary-clock appliance (`meridian -f`, ports b1 slave to
# a ptp4l grandmaster and b2 master, sim PHCs) survives faults of its
# surroundings, and its time comes back each time. "Synced" below: the
# TRUE error of b1's sim PHC (simclock read: sim - CLOCK_REALTIME, the
# grandmaster's time) within 20 us three reads in a row.
#
# 1. stdout and stderr closed (meridian -f CONF >&- 2>&-): it syncs, and
#    no log line lands in a file or socket that took fd 1 or 2 (the lock
#    file holds the pid and nothing else); SIGTERM stops it, status 0.
# 2. stdout and stderr a pipe nobody reads (4 KiB, full within seconds):
#    it syncs all the same; a portd killed with -9 is restarted by the
#    supervisor within 10 s and the time comes back (a supervisor blocked
#    in write(2) on its own stderr would restart nothing).
# 3. The bus peer gone: clockd stopped (SIGSTOP) for 15 s, then resumed:
#    portd and bmcad are still the same processes, and it syncs again.
# 4. The PHC jumps: b1's sim clock stepped by +3 s, later by -2 s, under
#    the daemons' feet: synced again within 60 s (clock.step_threshold
#    1 ms: the default never steps once locked), no process died.
# 5. The clock disappears: b1's sim clock file removed (rm) while in use:
#    no process dies of it (the mapping stays) within 10 s, and SIGTERM
#    still stops the appliance cleanly.
. "$(dirname "$0")/portd-lib.sh"
. "$(dirname "$0")/bc-lib.sh"
pl_need ptp4l python3 pgrep
[ -x "$BIN/clockd" ] && [ -x "$BIN/bmcad" ] || t_fail "clockd or bmcad not built"
CONV_TIMEOUT=${CONV_TIMEOUT:-90}
TRUE_BOUND=20000

pl_ns p54gm; GM=$PL_NS
pl_ns p54bc; BC=$PL_NS
pl_ns p54s1; S1=$PL_NS
pl_link "$GM" gA "$BC" b1 10.54.1.1 10.54.1.2
pl_link "$BC" b2 "$S1" d1 10.54.2.1 10.54.2.2

RUN=$PL_DIR/run
CONF=$PL_DIR/bc.conf
bc_conf "$CONF" linreg "$RUN" "$(bc_port b1 30000.0 2000000)" \
	"$(bc_port b2 -20000.0 -3000000)"
# a clock that jumps must be stepped back: step beyond 1 ms (the default,
# 0, never steps after the first lock and slews 3 s at 500 ppm: 100 min)
sed -i 's/servo = "linreg";/servo = "linreg"; step_threshold = 0.001;/' \
	"$CONF"
"$MERIDIAN" --check-config "$CONF" >/dev/null ||
	t_fail "meridian --check-config refuses $CONF"
grep -q 'step_threshold = 0.001' "$CONF" || t_fail "no step_threshold in $CONF"
pl_ptp4l_conf "$PL_DIR/gm.cfg" gm priority1 10
t_bg "$GM" ptp4l -S -m -f "$PL_DIR/gm.cfg" -i gA -4 >"$PL_DIR/gm.log" 2>&1

# synced: b1's PHC within TRUE_BOUND of the grandmaster, 3 reads in a row
synced() {
	local i d
	for i in 1 2 3; do
		d=$(pl_true_now "$PL_DIR/b1.clk")
		[ -n "$d" ] && pl_le "$(pl_abs "$d")" "$TRUE_BOUND" || return 1
		sleep 0.3
	done
}
pid_of() {
	if [ "$1" = portd ]; then
		pgrep -f "/portd -f $CONF -i $2( |\$)"
	else
		pgrep -f "/$1 -f $CONF( |\$)"
	fi
}
pids() {
	echo "$(pid_of portd b1) $(pid_of portd b2) $(pid_of bmcad)" \
		"$(pid_of clockd)"
}
all_up() { [ "$(pids | wc -w)" -eq 4 ]; }
# stop_meridian PID: SIGTERM, its exit status in STOP_RC
stop_meridian() {
	kill "$1"
	local i
	for i in $(seq 100); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	wait "$1" 2>/dev/null
	STOP_RC=$?
}
fresh() { rm -f "$PL_DIR"/b1.clk "$PL_DIR"/b2.clk; rm -rf "$RUN"; }

# ---- 1. stdout and stderr closed -----------------------------------------
fresh
ip netns exec "$BC" "$MERIDIAN" -f "$CONF" >&- 2>&- &
MER=$!
T_PIDS+=("$MER")
t0=$SECONDS
t_check "1. closed stdout/stderr: all four children run" \
	t_wait_for 20 all_up
t_check "1. closed stdout/stderr: synced" t_wait_for "$CONV_TIMEOUT" synced
echo "1. synced after $((SECONDS - t0)) s"
lock=$RUN/meridian.lock
echo "1. lock file: $(head -c 200 "$lock" | tr '\n' '|')"
t_check "1. the lock file holds the pid and nothing else" \
	eval '[ "$(cat "$lock")" = "$MER" ]'
bad_fd=""
# fds 1 and 2 of every process: /dev/null, or closed; never a file or
# socket of its own that the log would write into
for p in $MER $(pids); do
	for fd in 1 2; do
		l=$(readlink "/proc/$p/fd/$fd" 2>/dev/null)
		echo "1. pid $p ($(cat /proc/$p/comm)) fd $fd: ${l:-closed}"
		case $l in
		""|/dev/null) ;;
		pipe:*) [ "$p" != "$MER" ] || bad_fd="$bad_fd $p/$fd=$l" ;;
		*) bad_fd="$bad_fd $p/$fd=$l" ;;
		esac
	done
done
t_check "1. fds 1 and 2 are /dev/null (or a child's pipe), not a file or socket" \
	[ -z "${bad_fd:-}" ]
t_check "1. no log line in any file of the run directory" \
	eval '! grep -rlaE "meridian|portd|clockd|bmcad" "$RUN" 2>/dev/null |
	      grep -v "\.sock$"'
t_check "1. meridian still runs" kill -0 "$MER"
stop_meridian "$MER"
t_check "1. SIGTERM: exit status 0" [ "$STOP_RC" -eq 0 ]

# ---- 2. a pipe nobody reads ------------------------------------------------
fresh
cat >"$PL_DIR/nopipe.py" <<'EOF'
# Run argv[2:] with stdout and stderr a 4 KiB pipe that is never read;
# write the child's pid to argv[1]; sleep until killed.
import fcntl, os, subprocess, sys, time
r, w = os.pipe()
fcntl.fcntl(w, 1031, 4096)		# F_SETPIPE_SZ
p = subprocess.Popen(sys.argv[2:], stdout=w, stderr=w,
		     stdin=subprocess.DEVNULL)
os.close(w)
open(sys.argv[1], "w").write("%d\n" % p.pid)
while True:
	time.sleep(3600)
EOF
t_bg "$BC" python3 "$PL_DIR/nopipe.py" "$PL_DIR/mer2.pid" "$MERIDIAN" \
	-f "$CONF" --log-level debug
HOLDER=$T_LAST_PID
t_wait_for 5 test -s "$PL_DIR/mer2.pid"
MER=$(cat "$PL_DIR/mer2.pid")
T_PIDS+=("$MER")
t_check "2. unread pipe: all four children run" t_wait_for 20 all_up
t_check "2. unread pipe: synced" t_wait_for "$CONV_TIMEOUT" synced
sleep 5		# the pipe is full long before (debug logging)
old=$(pid_of portd b1)
t0=$SECONDS
kill -9 "$old"
t_check "2. unread pipe: portd b1 (kill -9) restarted within 10 s" \
	t_wait_for 10 eval 'n=$(pid_of portd b1); [ -n "$n" ] && [ "$n" != "$old" ]'
echo "2. portd b1 $old -> $(pid_of portd b1) after $((SECONDS - t0)) s"
t_check "2. unread pipe: synced again after the restart" \
	t_wait_for "$CONV_TIMEOUT" synced
echo "2. synced again $((SECONDS - t0)) s after the kill"
old=$(pid_of bmcad)
kill -9 "$old"
t_check "2. unread pipe: bmcad (kill -9) restarted within 10 s" \
	t_wait_for 10 eval 'n=$(pid_of bmcad); [ -n "$n" ] && [ "$n" != "$old" ]'
t_check "2. meridian still runs" kill -0 "$MER"

# ---- 3. the bus peer gone: clockd stopped --------------------------------
before=$(pids)
c=$(pid_of clockd)
kill -STOP "$c"
sleep 15
t_check "3. clockd stopped 15 s: portd b1, b2 and bmcad still run" \
	eval '[ "$(pid_of portd b1) $(pid_of portd b2) $(pid_of bmcad)" = \
	       "$(echo "$before" | cut -d" " -f1-3)" ]'
kill -CONT "$c" 2>/dev/null
t0=$SECONDS
t_check "3. clockd resumed (or replaced): synced again" \
	t_wait_for "$CONV_TIMEOUT" synced
echo "3. synced $((SECONDS - t0)) s after SIGCONT; pids $before -> $(pids)"
t_check "3. all four children run" all_up

# ---- 4. the PHC jumps --------------------------------------------------------
for j in 3000000000 -2000000000; do
	before=$(pids)
	"$SIMCLOCK" step "$PL_DIR/b1.clk" "$j" >/dev/null
	echo "4. b1 stepped by $j ns: true error $(pl_true_now "$PL_DIR/b1.clk") ns"
	t0=$SECONDS
	sleep 1
	t_check "4. PHC jump $j ns: synced again within 60 s" \
		t_wait_for 60 synced
	echo "4. synced $((SECONDS - t0)) s after the jump"
	t_check "4. PHC jump $j ns: no process died" \
		[ "$(pids)" = "$before" ]
done

# ---- 5. the clock disappears -------------------------------------------------
before=$(pids)
cp "$PL_DIR/b1.clk" "$PL_DIR/b1.copy"	# a file, not the live mapping
rm "$PL_DIR/b1.clk"
sleep 10
t_check "5. sim file removed: no process died" [ "$(pids)" = "$before" ]
t_check "5. meridian still runs" kill -0 "$MER"
kill "$MER"
# (meridian is the holder's child, not ours: a zombie once it exits)
gone() { [ ! -e "/proc/$1" ] || grep -q ') Z ' "/proc/$1/stat"; }
t_check "5. SIGTERM: meridian and its children gone within 10 s" \
	t_wait_for 10 eval 'gone "$MER" && [ -z "$(pids | tr -d " ")" ]'
echo "5. after SIGTERM: meridian $(cut -d' ' -f3 "/proc/$MER/stat" 2>/dev/null || echo gone), children: $(pids)"
ps -o pid,stat,args --ppid "$MER" 2>/dev/null | head
kill "$HOLDER" 2>/dev/null

t_done
