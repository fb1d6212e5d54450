#!/bin/bash
# 03-sim-vs-lab: does the simulator agree with the lab? (issue 8, "What it
# must show", 2nd bullet). The lab case of 01-ordinary-clock (ptp4l GM ->
# portd --standalone slave, software timestamps on a direct veth, 2^-3 s
# sync and delay request) measured, and the same case simulated by
# meridian-sim with tests/sim/scenarios/lab-veth.scn, whose timestamp noise
# scripts/sim-fit fitted to this link (tests/bench/lab-veth-measure.sh).
# Prints the TRUE time error RMS of both, side by side, and their ratio
# (target: within a factor of 2), for the PI and the linreg servo.
#
# Both are judged the same way: from the first instant after which |TE|
# stays below 10 us for good (01's convergence rule), RMS of TE = slave
# clock - true time (lab: `simclock watch` 4 times a second; simulator:
# its trace, 8 times a second). The simulated figure is the mean over
# SIM_SEEDS seeds (5) and the spread is printed.
#
# BENCH01_LOG=FILE reuses the output of an earlier 01-ordinary-clock run
# instead of running it (root needed only then); BENCH_SECONDS (90) is
# passed to 01 and is the simulated duration. Prints figures; fails only
# if a run did not happen.
cd "$(dirname "$0")/../.." || exit 1
TOP=$PWD
SIM=${SIM:-$TOP/build/tests/sim/meridian-sim}
SCN=$TOP/tests/sim/scenarios/lab-veth.scn
SECS=${BENCH_SECONDS:-90}
SEEDS=${SIM_SEEDS:-5}
TMP=$(mktemp -d /tmp/meridian-b03.XXXXXX) || exit 1
trap 'rm -rf "$TMP"' EXIT

[ -x "$SIM" ] || { echo "03: $SIM not built (make sim)"; exit 1; }
[ -f "$SCN" ] || { echo "03: no $SCN (scripts/sim-fit --scn)"; exit 1; }

# ---- the lab ------------------------------------------------------------
if [ -n "${BENCH01_LOG:-}" ]; then
	LAB=$BENCH01_LOG
	echo "lab: reusing $LAB"
else
	mkdir -p "$TOP/build/bench"
	LAB=$TOP/build/bench/01-ordinary-clock.$(date +%Y%m%d-%H%M%S).log
	echo "lab: running tests/bench/01-ordinary-clock.sh ($SECS s a run)"
	BENCH_SECONDS=$SECS bash tests/bench/01-ordinary-clock.sh >"$LAB" 2>&1
	echo "lab: 01 exited $? (its output: $LAB)"
fi
# lab_rms SERVO: "RMS MAX CONV" of the true error after convergence, CONV
# the true convergence time (s)
lab_rms() {
	awk -v s="$1" '$1 == s ":" && /converged after/ {
		for (i = 1; i < NF; i++) {
			if ($i == "true:") { rms = $(i + 6); max = $(i + 8) }
			if ($i == "(true);") c = $(i - 2)
		}
		print rms, max, c; exit }' "$LAB"
}

# ---- the simulator ------------------------------------------------------
# sim_run SERVO SEED: "RMS MAX CONV" of the slave's true TE from the trace,
# judged as the lab is (after |TE| < 10 us for good)
sim_run() {
	local servo=$1 seed=$2 scn=$TMP/lab-veth-$1.scn
	sed "s/servo=pi/servo=$servo/" "$SCN" >"$scn"
	"$SIM" "$scn" --seed "$seed" --duration "$SECS" \
		--trace "$TMP/$servo-$seed.trace" >"$TMP/$servo-$seed.out" \
		2>"$TMP/$servo-$seed.err" || {
		echo "nan nan never"
		return
	}
	awk '!/^#/ && $2 == "slave" { t[n] = $1; x[n] = $3; n++ }
	     END { first = -1
		   for (i = 0; i < n; i++) {
			a = x[i] < 0 ? -x[i] : x[i]
			if (a >= 10000) first = -1
			else if (first < 0) first = i }
		   if (first < 0 || n == 0) { print "nan nan never"; exit }
		   for (i = first; i < n; i++) {
			a = x[i] < 0 ? -x[i] : x[i]
			ss += x[i] * x[i]; if (a > m) m = a; k++ }
		   printf "%.1f %.0f %.1f\n", sqrt(ss / k), m, t[first] }' \
		"$TMP/$servo-$seed.trace"
}

FMT='%-7s %8s %8s %8s %8s %8s %8s %7s  %s'
printf "$FMT\n" servo "lab RMS" "sim RMS" "lab max" "sim max" "lab conv" \
	"sim conv" sim/lab "sim per seed: RMS/conv"
RAN=0
for servo in pi linreg; do
	read -r lrms lmax lconv < <(lab_rms "$servo")
	all=() sum=0 k=0 smax=0 convs=()
	for seed in $(seq 1 "$SEEDS"); do
		read -r r m c < <(sim_run "$servo" "$seed")
		all+=("$r/$c")
		convs+=("$c")
		if [ "$r" != nan ]; then
			sum=$(awk -v a="$sum" -v b="$r" 'BEGIN { print a + b }')
			smax=$(awk -v a="$smax" -v b="$m" \
				'BEGIN { print (b > a ? b : a) }')
			k=$((k + 1))
		fi
	done
	srms=nan
	[ "$k" -gt 0 ] && srms=$(awk -v a="$sum" -v k="$k" \
		'BEGIN { printf "%.1f", a / k }')
	ratio=$(awk -v a="$srms" -v b="${lrms:-nan}" 'BEGIN {
		if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else print "-" }')
	sconv=$(printf '%s\n' "${convs[@]}" | sort -g |
		awk '{ v[n++] = $1 } END { print n ? v[int(n / 2)] : "-" }')
	printf "$FMT\n" "$servo" "${lrms:-nan}" "$srms" "${lmax:-nan}" \
		"$smax" "${lconv:--}" "$sconv" "$ratio" "${all[*]}"
	if [ -n "$lrms" ] && [ "$lrms" != nan ] && [ "$k" -gt 0 ]; then
		RAN=$((RAN + 1))
		awk -v r="$ratio" 'BEGIN { exit !(r >= 0.5 && r <= 2) }' &&
			echo "  $servo: within a factor of 2" ||
			echo "  $servo: NOT within a factor of 2"
	fi
done
echo "(true TE in ns after |TE| < 10 us for good, convergence in s = when" \
	"that began; lab: $SECS s per servo, one run; sim: $SECS virtual s," \
	"RMS the mean of $SEEDS seeds, max the max, conv the median;" \
	"host load $(cut -d' ' -f1-3 /proc/loadavg))"
[ "$RAN" -eq 2 ] || { echo "03: $RAN of 2 comparisons had data"; \
	[ -z "${BENCH01_LOG:-}" ] || sed -n '1,40p' "$LAB"; exit 1; }
exit 0
