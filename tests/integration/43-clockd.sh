#!/bin/bash
# 43-clockd: clockd alone, no network: tests/tools/sample_push stands in
# for a slave portd (offsets of a sim clock against CLOCK_REALTIME, as if
# the grandmaster were CLOCK_REALTIME, 100 ns of noise, 8 a second), and
# tests/tools/servo_watch binds DIR/pub.sock in the supervisor's place.
# Three ports on three sim clocks: +30, -20, +50 ppm, a few ms off.
#
#   1. eth1 is slave: its clock converges to CLOCK_REALTIME, eth2's and
#      eth3's to eth1's (true errors printed: RMS/max over 10 s).
#   2. The samples stop: HOLDOVER on clock/servo/ with clockClass 135,
#      165 after --holdover-spec (4 s); the clocks keep their frequency
#      (true error drifts by ns, not at 30 ppm).
#   3. The samples come from eth2 (slave port change): no clock is
#      stepped (steps counter unchanged), all locked again.
#   4. kill -9 clockd: the clocks keep their frequency meanwhile; a new
#      clockd resumes warm, without a step.
#   5. A second clockd on the run directory is refused; SIGTERM: exit 0.
#   6. A sim clock file truncated under a running clockd: exit status 1
#      and a message naming the clock, not a SIGBUS (exit 135).
. "$(dirname "$0")/lib.sh"
CLOCKD=$BIN/clockd
SP=$TOOLS/sample_push
SW=$TOOLS/servo_watch
SC=$TOOLS/simclock
for x in "$CLOCKD" "$SP" "$SW" "$SC"; do
	[ -x "$x" ] || t_fail "$x not built"
done
t_tmpdir D
RUN=$D/run
mkdir -p "$RUN"

"$SC" create "$D/e1.clk" --freq-ppb 30000 --offset-ns 3000000 >/dev/null &&
"$SC" create "$D/e2.clk" --freq-ppb -20000 --offset-ns -2000000 >/dev/null &&
"$SC" create "$D/e3.clk" --freq-ppb 50000 --offset-ns 4000000 >/dev/null ||
	t_fail "simclock create"

cat >"$D/bc.conf" <<CONF
clock = { clock_identity = "aabbcc.fffe.000001"; servo = "linreg"; };
ports = (
	{ interface = "eth1"; clock = "sim"; timestamping = "software";
	  sim_path = "$D/e1.clk"; log_sync_interval = -3; },
	{ interface = "eth2"; clock = "sim"; timestamping = "software";
	  sim_path = "$D/e2.clk"; log_sync_interval = -3; },
	{ interface = "eth3"; clock = "sim"; timestamping = "software";
	  sim_path = "$D/e3.clk"; log_sync_interval = -3; }
);
CONF

start_clockd() {
	"$CLOCKD" -f "$D/bc.conf" --rundir "$RUN" -l info \
		--holdover-spec 4 2>>"$D/clockd.err" &
	CD_PID=$!
	T_PIDS+=("$CD_PID")
}

push() {
	"$SP" --rundir "$RUN" -i "$1" --clock "$D/$2.clk" --noise-ns 100 \
		>>"$D/push.out" 2>&1 &
	SP_PID=$!
	T_PIDS+=("$SP_PID")
}

# key K FILE: the value of key K of `simclock read` of sim clock FILE.
key() { "$SC" read "$D/$2.clk" | awk -v k="$1" '$1 == k { print $2 }'; }

# errs SECONDS OUT: every 0.25 s, each clock's true error (sim -
# CLOCK_REALTIME, ns) as "e1 e2 e3" lines appended to OUT.
errs() {
	local end=$(( $(date +%s%N) + $1 * 1000000000 ))
	while [ "$(date +%s%N)" -lt $end ]; do
		echo "$(key diff_ns e1) $(key diff_ns e2) $(key diff_ns e3)" \
			>>"$2"
		sleep 0.25
	done
}

# stats OUT COL: "rms=N max=N" of column COL, ns.
stats() {
	awk -v c="$2" '{ v = $c; s += v * v; n++; a = v < 0 ? -v : v;
		if (a > m) m = a }
		END { if (n) printf "rms=%.0f max=%.0f n=%d", sqrt(s / n), m, n }' "$1"
}
maxabs() { stats "$1" "$2" | sed 's/.*max=\([0-9]*\).*/\1/'; }

# last servo line's KEY
servo() { grep '^servo ' "$D/watch.out" | tail -n 1 | tr ' ' '\n' |
	  sed -n "s/^$1=//p"; }
seen() { grep -q "^servo .*$1" "$D/watch.out"; }

"$SW" --rundir "$RUN" >"$D/watch.out" 2>&1 &
T_PIDS+=("$!")
start_clockd
t_wait_for 5 test -S "$RUN/clock.sock" || t_fail "clockd did not bind"
push eth1 e1

echo "== 1. eth1 slave: convergence"
sleep 20
errs 10 "$D/locked.txt"
for k in 1 2 3; do
	echo "eth$k true error over 10 s: $(stats "$D/locked.txt" $k) ns"
done
t_check "servo LOCKED with eth1 as slave" \
	test "$(servo slave)" = eth1 -a "$(servo class)" = 248
t_check "clock/servo/ says LOCKED" \
	bash -c "grep '^servo ' '$D/watch.out' | tail -n 1 | grep -q 'state=LOCKED'"
t_check "eth1's clock is within 2 us of CLOCK_REALTIME" \
	test "$(maxabs "$D/locked.txt" 1)" -lt 2000
t_check "eth2's clock is within 2 us" test "$(maxabs "$D/locked.txt" 2)" -lt 2000
t_check "eth3's clock is within 2 us" test "$(maxabs "$D/locked.txt" 3)" -lt 2000
t_check "eth2 and eth3 locked to eth1 on clock/servo/" \
	bash -c "grep '^servo ' '$D/watch.out' | tail -n 1 |
		 grep 'c1=eth2,fol,locked' | grep -q 'c2=eth3,fol,locked'"
STEPS=$(servo steps)
echo "steps so far: $STEPS (one per clock at start)"

echo "== 2. samples stop: holdover"
kill "$SP_PID"; wait "$SP_PID" 2>/dev/null
sleep 1.5
t_check "HOLDOVER with clockClass 135" \
	test "$(servo state)" = HOLDOVER -a "$(servo class)" = 135
echo "$(key diff_ns e1) $(key diff_ns e2) $(key diff_ns e3)" >"$D/ho0.txt"
sleep 5
echo "$(key diff_ns e1) $(key diff_ns e2) $(key diff_ns e3)" >"$D/ho1.txt"
t_check "clockClass 165 beyond the 4 s of --holdover-spec" \
	test "$(servo class)" = 165
paste "$D/ho0.txt" "$D/ho1.txt" | awk '{ for (k = 1; k <= 3; k++)
	printf "eth%d drift in 5 s of holdover: %.0f ns\n", k, $(k+3) - $k }'
t_check "holdover keeps the frequencies (drift < 1 us in 5 s, not 150 us)" \
	bash -c "paste '$D/ho0.txt' '$D/ho1.txt' | awk '{ for (k = 1; k <= 3; k++) {
		d = \$(k+3) - \$k; if (d < -1000 || d > 1000) exit 1 } }'"

echo "== 3. eth2 becomes slave"
push eth2 e2
errs 10 "$D/switch.txt"
for k in 1 2 3; do
	echo "eth$k true error during the switch: $(stats "$D/switch.txt" $k) ns"
done
t_check "eth2 is the slave port" test "$(servo slave)" = eth2
t_check "no clock was stepped (steps $STEPS -> $(servo steps))" \
	test "$(servo steps)" = "$STEPS"
t_check "every clock locked again" \
	bash -c "grep '^servo ' '$D/watch.out' | tail -n 1 |
		 grep 'state=LOCKED' | grep 'c0=eth1,fol,locked' |
		 grep 'c1=eth2,ref,locked' | grep -q 'c2=eth3,fol,locked'"
t_check "every clock within 5 us during the switch" \
	test "$(maxabs "$D/switch.txt" 1)" -lt 5000 -a \
	     "$(maxabs "$D/switch.txt" 2)" -lt 5000 -a \
	     "$(maxabs "$D/switch.txt" 3)" -lt 5000

echo "== 4. kill -9 clockd, restart"
# (read after the kill: the reference's frequency moves with every
# sample clockd takes, up to the instant it dies)
kill -9 "$CD_PID"; wait "$CD_PID" 2>/dev/null
ADJ0="$(key adj_ppb e1) $(key adj_ppb e2) $(key adj_ppb e3)"
errs 2 "$D/dead.txt"
ADJ1="$(key adj_ppb e1) $(key adj_ppb e2) $(key adj_ppb e3)"
echo "frequencies at kill -9: $ADJ0; 2 s later: $ADJ1"
for k in 1 2 3; do
	echo "eth$k true error while clockd is gone: $(stats "$D/dead.txt" $k) ns"
done
t_check "the clocks kept their frequency" test "$ADJ0" = "$ADJ1"
N0=$(wc -l <"$D/clockd.err")
start_clockd
errs 8 "$D/restart.txt"
for k in 1 2 3; do
	echo "eth$k true error after the restart: $(stats "$D/restart.txt" $k) ns"
done
t_check "the new clockd did not step any clock" \
	bash -c "! tail -n +$((N0 + 1)) '$D/clockd.err' | grep -q stepped"
t_check "the new clockd is LOCKED with eth2, steps 0" \
	test "$(servo state)" = LOCKED -a "$(servo slave)" = eth2 -a \
	     "$(servo steps)" = 0
t_check "every clock within 5 us across the restart" \
	test "$(maxabs "$D/restart.txt" 1)" -lt 5000 -a \
	     "$(maxabs "$D/restart.txt" 2)" -lt 5000 -a \
	     "$(maxabs "$D/restart.txt" 3)" -lt 5000

echo "== 5. single instance, SIGTERM"
"$CLOCKD" -f "$D/bc.conf" --rundir "$RUN" 2>"$D/second.err"
t_check "a second clockd is refused (exit 1)" test $? -eq 1
t_check "it says why" grep -q "another clockd runs" "$D/second.err"
kill "$SP_PID"
kill -TERM "$CD_PID"; wait "$CD_PID"
t_check "SIGTERM: exit status 0" test $? -eq 0

echo "== 6. a sim clock truncated under a running clockd"
start_clockd
push eth1 e1
sleep 2
N0=$(wc -l <"$D/clockd.err")
truncate -s 0 "$D/e3.clk"
for _ in $(seq 50); do kill -0 "$CD_PID" 2>/dev/null || break; sleep 0.1; done
wait "$CD_PID"
rc=$?
kill "$SP_PID"
tail -n +$((N0 + 1)) "$D/clockd.err" | tail -n 2
t_check "clockd exits with status 1, not a bus error (exit $rc)" \
	test "$rc" -eq 1
t_check "and says which clock was truncated" \
	grep -q "eth3: sim clock $D/e3.clk was truncated while in use" \
		"$D/clockd.err"
t_done
