#!/bin/bash
# 01-ordinary-clock: how well `portd --standalone` follows a ptp4l
# grandmaster with each servo, next to linuxptp's own measurement noise on
# the same link. Run by `make bench` (tests/bench/run), root, not by make
# check. Prints figures; fails only if a run did not happen.
#
# One veth pair between two namespaces, UDPv4 E2E, software timestamps,
# ptp4l grandmaster (CLOCK_REALTIME) with sync, delay request and announce
# at 2^-3, 2^-3, 2^-2 s. Three runs, one after the other on the same link
# (so they never share a CPU with each other), BENCH_SECONDS (90) each:
#
#   ptp4l     a free-running ptp4l slave: its "master offset" (1 sample a
#             second) is the noise floor of the measurement itself, with
#             no servo in the loop.
#   pi        portd, servo "pi", sim clock 1 s ahead and 100 ppm fast.
#   linreg    the same with servo "linreg".
#
# For portd: convergence time = seconds from start until |offset| < 10 us
# for good (from portd's summary lines, one a second, isolated one-sample
# excursions aside; and from the TRUE error sim - CLOCK_REALTIME read with
# `simclock watch` 4 times a second, strictly); then RMS and max of both
# after convergence, and the standard deviation of the frequency portd
# applies (its summary's freq_ppb) after convergence: how much the servo
# moves a clock that only needs a constant correction. The true error
# includes what the measurement cannot see (the asymmetry of software
# timestamping on the two directions), the reported offset includes what
# the clock does not have (measurement noise); the ptp4l line shows that
# noise alone.
. "$(dirname "$0")/../integration/portd-lib.sh"
pl_need ptp4l

SECS=${BENCH_SECONDS:-90}
BOUND=10000
OK=0

pl_ns b01gm; GM=$PL_NS
pl_ns b01sl; SL=$PL_NS
pl_link "$GM" g01 "$SL" s01 10.101.0.1 10.101.0.2
pl_ptp4l_conf "$PL_DIR/gm.cfg" gm priority1 10
pl_ptp4l "$GM" "$PL_DIR/gm.cfg" g01 gm -4
t_wait_for 10 grep -q "assuming the grand master role" "$PL_DIR/gm.log" ||
	t_fail "ptp4l grandmaster did not start: $(cat "$PL_DIR/gm.log")"

# row LABEL CONV CONV_TRUE MEDIAN|x| RMS MAX TRMS TMAX FREQ_SD STEPS
FMT='%-26s %7s %7s %7s %7s %7s %7s %7s %8s %5s'
ROWS=()
row() { ROWS+=("$(printf "$FMT" "$@")"); }
secs() { [ "$1" = never ] && echo never || echo "$1 s"; }
us() { awk -v x="$1" 'BEGIN { if (x == "nan" || x == "") print "-";
			       else printf "%.2f", x / 1000 }'; }

# ---- noise floor: a free-running ptp4l slave ----------------------------
pl_ptp4l_conf "$PL_DIR/p4.cfg" p4 slaveOnly 1
pl_ptp4l "$SL" "$PL_DIR/p4.cfg" s01 p4 -4
P4=$PL_PID
sleep "$SECS"
pl_stop "$P4"
# skip the first 3 samples (path delay filter settling)
pl_ptp4l_offsets "$PL_DIR/p4.log" | tail -n +4 >"$PL_DIR/p4.offs"
read -r n mean rms max < <(pl_stats <"$PL_DIR/p4.offs")
amed=$(pl_abs_median <"$PL_DIR/p4.offs")
read -r dn dmean drms dmax < <(pl_ptp4l_delays "$PL_DIR/p4.log" |
	tail -n +4 | pl_stats)
echo "ptp4l free-running slave: $n samples, offset mean $mean rms $rms" \
	"max $max median|x| $amed ns, path delay mean $dmean ns"
[ "$n" -ge $((SECS / 2)) ] && OK=$((OK + 1))
row "ptp4l slave (noise floor)" - - "$(us "$amed")" "$(us "$rms")" \
	"$(us "$max")" - - - -

# ---- portd, each servo ---------------------------------------------------
run() {
	local servo=$1 out=$PL_DIR/sl-$1.out clk=$PL_DIR/sl-$1.clk
	local t0 conv tconv n=0 mean=nan rms=nan max=nan
	local tn=0 tmean=nan trms=nan tmax=nan
	pl_portd_conf "$PL_DIR/sl-$servo.conf" s01 servo="$servo" \
		freq=100000 offset=1000000000 simpath="$clk" \
		rundir="$PL_DIR/run-$servo"
	t0=$(pl_now)
	pl_portd "$SL" "$PL_DIR/sl-$servo.conf" s01 "sl-$servo"
	local pid=$PL_PID
	pl_simwatch "$clk" "$PL_DIR/true-$servo" 250 || {
		echo "$servo: no sim clock file"
		pl_show "sl-$servo"
		return
	}
	sleep "$SECS"
	pl_stop "$pid"
	pl_stop "$PL_WATCH_PID"
	echo "== $servo: first and last summary lines"
	grep '^summary ' "$out" | head -n 5
	grep '^summary ' "$out" | tail -n 3
	conv=$(pl_conv_time "$out" "$BOUND")
	# true convergence: first watch line from which |diff| < BOUND for good
	tconv=$(awk -v t0="$t0" -v b="$BOUND" '
		{ r = ""; d = ""
		  for (i = 1; i < NF; i++) {
			if ($i == "real") r = $(i + 1)
			if ($i == "diff_ns") d = $(i + 1)
		  }
		  a = d < 0 ? -d : d
		  if (a > b) first = ""; else if (first == "") first = r }
		END { if (first == "") print "never";
		      else printf "%.1f\n", first - t0 }' "$PL_DIR/true-$servo")
	local fsd=nan amed=nan
	if [ "$conv" != never ]; then
		read -r n mean rms max < <(pl_sum_col "$out" offset_ns |
			tail -n +"$conv" | pl_stats)
		amed=$(pl_sum_col "$out" offset_ns | tail -n +"$conv" |
			pl_abs_median)
		# standard deviation of the applied frequency, ppb
		fsd=$(pl_sum_col "$out" freq_ppb | tail -n +"$conv" |
			awk '{ n++; s += $1; ss += $1 * $1 }
			     END { if (n < 2) print "nan"; else {
				   v = ss / n - (s / n) ^ 2; if (v < 0) v = 0
				   printf "%.0f\n", sqrt(v) } }')
	else
		n=0 rms=nan max=nan
	fi
	if [ "$tconv" != never ]; then
		local since
		since=$(awk -v a="$t0" -v b="$tconv" \
			'BEGIN { printf "%.3f", a + b }')
		read -r tn tmean trms tmax < <(
			pl_true_col "$PL_DIR/true-$servo" "$since" | pl_stats)
	else
		tn=0 trms=nan tmax=nan
	fi
	echo "$servo: converged after $conv s (reported), $tconv s (true);" \
		"after that reported: $n samples mean $mean rms $rms" \
		"max $max ns;" \
		"true: $tn reads mean $tmean rms $trms max $tmax ns;" \
		"freq sd $fsd ppb"
	[ "$(pl_nsum "$out")" -ge $((SECS / 2)) ] && OK=$((OK + 1))
	row "portd $servo" "$(secs "$conv")" "$(secs "$tconv")" \
		"$(us "$amed")" "$(us "$rms")" \
		"$(us "$max")" "$(us "$trms")" "$(us "$tmax")" "$fsd" \
		"$(pl_sum "$out" steps)"
}
run pi
run linreg

echo
echo "Ordinary clock, ptp4l GM -> slave, UDPv4 E2E, software timestamps,"
echo "direct veth, sync/delay_req 2^-3 s, $SECS s per run, runs one after the"
echo "other; portd's sim clock starts +1 s and +100 ppm; convergence ="
echo "|offset| < 10 us for good; offsets in us after convergence (rep ="
echo "reported by the slave, true = sim clock - CLOCK_REALTIME)."
printf "$FMT\n" "" "conv" "conv" "rep" "rep" "rep" "true" "true" "freq sd" ""
printf "$FMT\n" "estimator" "rep" "true" "med|x|" "RMS" "max" "RMS" "max" \
	"ppb" "steps"
printf '%s\n' "${ROWS[@]}"
echo "(host: $(nproc) CPUs, $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg))"
[ "$OK" -eq 3 ] || { echo "benchmark: $OK of 3 runs produced data"; exit 1; }
exit 0
